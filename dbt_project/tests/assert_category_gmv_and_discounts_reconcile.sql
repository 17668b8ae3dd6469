-- Catches a wrong GMV or discount total: per channel and month, GMV as the platform defines it
-- (TikTok: subtotal before discount minus seller discount, cancelled lines included; Amazon: item
-- price; Shopify: price × quantity), seller-funded and platform-funded discounts in the mart must
-- equal the same sums over the staging exports, within a cent. Shopify's order-level Discount
-- Amount is counted once per order (it sits on the first line only).
-- Several parents: dagster-dbt attaches it as an asset check to the model named here.
{{ config(meta={'dagster': {'ref': {'name': 'mart_category_performance'}}}) }}
{{ reconcile_with_exports('mart_category_performance', {
    'gmv': 'sum(gmv_usd)',
    'seller_discount': 'sum(seller_discount_usd)',
    'platform_discount': 'sum(platform_discount_usd)',
}) }}
