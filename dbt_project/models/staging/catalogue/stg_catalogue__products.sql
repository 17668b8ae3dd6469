-- The seller's declared products (catalogue/products.csv), trimmed; codes stay as written here and are
-- split and normalised in int_catalogue__product_codes.
select
    trim(product_id) as product_id,
    nullif(trim(product_name), '') as product_name,
    nullif(trim(category), '') as category_id,
    nullif(trim(seller_sku), '') as seller_sku,
    nullif(trim(tiktok_seller_sku), '') as tiktok_seller_sku,
    nullif(trim(tiktok_sku_id), '') as tiktok_sku_id,
    nullif(trim(tiktok_product_id), '') as tiktok_product_id,
    nullif(trim(amazon_sku), '') as amazon_sku,
    nullif(trim(asin), '') as asin,
    nullif(trim(shopify_sku), '') as shopify_sku,
    nullif(trim(amazon_product_type), '') as amazon_product_type,
    nullif(trim(shopify_product_type), '') as shopify_product_type,
    nullif(trim(amazon_size_tier), '') as amazon_size_tier,
    try_cast(costs_valid_from as date) as costs_valid_from,
    {{ cast_unit_costs() }}
from {{ source('catalogue', 'catalogue_products') }}
