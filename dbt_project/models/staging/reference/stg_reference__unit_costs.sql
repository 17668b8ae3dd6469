-- Each cost row applies from valid_from until the day before the product's next row.
with costs as (
    select
        product_id,
        cast(valid_from as date) as valid_from,
        cast(unit_cogs_usd as double) as unit_cogs_usd,
        cast(tiktok_fbs_fulfilment_usd as double) as tiktok_fbs_fulfilment_usd,
        cast(tiktok_fbt_fulfilment_usd as double) as tiktok_fbt_fulfilment_usd,
        cast(amazon_fba_fulfilment_usd as double) as amazon_fba_fulfilment_usd,
        cast(amazon_fbm_fulfilment_usd as double) as amazon_fbm_fulfilment_usd,
        cast(shopify_fulfilment_usd as double) as shopify_fulfilment_usd,
        source as cost_source,
    from {{ source('reference', 'unit_costs') }}
)

select
    product_id || '@' || strftime(valid_from, '%Y-%m-%d') as unit_cost_id,
    *,
    coalesce(
        lead(valid_from) over (partition by product_id order by valid_from) - interval 1 day,
        date '9999-12-31'
    )::date as valid_to,
from costs
