-- Every identity code the seller's catalogue gives a product, one row per code: a cell may hold several
-- codes separated by "|" (two codes merged into one product). `channel` is where the code is looked up
-- (NULL for the generic seller_sku, matched on every channel); `code_norm` is compared with the exports'
-- codes case- and whitespace-insensitively.
with products as (

    select * from {{ ref('stg_catalogue__products') }}

),

codes as (

    select product_id, 'seller_sku' as code_kind, cast(null as varchar) as channel,
           unnest(string_split(seller_sku, '|')) as code
    from products where seller_sku is not null
    union all
    select product_id, 'tiktok_seller_sku', 'tiktok_shop', unnest(string_split(tiktok_seller_sku, '|'))
    from products where tiktok_seller_sku is not null
    union all
    select product_id, 'tiktok_sku_id', 'tiktok_shop', unnest(string_split(tiktok_sku_id, '|'))
    from products where tiktok_sku_id is not null
    union all
    select product_id, 'tiktok_product_id', 'tiktok_shop', unnest(string_split(tiktok_product_id, '|'))
    from products where tiktok_product_id is not null
    union all
    select product_id, 'amazon_sku', 'amazon', unnest(string_split(amazon_sku, '|'))
    from products where amazon_sku is not null
    union all
    select product_id, 'asin', 'amazon', unnest(string_split(asin, '|'))
    from products where asin is not null
    union all
    select product_id, 'shopify_sku', 'shopify', unnest(string_split(shopify_sku, '|'))
    from products where shopify_sku is not null

)

select
    product_id,
    code_kind,
    channel,
    trim(code) as code_as_written,
    {{ normalize_code('code') }} as code_norm,
from codes
where {{ normalize_code('code') }} is not null
