-- Catches orders lost, duplicated or split when lines are rolled up: per channel and month,
-- fct_orders must hold exactly as many orders, and as many cancelled orders, as the staging
-- exports (Shopify: own orders only; TikTok orders synced into Shopify belong to TikTok).
-- Several parents: dagster-dbt attaches it as an asset check to the model named here.
{{ config(meta={'dagster': {'ref': {'name': 'fct_orders'}}}) }}
with staging as (

    select channel, order_month, orders, cancelled_orders,
    from {{ ref('int_reconciliation__exports_monthly') }}

),

facts as (

    select channel, order_month, count(*) as orders, count(*) filter (where is_cancelled) as cancelled_orders,
    from {{ ref('fct_orders') }}
    group by all

)

{{ reconcile('staging', 'facts', ['orders', 'cancelled_orders'], tolerance=0) }}
