-- Catches orders lost, duplicated or split when lines are rolled up: per channel and month,
-- fct_orders must hold exactly as many orders, and as many cancelled orders, as the staging
-- exports (Shopify: own orders only; TikTok orders synced into Shopify belong to TikTok).
-- Several parents: dagster-dbt attaches it as an asset check to the model named here.
{{ config(meta={'dagster': {'ref': {'name': 'fct_orders'}}}) }}
{{ reconcile_with_exports('fct_orders', {
    'orders': 'count(*)',
    'cancelled_orders': 'count(*) filter (where is_cancelled)',
}, tolerance=0) }}
