-- One row per calendar day x mapped product, every day from the first to the last day any channel has an
-- order: a day without sales is a 0 row, never a missing row (the estimator needs consecutive days).
-- Days are the seller's day (var seller_time_zone): TikTok writes local times without a zone; Amazon and
-- Shopify instants are converted. TikTok GMV follows TikTok's own definition (cancelled and refunded orders
-- included); Amazon and Shopify sales leave cancelled orders out, and Shopify leaves out the TikTok Shop
-- orders the TikTok channel app copies in (counted once, on TikTok).
with products as (
    select product_id, category_id, product_name, tiktok_sku_id, tiktok_product_id, asin, shopify_sku,
    from {{ ref('int_products') }}
),

tiktok_lines as (
    select
        cast(orders.created_time as date) as date_day,
        products.product_id,
        orders.order_id,
        orders.quantity,
        coalesce(orders.sku_subtotal_before_discount, 0) - coalesce(orders.sku_seller_discount, 0) as gmv_usd,
        coalesce(orders.sku_seller_discount, 0) / nullif(orders.sku_subtotal_before_discount, 0)
            as seller_discount_share,
    from {{ ref('stg_tiktok__orders') }} as orders
    inner join {{ ref('int_products__codes') }} as codes on codes.code_kind = 'tiktok_sku_id' and codes.code = orders.sku_id
    inner join products on products.product_id = codes.product_id
),

tiktok_daily as (
    select
        date_day,
        product_id,
        sum(gmv_usd) as tiktok_gmv_usd,
        count(distinct order_id) as tiktok_orders,
        sum(quantity) as tiktok_units,
    from tiktok_lines
    group by all
),

creator_daily as (
    select
        cast(affiliate.time_created as date) as date_day,
        products.product_id,
        sum(affiliate.payment_amount) as tiktok_creator_gmv_usd,
    from {{ ref('stg_tiktok__affiliate_orders') }} as affiliate
    inner join {{ ref('int_products__codes') }} as codes on codes.code_kind = 'tiktok_sku_id' and codes.code = affiliate.sku_id
    inner join products on products.product_id = codes.product_id
    group by all
),

-- The video list names no product: a video counts for a product when the product's name appears in the
-- video's name (longest name wins, so "Serum" never steals a video from "Vitamin C Brightening Serum";
-- between names of equal length the greater product id, so every build credits the video alike).
-- Impressions are the video's lifetime impressions in the export, credited to its post day.
videos_matched as (
    select
        videos.video_link,
        videos.video_post_date,
        videos.shoppable_video_impressions,
        arg_max(products.product_id, (length(products.product_name), products.product_id)) as product_id,
    from {{ ref('stg_tiktok__video_performance') }} as videos
    inner join products
        on contains(lower(videos.video_name), lower(products.product_name))
    group by all
),

video_daily as (
    select
        cast(video_post_date as date) as date_day,
        product_id,
        count(*) as tiktok_videos_posted,
        sum(shoppable_video_impressions) as tiktok_video_impressions,
    from videos_matched
    group by all
),

product_ads_daily as (
    -- Only the product-level GMV Max variant names a product; campaign-level spend is added per
    -- category in mart_channel_daily.
    select
        ads.report_date as date_day,
        products.product_id,
        sum(ads.cost) as tiktok_ads_spend_usd,
    from {{ ref('stg_tiktok__ads_daily') }} as ads
    inner join {{ ref('int_products__codes') }} as codes on codes.code_kind = 'tiktok_product_id' and codes.code = ads.product_id
    inner join products on products.product_id = codes.product_id
    where ads.is_product_level
    group by all
),

amazon_items as (
    select
        cast({{ to_seller_time("cast(orders.purchase_date as timestamptz)") }} as date) as date_day,
        products.product_id,
        orders.amazon_order_id,
        orders.quantity,
        orders.item_price,
    from {{ ref('stg_amazon__orders') }} as orders
    inner join {{ ref('int_products__codes') }} as codes on codes.code_kind = 'asin' and codes.code = orders.asin
    inner join products on products.product_id = codes.product_id
    where orders.order_status <> 'Cancelled'
),

amazon_unit_prices as (
    -- Pending orders carry no price yet: they are valued at the product's median unit price.
    select product_id, median(item_price / quantity) as unit_price,
    from amazon_items
    where item_price is not null and quantity > 0
    group by all
),

amazon_daily as (
    select
        amazon_items.date_day,
        amazon_items.product_id,
        sum(amazon_items.quantity) as amazon_units,
        sum(coalesce(amazon_items.item_price, amazon_items.quantity * amazon_unit_prices.unit_price))
            as amazon_sales_usd,
        count(distinct amazon_items.amazon_order_id) as amazon_orders,
    from amazon_items
    left join amazon_unit_prices using (product_id)
    group by all
),

amazon_sessions_daily as (
    -- The Business Report gives sessions per reporting period only: spread evenly over its days.
    select
        cast(day_in_period as date) as date_day,
        products.product_id,
        sum(report.sessions_total / (date_diff('day', report.period_start, report.period_end) + 1))
            as amazon_sessions,
    from {{ ref('stg_amazon__business_report') }} as report
    inner join products on report.child_asin = products.asin
    cross join unnest(generate_series(
        cast(report.period_start as timestamp), cast(report.period_end as timestamp), interval 1 day
    )) as d (day_in_period)
    group by all
),

shopify_lines as (
    select
        cast({{ to_seller_time("cast(lines.created_at as timestamptz)") }} as date) as date_day,
        products.product_id,
        lines.order_name,
        lines.lineitem_quantity,
        lines.lineitem_price * lines.lineitem_quantity - coalesce(lines.lineitem_discount, 0) as sales_usd,
    from {{ ref('stg_shopify__order_lines') }} as lines
    inner join products on lines.lineitem_sku = products.shopify_sku
    where not lines.is_tiktok_shop_sync
        and lines.cancelled_at is null
        and lines.financial_status not in ('voided', 'expired')
),

shopify_daily as (
    select
        date_day,
        product_id,
        count(distinct order_name) as shopify_orders,
        sum(lineitem_quantity) as shopify_units,
        sum(sales_usd) as shopify_sales_usd,
    from shopify_lines
    group by all
),

promo_days as (
    -- Seller promotions are in no export as such; they show as deep seller discounts on TikTok Shop
    -- orders. Routine coupons stay under 15 %, so a line discounted 15 % or more by the seller marks a
    -- promotion day for its product (BFCM days carry their own flag as well).
    select distinct date_day, product_id,
    from tiktok_lines
    where seller_discount_share >= 0.15
),

bounds as (
    select min(date_day) as first_day, max(date_day) as last_day,
    from (
        select date_day from tiktok_daily
        union all select date_day from amazon_daily
        union all select date_day from shopify_daily
    )
),

spine as (
    select cast(d.day as date) as date_day, products.product_id, products.category_id,
    from bounds
    cross join unnest(generate_series(
        cast(bounds.first_day as timestamp), cast(bounds.last_day as timestamp), interval 1 day
    )) as d (day)
    cross join products
),

joined as (
    select
        spine.date_day,
        spine.product_id,
        spine.category_id,
        coalesce(tiktok_daily.tiktok_gmv_usd, 0) as tiktok_gmv_usd,
        coalesce(tiktok_daily.tiktok_orders, 0) as tiktok_orders,
        coalesce(tiktok_daily.tiktok_units, 0) as tiktok_units,
        coalesce(video_daily.tiktok_videos_posted, 0) as tiktok_videos_posted,
        coalesce(video_daily.tiktok_video_impressions, 0) as tiktok_video_impressions,
        coalesce(creator_daily.tiktok_creator_gmv_usd, 0) as tiktok_creator_gmv_usd,
        coalesce(product_ads_daily.tiktok_ads_spend_usd, 0) as tiktok_product_ads_spend_usd,
        coalesce(amazon_daily.amazon_units, 0) as amazon_units,
        coalesce(amazon_daily.amazon_orders, 0) as amazon_orders,
        coalesce(amazon_daily.amazon_sales_usd, 0) as amazon_sales_usd,
        amazon_sessions_daily.amazon_sessions,
        coalesce(shopify_daily.shopify_orders, 0) as shopify_orders,
        coalesce(shopify_daily.shopify_units, 0) as shopify_units,
        coalesce(shopify_daily.shopify_sales_usd, 0) as shopify_sales_usd,
        promo_days.product_id is not null as is_promo,
    from spine
    left join tiktok_daily using (date_day, product_id)
    left join video_daily using (date_day, product_id)
    left join creator_daily using (date_day, product_id)
    left join product_ads_daily using (date_day, product_id)
    left join amazon_daily using (date_day, product_id)
    left join amazon_sessions_daily using (date_day, product_id)
    left join shopify_daily using (date_day, product_id)
    left join promo_days using (date_day, product_id)
),

with_stock as (
    -- Stock-outs are not in any export; inferred where they are near-certain: 3+ days in a row without an
    -- Amazon unit for a product that sold at least 3 a day over the 28 days before (a Poisson run of
    -- three empty days at that rate has odds below 1 in 8,000).
    select
        *,
        avg(amazon_units) over (
            partition by product_id order by date_day rows between 28 preceding and 1 preceding
        ) as amazon_units_prior_28d,
        sum(case when amazon_units > 0 then 1 else 0 end) over (
            partition by product_id order by date_day rows between unbounded preceding and current row
        ) as amazon_selling_days_so_far,
    from joined
),

zero_runs as (
    select
        *,
        -- days in the same run of zero-unit days share (product, run_id)
        case when amazon_units = 0 then amazon_selling_days_so_far end as zero_run_id,
    from with_stock
),

runs as (
    select
        product_id,
        zero_run_id,
        count(*) as run_days,
        arg_min(amazon_units_prior_28d, date_day) as rate_before_run,
    from zero_runs
    where zero_run_id is not null
    group by all
)

select
    zero_runs.date_day,
    zero_runs.product_id,
    zero_runs.category_id,
    zero_runs.tiktok_gmv_usd,
    zero_runs.tiktok_orders,
    zero_runs.tiktok_units,
    zero_runs.tiktok_videos_posted,
    zero_runs.tiktok_video_impressions,
    zero_runs.tiktok_creator_gmv_usd,
    zero_runs.tiktok_product_ads_spend_usd,
    zero_runs.amazon_units,
    zero_runs.amazon_orders,
    zero_runs.amazon_sales_usd,
    zero_runs.amazon_sessions,
    zero_runs.shopify_orders,
    zero_runs.shopify_units,
    zero_runs.shopify_sales_usd,
    zero_runs.is_promo,
    coalesce(runs.run_days >= 3 and runs.rate_before_run >= 3, false) as is_stockout,
from zero_runs
left join runs using (product_id, zero_run_id)
