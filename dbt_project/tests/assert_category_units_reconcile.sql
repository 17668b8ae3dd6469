-- Catches units lost or double-counted between the exports and the category mart: per channel and
-- month, units sold (not cancelled) and units returned in mart_category_performance must equal the
-- staging exports' own totals (TikTok Quantity / Sku Quantity of return, Amazon quantity, Shopify
-- line quantity of own orders — TikTok orders synced into Shopify are counted on TikTok only).
-- Several parents: dagster-dbt attaches it as an asset check to the model named here.
{{ config(meta={'dagster': {'ref': {'name': 'mart_category_performance'}}}) }}
with staging as (

    select
        'tiktok_shop' as channel,
        cast(date_trunc('month', created_time) as date) as order_month,
        sum(case when order_status <> 'Cancelled' then quantity else 0 end) as units_sold,
        sum(coalesce(sku_quantity_of_return, 0)) as units_returned,
    from {{ ref('stg_tiktok__orders') }}
    group by all
    union all
    select
        'amazon',
        cast(date_trunc('month', {{ to_seller_time("purchase_date") }}) as date),
        sum(case when order_status <> 'Cancelled' then coalesce(quantity, 0) else 0 end),
        -- Amazon returns: the FBA customer returns report's units of the order's items.
        sum(case when order_status <> 'Cancelled' then least(coalesce(returned.units, 0), coalesce(quantity, 0)) else 0 end),
    from {{ ref('stg_amazon__orders') }} as o
    left join (
        select order_id, sku, sum(quantity) as units from {{ ref('stg_amazon__fba_returns') }} group by all
    ) as returned on returned.order_id = o.amazon_order_id and returned.sku = o.sku
    group by all
    union all
    select
        'shopify',
        cast(date_trunc('month', {{ to_seller_time("created_at") }}) as date),
        sum(case when financial_status = 'voided' or cancelled_at is not null then 0 else lineitem_quantity end),
        null,  -- Shopify returns are derived from refunded amounts; checked against the refunds instead.
    from {{ ref('stg_shopify__order_lines') }}
    where not is_tiktok_shop_sync
    group by all

),

mart as (

    select channel, order_month, sum(units_sold) as units_sold, sum(units_returned) as units_returned,
    from {{ ref('mart_category_performance') }}
    group by all

)

{{ reconcile('staging', 'mart', ['units_sold', 'units_returned'], tolerance=1e-6,
              unchecked_when_null=['units_returned']) }}
