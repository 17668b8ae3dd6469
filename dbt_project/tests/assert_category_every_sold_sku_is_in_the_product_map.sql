-- Warns about SKUs that sold but are missing from seeds/reference/product_map.csv: their sales are kept
-- (as UNMAPPED:<channel>:<sku> in dim_products and on the Categories page) but they have no cost row,
-- so their margin is overstated until the seller adds them to the map and to unit_costs.csv.
{{ config(severity='warn') }}

select
    product_id,
    channels_sold,
    units_sold,
    net_sales_usd,
from {{ ref('dim_products') }}
where not is_in_product_map
