-- Catches order-level amounts counted more than once (TikTok repeats Order Amount, shipping,
-- taxes and Order Refund Amount on every SKU line; Shopify staging copies them onto every line)
-- or lost when split over lines: per channel and month, shipping charged, taxes and refunds in the
-- mart must equal each order's amount taken once (TikTok/Shopify: the first line of the order;
-- Amazon: its per-item columns), within a cent.
-- Several parents: dagster-dbt attaches it as an asset check to the model named here.
{{ config(meta={'dagster': {'ref': {'name': 'mart_category_performance'}}}) }}
{{ reconcile_with_exports('mart_category_performance', {
    'shipping': 'sum(shipping_charged_usd)',
    'taxes': 'sum(taxes_usd)',
    'refunds': 'sum(refunds_usd)',
}) }}
