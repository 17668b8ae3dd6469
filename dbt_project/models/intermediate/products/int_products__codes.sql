-- Platform code → product, for models that join staging rows by a platform code (the spillover panel,
-- ads by product): every TikTok SKU ID, TikTok product ID, ASIN and Shopify SKU seen in the exports (as
-- exported) or given by the catalogue, each owned by exactly one product (the smallest id if two claim it).
with observed as (

    select 'tiktok_sku_id' as code_kind, channel_sku as code, product_id
    from {{ ref('int_products__sku_keys') }} where channel = 'tiktok_shop' and channel_sku is not null
    union all
    select 'tiktok_product_id', tiktok_product_id, product_id
    from {{ ref('int_products__sku_keys') }} where tiktok_product_id is not null
    union all
    select 'asin', channel_sku, product_id
    from {{ ref('int_products__sku_keys') }} where channel = 'amazon' and channel_sku is not null
    union all
    select 'shopify_sku', channel_sku, product_id
    from {{ ref('int_products__sku_keys') }} where channel = 'shopify' and channel_sku is not null

),

declared as (

    -- Catalogue codes no export has shown yet (e.g. a TikTok product id seen only in Data Compass).
    select code_kind, code_as_written as code, product_id
    from {{ ref('int_catalogue__product_codes') }}
    where code_kind in ('tiktok_sku_id', 'tiktok_product_id', 'asin', 'shopify_sku')

)

select code_kind, code, min(product_id) as product_id,
from (
    select * from observed
    union all
    select * from declared where (code_kind, code) not in (select (code_kind, code) from observed)
)
group by all
