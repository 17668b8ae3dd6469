-- Fails when a product group of mart_channel_daily misses a day or has one twice: the estimator needs one
-- row per consecutive day (a day without sales is a row of zeros), and a duplicate would double a day.
with per_group as (
    select
        grain,
        product_group,
        count(*) as n_rows,
        count(distinct date_day) as n_days,
        date_diff('day', min(date_day), max(date_day)) + 1 as days_in_window,
    from {{ ref('mart_channel_daily') }}
    group by all
),

window_bounds as (
    select min(date_day) as first_day, max(date_day) as last_day,
    from {{ ref('mart_channel_daily') }}
)

select per_group.*
from per_group
cross join window_bounds
where per_group.n_rows <> per_group.n_days
    or per_group.n_days <> date_diff('day', window_bounds.first_day, window_bounds.last_day) + 1
