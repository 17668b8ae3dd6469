-- Catches orders lost, duplicated or split when lines are rolled up: per channel and month,
-- fct_orders must hold exactly as many orders, and as many cancelled orders, as the staging
-- exports (Shopify: own orders only; TikTok orders synced into Shopify belong to TikTok).
-- Several parents: dagster-dbt attaches it as an asset check to the model named here.
{{ config(meta={'dagster': {'ref': {'name': 'fct_orders'}}}) }}
with staging as (

    select
        'tiktok_shop' as channel,
        cast(date_trunc('month', created_time) as date) as order_month,
        count(distinct order_id) as orders,
        count(distinct order_id) filter (where order_status = 'Cancelled') as cancelled_orders,
    from {{ ref('stg_tiktok__orders') }}
    group by all
    union all
    select
        'amazon',
        cast(date_trunc('month', {{ to_seller_time("purchase_date") }}) as date),
        count(distinct amazon_order_id),
        count(distinct amazon_order_id) filter (where order_status = 'Cancelled'),
    from {{ ref('stg_amazon__orders') }}
    group by all
    union all
    select
        'shopify',
        cast(date_trunc('month', {{ to_seller_time("created_at") }}) as date),
        count(distinct order_name),
        count(distinct order_name) filter (where financial_status = 'voided' or cancelled_at is not null),
    from {{ ref('stg_shopify__order_lines') }}
    where not is_tiktok_shop_sync
    group by all

),

facts as (

    select channel, order_month, count(*) as orders, count(*) filter (where is_cancelled) as cancelled_orders,
    from {{ ref('fct_orders') }}
    group by all

)

{{ reconcile('staging', 'facts', ['orders', 'cancelled_orders'], tolerance=0) }}
