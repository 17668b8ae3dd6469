-- Warns about products that sold without a unit cost in the seller's catalogue: their sales are kept,
-- but their margin reads "cost missing" and is left out of every margin total until the seller fills
-- catalogue/products.csv (`tsw catalogue` lists them with empty cost columns).
{{ config(severity='warn') }}

select
    product_id,
    product_name,
    channels_sold,
    units_sold,
    net_sales_usd,
from {{ ref('dim_products') }}
where units_sold > 0 and cost_status <> 'ok'
