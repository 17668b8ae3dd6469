-- The daily channel panel the spillover analysis reads: one row per day x product group, at three grains:
--   product   every mapped product (promoted on TikTok or not), product_group = product_id;
--   category  the category's products promoted on TikTok, product_group = category_id;
--   all       every product promoted on TikTok, product_group = 'all'.
-- Never-promoted products stay out of the category and all groups: their sales are the control series
-- (amazon_control_sales_usd, shopify_control_sales_usd), the same on every row of a day.
-- Every group has a row for every day of the window (0 when nothing sold).
with daily as (
    select daily.*, promotion.is_promoted_on_tiktok,
    from {{ ref('int_spillover__product_daily') }} as daily
    inner join {{ ref('int_spillover__product_promotion') }} as promotion using (product_id)
),

events as (
    select
        event_date,
        bool_or(event_name = 'prime_day') as is_prime_day,
        bool_or(event_name = 'bfcm') as is_bfcm,
    from {{ ref('int_spillover__event_days') }}
    group by all
),

-- TikTok's own category name for each category, read from the order lines of its products: the most
-- frequent one, ties to the alphabetically first (mode() picked any of a tie: builds differed).
category_names as (
    select products.category_id, orders.product_category, count(*) as n,
    from {{ ref('stg_tiktok__orders') }} as orders
    inner join {{ ref('int_products__codes') }} as codes on codes.code_kind = 'tiktok_sku_id' and codes.code = orders.sku_id
    inner join {{ ref('int_products') }} as products on products.product_id = codes.product_id
    where orders.product_category is not null
    group by all
),

categories as (
    select category_id, product_category as tiktok_category_name,
    from category_names
    qualify row_number() over (partition by category_id order by n desc, product_category) = 1
),

-- GMV Max campaigns run per category ("GMV Max | Beauty & Personal Care"): campaign-level rows are
-- credited to the category whose TikTok name the campaign carries; product-level rows are in the product data.
campaign_daily as (
    select
        ads.report_date as date_day,
        categories.category_id,
        sum(ads.cost) as ads_spend_usd,
        sum(coalesce(ads.live_views, 0)) as live_views,
    from {{ ref('stg_tiktok__ads_daily') }} as ads
    left join categories on contains(lower(ads.campaign_name), lower(categories.tiktok_category_name))
    where not ads.is_product_level
    group by all
),

controls as (
    select
        date_day,
        sum(amazon_sales_usd) as amazon_control_sales_usd,
        sum(shopify_sales_usd) as shopify_control_sales_usd,
    from daily
    where not is_promoted_on_tiktok
    group by all
),

grouped as (
    select
        date_day,
        'product' as grain,
        product_id as product_group,
        category_id,
        is_promoted_on_tiktok,
        1 as n_products,
        tiktok_gmv_usd, tiktok_orders, tiktok_units, tiktok_videos_posted, tiktok_video_impressions,
        tiktok_creator_gmv_usd, tiktok_product_ads_spend_usd as tiktok_ads_spend_usd,
        cast(null as double) as tiktok_live_views,
        amazon_units, amazon_orders, amazon_sales_usd, amazon_sessions,
        shopify_orders, shopify_units, shopify_sales_usd,
        case when is_promo then 1.0 else 0.0 end as promo_share,
        case when is_stockout then 1.0 else 0.0 end as stockout_share,
    from daily

    union all

    select
        daily.date_day,
        'category' as grain,
        daily.category_id as product_group,
        daily.category_id,
        true as is_promoted_on_tiktok,
        count(*) as n_products,
        sum(daily.tiktok_gmv_usd), sum(daily.tiktok_orders), sum(daily.tiktok_units),
        sum(daily.tiktok_videos_posted), sum(daily.tiktok_video_impressions), sum(daily.tiktok_creator_gmv_usd),
        sum(daily.tiktok_product_ads_spend_usd) + coalesce(any_value(campaign_daily.ads_spend_usd), 0),
        coalesce(any_value(campaign_daily.live_views), 0),
        sum(daily.amazon_units), sum(daily.amazon_orders), sum(daily.amazon_sales_usd), sum(daily.amazon_sessions),
        sum(daily.shopify_orders), sum(daily.shopify_units), sum(daily.shopify_sales_usd),
        avg(case when daily.is_promo then 1.0 else 0.0 end),
        avg(case when daily.is_stockout then 1.0 else 0.0 end),
    from daily
    left join campaign_daily
        on daily.date_day = campaign_daily.date_day and daily.category_id = campaign_daily.category_id
    where daily.is_promoted_on_tiktok
    group by daily.date_day, daily.category_id

    union all

    select
        daily.date_day,
        'all' as grain,
        'all' as product_group,
        cast(null as varchar) as category_id,
        true as is_promoted_on_tiktok,
        count(*) as n_products,
        sum(tiktok_gmv_usd), sum(tiktok_orders), sum(tiktok_units),
        sum(tiktok_videos_posted), sum(tiktok_video_impressions), sum(tiktok_creator_gmv_usd),
        sum(tiktok_product_ads_spend_usd) + coalesce(any_value(all_campaigns.ads_spend_usd), 0),
        coalesce(any_value(all_campaigns.live_views), 0),
        sum(amazon_units), sum(amazon_orders), sum(amazon_sales_usd), sum(amazon_sessions),
        sum(shopify_orders), sum(shopify_units), sum(shopify_sales_usd),
        avg(case when is_promo then 1.0 else 0.0 end),
        avg(case when is_stockout then 1.0 else 0.0 end),
    from daily
    left join (
        select date_day, sum(ads_spend_usd) as ads_spend_usd, sum(live_views) as live_views,
        from campaign_daily
        group by all
    ) as all_campaigns using (date_day)
    where daily.is_promoted_on_tiktok
    group by daily.date_day
)

select
    grouped.date_day,
    grouped.grain,
    grouped.product_group,
    grouped.category_id,
    grouped.is_promoted_on_tiktok,
    cast(grouped.n_products as integer) as n_products,
    cast(grouped.tiktok_gmv_usd as double) as tiktok_gmv_usd,
    cast(grouped.tiktok_orders as bigint) as tiktok_orders,
    cast(grouped.tiktok_units as bigint) as tiktok_units,
    cast(grouped.tiktok_videos_posted as bigint) as tiktok_videos_posted,
    cast(grouped.tiktok_video_impressions as double) as tiktok_video_impressions,
    cast(grouped.tiktok_live_views as double) as tiktok_live_views,
    cast(grouped.tiktok_creator_gmv_usd as double) as tiktok_creator_gmv_usd,
    cast(grouped.tiktok_ads_spend_usd as double) as tiktok_ads_spend_usd,
    cast(grouped.amazon_units as bigint) as amazon_units,
    cast(grouped.amazon_orders as bigint) as amazon_orders,
    cast(grouped.amazon_sales_usd as double) as amazon_sales_usd,
    cast(grouped.amazon_sessions as double) as amazon_sessions,
    cast(grouped.shopify_orders as bigint) as shopify_orders,
    cast(grouped.shopify_units as bigint) as shopify_units,
    cast(grouped.shopify_sales_usd as double) as shopify_sales_usd,
    cast(controls.amazon_control_sales_usd as double) as amazon_control_sales_usd,
    cast(controls.shopify_control_sales_usd as double) as shopify_control_sales_usd,
    coalesce(events.is_prime_day, false) as is_prime_day,
    coalesce(events.is_bfcm, false) as is_bfcm,
    cast(grouped.promo_share as double) as promo_share,
    cast(grouped.stockout_share as double) as stockout_share,
from grouped
left join controls using (date_day)
left join events on grouped.date_day = events.event_date
