-- Catches a wrong GMV or discount total: per channel and month, GMV as the platform defines it
-- (TikTok: subtotal before discount minus seller discount, cancelled lines included; Amazon: item
-- price; Shopify: price × quantity), seller-funded and platform-funded discounts in the mart must
-- equal the same sums over the staging exports, within a cent. Shopify's order-level Discount
-- Amount is counted once per order (it sits on the first line only).
-- Several parents: dagster-dbt attaches it as an asset check to the model named here.
{{ config(meta={'dagster': {'ref': {'name': 'mart_category_performance'}}}) }}
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
        cast(date_trunc('month', {{ to_seller_time("purchase_date") }}) as date),
        sum(coalesce(item_price, 0)),
        sum(coalesce(item_promotion_discount, 0)),
        0,
    from {{ ref('stg_amazon__orders') }}
    group by all
    union all
    select
        'shopify',
        cast(date_trunc('month', {{ to_seller_time("created_at") }}) as date),
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

{{ reconcile('staging', 'mart', ['gmv', 'seller_discount', 'platform_discount']) }}
