with fees as (
    select
        channel,
        fee_type,
        basis,
        cast(rate as double) as rate,
        cast(fixed_usd as double) as fixed_usd,
        cast(valid_from as date) as valid_from,
        nullif(trim(category), '') as category_id,
        source as fee_source,
    from {{ source('reference', 'fee_schedule') }}
)

select
    channel || ':' || fee_type || ':' || coalesce(category_id, '*') || '@' || strftime(valid_from, '%Y-%m-%d')
        as fee_id,
    *,
    coalesce(
        lead(valid_from) over (partition by channel, fee_type, category_id order by valid_from) - interval 1 day,
        date '9999-12-31'
    )::date as valid_to,
from fees
