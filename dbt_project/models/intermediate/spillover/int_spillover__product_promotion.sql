-- Which products were ever promoted on TikTok, read from the data rather than declared: a product counts
-- as promoted when any export shows TikTok content or ads for it over the whole window (creator, LIVE or
-- seller-video GMV in Data Compass, an affiliate order, a video naming it, product-level ad spend).
-- Products with none of these form the control group: their Amazon and Shopify sales share every
-- non-TikTok driver (season, events, the shop's growth) without any TikTok push.
with products as (
    select product_id, category_id, tiktok_product_id,
    from {{ ref('int_products') }}
),

compass as (
    select
        products.product_id,
        sum(coalesce(analytics.creator_attributed_gmv, 0)) as creator_attributed_gmv_usd,
        sum(coalesce(analytics.seller_live_attributed_gmv, 0)) as live_attributed_gmv_usd,
        sum(coalesce(analytics.seller_video_attributed_gmv, 0)) as seller_video_attributed_gmv_usd,
    from {{ ref('stg_tiktok__product_analytics') }} as analytics
    inner join {{ ref('int_products__codes') }} as codes on codes.code_kind = 'tiktok_product_id' and codes.code = analytics.product_id
    inner join products on products.product_id = codes.product_id
    group by all
),

activity as (
    select
        product_id,
        sum(tiktok_creator_gmv_usd) as affiliate_gmv_usd,
        sum(tiktok_videos_posted) as videos_naming_product,
        sum(tiktok_product_ads_spend_usd) as product_ads_spend_usd,
        min(date_day) as first_day,
        max(date_day) as last_day,
    from {{ ref('int_spillover__product_daily') }}
    group by all
)

select
    products.product_id,
    products.category_id,
    coalesce(compass.creator_attributed_gmv_usd, 0) as creator_attributed_gmv_usd,
    coalesce(compass.live_attributed_gmv_usd, 0) as live_attributed_gmv_usd,
    coalesce(compass.seller_video_attributed_gmv_usd, 0) as seller_video_attributed_gmv_usd,
    coalesce(activity.affiliate_gmv_usd, 0) as affiliate_gmv_usd,
    coalesce(activity.videos_naming_product, 0) as videos_naming_product,
    coalesce(activity.product_ads_spend_usd, 0) as product_ads_spend_usd,
    (
        coalesce(compass.creator_attributed_gmv_usd, 0) > 0
        or coalesce(compass.live_attributed_gmv_usd, 0) > 0
        or coalesce(compass.seller_video_attributed_gmv_usd, 0) > 0
        or coalesce(activity.affiliate_gmv_usd, 0) > 0
        or coalesce(activity.videos_naming_product, 0) > 0
        or coalesce(activity.product_ads_spend_usd, 0) > 0
    ) as is_promoted_on_tiktok,
    activity.first_day as window_start,
    activity.last_day as window_end,
from products
left join compass using (product_id)
left join activity using (product_id)
