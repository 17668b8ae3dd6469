-- Warns about products that sold but that nothing places in a category — no category in the seller's
-- catalogue, no TikTok Product Category, no Amazon or Shopify product type in the taxonomy: their sales
-- stay under "unmapped" on every page until the seller writes a category in catalogue/products.csv.
{{ config(severity='warn') }}

select
    product_id,
    product_name,
    channels_sold,
    units_sold,
from {{ ref('dim_products') }}
where units_sold > 0 and category_assigned_by = 'none'
