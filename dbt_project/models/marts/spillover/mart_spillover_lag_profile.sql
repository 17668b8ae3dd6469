-- How the timing of off-TikTok sales lines up with TikTok Shop sales: the correlation of each target
-- channel's daily sales with TikTok Shop GMV l days earlier, l = 0..14, per product group (every grain).
-- Mirrors orchestration/analysis/spillover.py `lag_correlation` exactly (a pytest compares them):
-- both series minus their centred 29-day moving average (undefined within 14 days of either end),
-- then a Pearson correlation over the days where both deviations exist.
with panel as (
    select grain, product_group, 'amazon' as target_channel, date_day, tiktok_gmv_usd as x, amazon_sales_usd as y,
    from {{ ref('mart_channel_daily') }}
    union all
    select grain, product_group, 'shopify' as target_channel, date_day, tiktok_gmv_usd as x, shopify_sales_usd as y,
    from {{ ref('mart_channel_daily') }}
),

deviations as (
    select
        grain,
        product_group,
        target_channel,
        date_day,
        case when count(x) over centred = 29 then x - avg(x) over centred end as x_dev,
        case when count(y) over centred = 29 then y - avg(y) over centred end as y_dev,
    from panel
    window centred as (
        partition by grain, product_group, target_channel
        order by date_day
        range between interval 14 days preceding and interval 14 days following
    )
),

lags as (
    select unnest(range(0, 15)) as lag_days
),

pairs as (
    select
        target.grain,
        target.product_group,
        target.target_channel,
        lags.lag_days,
        target.y_dev,
        earlier.x_dev,
    from deviations as target
    cross join lags
    inner join deviations as earlier
        on target.grain = earlier.grain
        and target.product_group = earlier.product_group
        and target.target_channel = earlier.target_channel
        and earlier.date_day = target.date_day - cast(lags.lag_days as integer)
    where target.y_dev is not null and earlier.x_dev is not null
),

profile as (
    select
        grain,
        product_group,
        target_channel,
        cast(lag_days as integer) as lag_days,
        count(*) as n_days,
        case
            when count(*) > 3 and stddev_samp(x_dev) > 0 and stddev_samp(y_dev) > 0 then corr(y_dev, x_dev)
        end as correlation,
    from pairs
    group by all
)

select
    grain,
    product_group,
    target_channel,
    lag_days,
    cast(n_days as integer) as n_days,
    correlation,
    -- ties go to the shortest lag, as numpy's argmax does
    correlation is not null and row_number() over (
        partition by grain, product_group, target_channel order by correlation desc nulls last, lag_days
    ) = 1 as is_peak_lag,
from profile
