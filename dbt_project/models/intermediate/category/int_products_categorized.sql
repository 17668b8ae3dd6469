-- The seller's product map with one canonical category per product, resolved once here: the category
-- the seller wrote; else the taxonomy category whose Amazon product types list the product's Amazon
-- product type; else the one whose Shopify product types list its Shopify product type; else 'unmapped'.
-- Amazon's and Shopify's order exports carry no product type, so the map is where a seller records it.
-- Types match case-insensitively (SKIN_CARE_AGENT = skin_care_agent, Skincare = skincare).
with product_map as (

    select * from {{ ref('stg_reference__product_map') }}

),

taxonomy as (

    select * from {{ ref('stg_reference__category_taxonomy') }}

),

-- (platform, product type) → category, one row per type the taxonomy lists.
type_lookup as (

    select category_id, 'amazon' as platform, lower(unnest(amazon_product_types)) as product_type from taxonomy
    union all
    select category_id, 'shopify', lower(unnest(shopify_product_types)) from taxonomy

),

product_types as (

    select product_id, 'amazon' as platform, lower(amazon_product_type) as product_type from product_map
    union all
    select product_id, 'shopify', lower(shopify_product_type) from product_map

),

placed as (

    select
        product_types.product_id,
        product_types.platform,
        min(type_lookup.category_id) as category_id,
        count(distinct type_lookup.category_id) as candidates,
    from product_types
    inner join type_lookup
        on type_lookup.platform = product_types.platform and type_lookup.product_type = product_types.product_type
    group by all

)

select
    product_map.product_id,
    product_map.product_name,
    coalesce(product_map.category_id, by_amazon_type.category_id, by_shopify_type.category_id, 'unmapped')
        as category_id,
    case
        when product_map.category_id is not null then 'product_map'
        when by_amazon_type.category_id is not null then 'amazon_product_type'
        when by_shopify_type.category_id is not null then 'shopify_product_type'
        else 'none'
    end as category_assigned_by,
    -- A product type listed under two categories is a taxonomy mistake: flagged, the alphabetically first id kept.
    coalesce(by_amazon_type.candidates, 0) > 1 or coalesce(by_shopify_type.candidates, 0) > 1
        as has_ambiguous_product_type,
    product_map.tiktok_sku_id,
    product_map.tiktok_seller_sku,
    product_map.tiktok_product_id,
    product_map.asin,
    product_map.shopify_sku,
    product_map.amazon_product_type,
    product_map.shopify_product_type,
from product_map
left join placed as by_amazon_type
    on by_amazon_type.product_id = product_map.product_id and by_amazon_type.platform = 'amazon'
left join placed as by_shopify_type
    on by_shopify_type.product_id = product_map.product_id and by_shopify_type.platform = 'shopify'
