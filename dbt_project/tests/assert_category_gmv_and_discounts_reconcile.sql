-- Catches a wrong GMV or discount total: per channel and month, GMV as the platform defines it
-- (TikTok: subtotal before discount minus seller discount, cancelled lines included; Amazon: item
-- price; Shopify: price × quantity), seller-funded and platform-funded discounts in the mart must
-- equal the same sums over the staging exports, within a cent. Shopify's order-level Discount
-- Amount is counted once per order (it sits on the first line only).
with staging as (

    select
        'tiktok_shop' as channel,
        cast(date_trunc('month', created_time) as date) as order_month,
        sum(coalesce(sku_subtotal_before_discount, 0) - coalesce(sku_seller_discount, 0)) as gmv,
        sum(coalesce(sku_seller_discount, 0)) as seller_discount,
        sum(coalesce(sku_platform_discount, 0)) as platform_discount,
    from {{ ref('stg_tiktok__orders') }}
    group by all
    union all
    select
        'amazon',
        cast(date_trunc('month', timezone('America/Los_Angeles', purchase_date)) as date),
        sum(coalesce(item_price, 0)),
        sum(coalesce(item_promotion_discount, 0)),
        0,
    from {{ ref('stg_amazon__orders') }}
    group by all
    union all
    select
        'shopify',
        cast(date_trunc('month', timezone('America/Los_Angeles', created_at)) as date),
        sum(coalesce(lineitem_price, 0) * lineitem_quantity),
        sum(case when is_first_line_of_order then coalesce(discount_amount, 0) else 0 end),
        0,
    from {{ ref('stg_shopify__order_lines') }}
    where not is_tiktok_shop_sync
    group by all

),

mart as (

    select
        channel,
        order_month,
        sum(gmv_usd) as gmv,
        sum(seller_discount_usd) as seller_discount,
        sum(platform_discount_usd) as platform_discount,
    from {{ ref('mart_category_performance') }}
    group by all

)

select
    coalesce(staging.channel, mart.channel) as channel,
    coalesce(staging.order_month, mart.order_month) as order_month,
    staging.gmv as staging_gmv,
    mart.gmv as mart_gmv,
    staging.seller_discount as staging_seller_discount,
    mart.seller_discount as mart_seller_discount,
    staging.platform_discount as staging_platform_discount,
    mart.platform_discount as mart_platform_discount,
from staging
full outer join mart on mart.channel = staging.channel and mart.order_month = staging.order_month
where abs(coalesce(staging.gmv, 0) - coalesce(mart.gmv, 0)) > 0.01
    or abs(coalesce(staging.seller_discount, 0) - coalesce(mart.seller_discount, 0)) > 0.01
    or abs(coalesce(staging.platform_discount, 0) - coalesce(mart.platform_discount, 0)) > 0.01
