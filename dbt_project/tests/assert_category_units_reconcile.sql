-- Catches units lost or double-counted between the exports and the category mart: per channel and
-- month, units sold (not cancelled) and units returned in mart_category_performance must equal the
-- staging exports' own totals (TikTok Quantity / Sku Quantity of return, Amazon quantity, Shopify
-- line quantity of own orders — TikTok orders synced into Shopify are counted on TikTok only).
-- Several parents: dagster-dbt attaches it as an asset check to the model named here.
{{ config(meta={'dagster': {'ref': {'name': 'mart_category_performance'}}}) }}
{{ reconcile_with_exports('mart_category_performance', {
    'units_sold': 'sum(units_sold)',
    'units_returned': 'sum(units_returned)',
}, tolerance=1e-6, unchecked_when_null=['units_returned']) }}
