select
    product_id,
    product_name,
    -- As the seller wrote it; may be empty when a product type is given instead (see int_products_categorized).
    nullif(trim(category), '') as category_id,
    nullif(trim(tiktok_sku_id), '') as tiktok_sku_id,
    nullif(trim(tiktok_seller_sku), '') as tiktok_seller_sku,
    nullif(trim(tiktok_product_id), '') as tiktok_product_id,
    nullif(trim(asin), '') as asin,
    nullif(trim(shopify_sku), '') as shopify_sku,
    nullif(trim(amazon_product_type), '') as amazon_product_type,
    nullif(trim(shopify_product_type), '') as shopify_product_type,
from {{ source('reference', 'product_map') }}
