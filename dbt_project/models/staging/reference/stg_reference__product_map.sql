select
    product_id,
    product_name,
    category as category_id,
    nullif(trim(tiktok_sku_id), '') as tiktok_sku_id,
    nullif(trim(tiktok_seller_sku), '') as tiktok_seller_sku,
    nullif(trim(tiktok_product_id), '') as tiktok_product_id,
    nullif(trim(asin), '') as asin,
    nullif(trim(shopify_sku), '') as shopify_sku,
from {{ source('reference', 'product_map') }}
