-- One row per product: every product the seller declared in the catalogue (sold or not) and every
-- product discovered in the exports (int_products__sku_keys), with one category resolved here for every
-- model: the catalogue's category; else TikTok Shop's own "Product Category" of its TikTok lines, through
-- the taxonomy; else the taxonomy category listing its Amazon product type, then its Shopify product type
-- (both from the catalogue, case-insensitively: the order exports carry no product type); else 'unmapped'.
-- `category_assigned_by` says which rule placed it.
with catalogue as (

    select * from {{ ref('stg_catalogue__products') }}

),

sku_keys as (

    select * from {{ ref('int_products__sku_keys') }}

),

taxonomy as (

    select * from {{ ref('stg_reference__category_taxonomy') }}

),

seen as (

    select
        product_id,
        -- The name a seller would recognise: TikTok's product name, else Shopify's line name, else Amazon's
        -- (long, brand-prefixed) title; within a channel the most frequent, ties broken by value.
        arg_max(name_as_exported, (case channel when 'tiktok_shop' then 3 when 'shopify' then 2 else 1 end,
                                   order_lines, name_as_exported)) as name_as_exported,
        min(channel_sku) filter (where channel = 'tiktok_shop') as tiktok_sku_id,
        min(seller_sku) filter (where channel = 'tiktok_shop') as tiktok_seller_sku,
        min(tiktok_product_id) as tiktok_product_id,
        min(channel_sku) filter (where channel = 'amazon') as asin,
        min(seller_sku) filter (where channel = 'amazon') as amazon_seller_sku,
        min(channel_sku) filter (where channel = 'shopify') as shopify_sku,
        -- TikTok Shop's own category of the product's TikTok lines (the most frequent one).
        arg_max(platform_category, (order_lines, platform_category))
            filter (where channel = 'tiktok_shop' and platform_category is not null)
            as tiktok_category_name,
        string_agg(distinct channel, ',' order by channel) filter (where order_lines > 0) as channels_sold,
        string_agg(distinct channel, ',' order by channel) as channels_seen,
        string_agg(distinct matched_by, ',' order by matched_by) as matched_by,
        count(distinct sku_key) as sku_keys,
        bool_or(has_ambiguous_catalogue_match) as has_ambiguous_catalogue_match,
        min(first_seen_date) as first_order_date,
        max(last_seen_date) as last_order_date,
    from sku_keys
    group by product_id

),

products as (

    select
        coalesce(catalogue.product_id, seen.product_id) as product_id,
        coalesce(catalogue.product_name, seen.name_as_exported, coalesce(catalogue.product_id, seen.product_id))
            as product_name,
        catalogue.product_id is not null as is_in_catalogue,
        catalogue.category_id as catalogue_category_id,
        coalesce(seen.tiktok_sku_id, split_part(catalogue.tiktok_sku_id, '|', 1)) as tiktok_sku_id,
        coalesce(seen.tiktok_seller_sku, split_part(coalesce(catalogue.tiktok_seller_sku, catalogue.seller_sku), '|', 1))
            as tiktok_seller_sku,
        coalesce(seen.tiktok_product_id, split_part(catalogue.tiktok_product_id, '|', 1)) as tiktok_product_id,
        coalesce(seen.asin, split_part(catalogue.asin, '|', 1)) as asin,
        coalesce(seen.amazon_seller_sku, split_part(coalesce(catalogue.amazon_sku, catalogue.seller_sku), '|', 1))
            as amazon_seller_sku,
        coalesce(seen.shopify_sku, split_part(coalesce(catalogue.shopify_sku, catalogue.seller_sku), '|', 1))
            as shopify_sku,
        catalogue.amazon_product_type,
        catalogue.shopify_product_type,
        catalogue.amazon_size_tier,
        seen.tiktok_category_name,
        seen.channels_sold,
        seen.channels_seen,
        coalesce(seen.matched_by, 'catalogue_only') as matched_by,
        coalesce(seen.sku_keys, 0) as sku_keys,
        coalesce(seen.has_ambiguous_catalogue_match, false) as has_ambiguous_catalogue_match,
        seen.first_order_date,
        seen.last_order_date,
    from catalogue
    full outer join seen on seen.product_id = catalogue.product_id

),

-- (platform, product type or TikTok category name) → category, one row per name the taxonomy lists.
type_lookup as (

    select category_id, 'tiktok_shop' as platform, lower(unnest(tiktok_shop_categories)) as name from taxonomy
    union all
    select category_id, 'amazon', lower(unnest(amazon_product_types)) from taxonomy
    union all
    select category_id, 'shopify', lower(unnest(shopify_product_types)) from taxonomy

),

names as (

    select product_id, 'tiktok_shop' as platform, lower(tiktok_category_name) as name from products
    union all
    select product_id, 'amazon', lower(amazon_product_type) from products
    union all
    select product_id, 'shopify', lower(shopify_product_type) from products

),

placed as (

    select
        names.product_id,
        names.platform,
        min(type_lookup.category_id) as category_id,
        count(distinct type_lookup.category_id) as candidates,
    from names
    inner join type_lookup on type_lookup.platform = names.platform and type_lookup.name = names.name
    group by all

)

select
    products.product_id,
    products.product_name,
    coalesce(products.catalogue_category_id, by_tiktok.category_id, by_amazon_type.category_id,
             by_shopify_type.category_id, 'unmapped') as category_id,
    case
        when products.catalogue_category_id is not null then 'catalogue'
        when by_tiktok.category_id is not null then 'tiktok_shop_category'
        when by_amazon_type.category_id is not null then 'amazon_product_type'
        when by_shopify_type.category_id is not null then 'shopify_product_type'
        else 'none'
    end as category_assigned_by,
    -- A name listed under two categories is a taxonomy mistake: flagged, the alphabetically first id kept.
    coalesce(by_tiktok.candidates, 0) > 1 or coalesce(by_amazon_type.candidates, 0) > 1
        or coalesce(by_shopify_type.candidates, 0) > 1 as has_ambiguous_product_type,
    products.* exclude (product_id, product_name, catalogue_category_id),
from products
left join placed as by_tiktok
    on by_tiktok.product_id = products.product_id and by_tiktok.platform = 'tiktok_shop'
left join placed as by_amazon_type
    on by_amazon_type.product_id = products.product_id and by_amazon_type.platform = 'amazon'
left join placed as by_shopify_type
    on by_shopify_type.product_id = products.product_id and by_shopify_type.platform = 'shopify'
