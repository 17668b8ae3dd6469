-- Products are discovered, not declared: every SKU seen in an export becomes a product without any
-- catalogue. One row per SKU key seen in the exports (channel × platform SKU id × seller SKU code ×
-- TikTok product id) with the product it belongs to and the rule that matched it:
--   1. the catalogue, by the channel's own seller-SKU column (tiktok_seller_sku / amazon_sku / shopify_sku);
--   2. the catalogue, by a platform id (TikTok SKU ID, ASIN, TikTok Product ID);
--   3. the catalogue, by the generic seller_sku (the seller's own code, the same on every channel);
--   4. another key with the same seller SKU code that the catalogue matched (so one catalogued channel
--      carries the product's code to the others);
--   5. no catalogue: the seller SKU code itself (normalised) — which matches the same product across
--      channels — else the platform id (TIKTOK-…, ASIN-…), else the exported name (a Shopify line without SKU).
-- Codes compare case- and whitespace-insensitively.
with lines as (

    select
        channel,
        channel_sku,
        seller_sku,
        tiktok_product_id,
        product_name_as_exported as product_name,
        platform_category,
        order_date,
    from {{ ref('int_order_lines_unioned') }}

),

business_report as (

    -- Listings with sessions but perhaps no order yet are products too.
    select 'amazon' as channel, child_asin as channel_sku, sku as seller_sku,
           cast(null as varchar) as tiktok_product_id, title as product_name,
           cast(null as varchar) as platform_category, cast(null as date) as order_date,
    from {{ ref('stg_amazon__business_report') }}

),

observed as (

    select * from lines
    union all by name
    select * from business_report

),

normalized as (

    select
        channel,
        nullif(trim(channel_sku), '') as channel_sku,
        {{ normalize_code('seller_sku') }} as seller_sku_norm,
        nullif(trim(tiktok_product_id), '') as tiktok_product_id,
        nullif(trim(seller_sku), '') as seller_sku,
        product_name,
        platform_category,
        order_date,
    from observed

),

-- The name and TikTok category a key is exported with most often (ties: the alphabetically first), so two
-- builds of the same files always name a discovered product alike.
name_counts as (

    select channel, channel_sku, seller_sku_norm, tiktok_product_id, product_name, count(*) as n,
    from normalized where product_name is not null group by all

),

category_counts as (

    select channel, channel_sku, seller_sku_norm, tiktok_product_id, platform_category, count(*) as n,
    from normalized where platform_category is not null group by all

),

keys as (

    select
        normalized.channel,
        normalized.channel_sku,
        normalized.seller_sku_norm,
        normalized.tiktok_product_id,
        min(normalized.seller_sku) as seller_sku,
        min(normalized.order_date) as first_seen_date,
        max(normalized.order_date) as last_seen_date,
        count(normalized.order_date) as order_lines,
    from normalized
    group by all

),

keys_named as (

    select
        keys.*,
        (select arg_max(nc.product_name, (nc.n, -length(nc.product_name), nc.product_name)) from name_counts as nc
         where nc.channel = keys.channel and nc.channel_sku is not distinct from keys.channel_sku
           and nc.seller_sku_norm is not distinct from keys.seller_sku_norm
           and nc.tiktok_product_id is not distinct from keys.tiktok_product_id) as product_name,
        (select arg_max(cc.platform_category, (cc.n, cc.platform_category)) from category_counts as cc
         where cc.channel = keys.channel and cc.channel_sku is not distinct from keys.channel_sku
           and cc.seller_sku_norm is not distinct from keys.seller_sku_norm
           and cc.tiktok_product_id is not distinct from keys.tiktok_product_id) as platform_category,
    from keys

),

codes as (

    select * from {{ ref('int_catalogue__product_codes') }}

),

catalogue_matches as (

    select
        keys.channel, keys.channel_sku, keys.seller_sku_norm, keys.tiktok_product_id,
        codes.product_id,
        codes.code_kind,
        case
            when codes.code_kind in ('tiktok_seller_sku', 'amazon_sku', 'shopify_sku') then 1
            when codes.code_kind in ('tiktok_sku_id', 'asin', 'tiktok_product_id') then 2
            else 3
        end as priority,
    from keys_named as keys
    inner join codes
        on (codes.channel = keys.channel and codes.code_kind in ('tiktok_seller_sku', 'amazon_sku', 'shopify_sku')
            and codes.code_norm = keys.seller_sku_norm)
        or (keys.channel = 'tiktok_shop' and codes.code_kind = 'tiktok_sku_id'
            and codes.code_norm = {{ normalize_code('keys.channel_sku') }})
        or (keys.channel = 'tiktok_shop' and codes.code_kind = 'tiktok_product_id' and keys.channel_sku is null
            and codes.code_norm = {{ normalize_code('keys.tiktok_product_id') }})
        or (keys.channel = 'amazon' and codes.code_kind = 'asin'
            and codes.code_norm = {{ normalize_code('keys.channel_sku') }})
        or (codes.code_kind = 'seller_sku' and codes.code_norm = keys.seller_sku_norm)

),

best_match as (

    select
        channel, channel_sku, seller_sku_norm, tiktok_product_id,
        min(priority) as priority,
        arg_min(product_id, (priority, product_id)) as product_id,
        arg_min(code_kind, (priority, product_id)) as code_kind,
        count(distinct product_id) filter (where priority = 1) > 1
            or count(distinct product_id) filter (where priority = 2) > 1
            or count(distinct product_id) filter (where priority = 3) > 1 as is_ambiguous,
    from catalogue_matches
    group by all

),

with_discovery as (

    select
        keys.*,
        best_match.product_id as catalogue_product_id,
        best_match.code_kind as catalogue_code_kind,
        coalesce(best_match.is_ambiguous, false) as has_ambiguous_catalogue_match,
        coalesce(
            keys.seller_sku_norm,
            case
                when keys.channel = 'tiktok_shop' and keys.channel_sku is not null then 'TIKTOK-' || keys.channel_sku
                when keys.channel = 'tiktok_shop' then 'TIKTOK-PRODUCT-' || keys.tiktok_product_id
                when keys.channel = 'amazon' and keys.channel_sku is not null then 'ASIN-' || upper(keys.channel_sku)
            end,
            upper(keys.channel) || '-' || coalesce({{ normalize_code('keys.product_name') }}, 'NO-SKU')
        ) as discovered_id,
    from keys_named as keys
    left join best_match
        on best_match.channel = keys.channel
        and best_match.channel_sku is not distinct from keys.channel_sku
        and best_match.seller_sku_norm is not distinct from keys.seller_sku_norm
        and best_match.tiktok_product_id is not distinct from keys.tiktok_product_id

),

by_code as (

    -- A seller SKU code some catalogued key carries: its other keys follow it (rule 4).
    select seller_sku_norm, min(catalogue_product_id) as product_id,
    from with_discovery
    where seller_sku_norm is not null and catalogue_product_id is not null
    group by seller_sku_norm

)

select
    with_discovery.channel || '|' || coalesce(with_discovery.channel_sku, '') || '|'
        || coalesce(with_discovery.seller_sku_norm, '') || '|' || coalesce(with_discovery.tiktok_product_id, '')
        as sku_key,
    with_discovery.channel,
    with_discovery.channel_sku,
    with_discovery.seller_sku,
    with_discovery.seller_sku_norm,
    with_discovery.tiktok_product_id,
    with_discovery.product_name as name_as_exported,
    with_discovery.platform_category,
    with_discovery.first_seen_date,
    with_discovery.last_seen_date,
    with_discovery.order_lines,
    coalesce(with_discovery.catalogue_product_id, by_code.product_id, with_discovery.discovered_id) as product_id,
    case
        when with_discovery.catalogue_product_id is not null then 'catalogue_' || with_discovery.catalogue_code_kind
        when by_code.product_id is not null then 'catalogue_seller_sku_on_another_channel'
        when with_discovery.seller_sku_norm is not null then 'seller_sku'
        when with_discovery.channel_sku is not null or with_discovery.tiktok_product_id is not null then 'platform_id'
        else 'product_name'
    end as matched_by,
    with_discovery.catalogue_product_id is not null or by_code.product_id is not null as is_in_catalogue,
    with_discovery.has_ambiguous_catalogue_match,
from with_discovery
left join by_code
    on with_discovery.catalogue_product_id is null and by_code.seller_sku_norm = with_discovery.seller_sku_norm
