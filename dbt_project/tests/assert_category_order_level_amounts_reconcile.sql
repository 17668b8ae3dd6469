-- Catches order-level amounts counted more than once (TikTok repeats Order Amount, shipping,
-- taxes and Order Refund Amount on every SKU line; Shopify staging copies them onto every line)
-- or lost when split over lines: per channel and month, shipping charged, taxes and refunds in the
-- mart must equal each order's amount taken once (TikTok/Shopify: the first line of the order;
-- Amazon: its per-item columns), within a cent.
-- Several parents: dagster-dbt attaches it as an asset check to the model named here.
{{ config(meta={'dagster': {'ref': {'name': 'mart_category_performance'}}}) }}
with staging as (

    select
        'tiktok_shop' as channel,
        cast(date_trunc('month', created_time) as date) as order_month,
        sum(coalesce(shipping_fee_after_discount, 0)) filter (where is_first_line_of_order) as shipping,
        sum(coalesce(taxes, 0)) filter (where is_first_line_of_order) as taxes,
        sum(coalesce(order_refund_amount, 0)) filter (where is_first_line_of_order) as refunds,
    from {{ ref('stg_tiktok__orders') }}
    group by all
    union all
    select
        'amazon',
        cast(date_trunc('month', {{ to_seller_time("purchase_date") }}) as date),
        sum(coalesce(shipping_price, 0) - coalesce(ship_promotion_discount, 0)),
        sum(coalesce(item_tax, 0) + coalesce(shipping_tax, 0) + coalesce(gift_wrap_tax, 0)),
        -- Amazon refunds: the Transaction report's Refund rows of the order's items (what the buyer got back);
        -- without that report, the returned units at what the buyer paid for them.
        coalesce(sum(coalesce(
            refunds.refunded,
            case when (select count(*) from {{ ref('stg_amazon__transactions') }}) = 0 and returned.units > 0 then
                (coalesce(item_price, 0) - coalesce(item_promotion_discount, 0) + coalesce(item_tax, 0))
                * least(returned.units, quantity) / nullif(quantity, 0)
            end
        )), 0),
    from {{ ref('stg_amazon__orders') }} as o
    left join (
        select order_id, sku, -sum(buyer_amount) as refunded
        from {{ ref('stg_amazon__transactions') }}
        where transaction_kind = 'refund'
        group by all
    ) as refunds on refunds.order_id = o.amazon_order_id and refunds.sku = o.sku
    left join (
        select order_id, sku, sum(quantity) as units from {{ ref('stg_amazon__fba_returns') }} group by all
    ) as returned on returned.order_id = o.amazon_order_id and returned.sku = o.sku
    group by all
    union all
    select
        'shopify',
        cast(date_trunc('month', {{ to_seller_time("created_at") }}) as date),
        sum(coalesce(shipping, 0)) filter (where is_first_line_of_order),
        sum(coalesce(taxes, 0)) filter (where is_first_line_of_order),
        sum(coalesce(refunded_amount, 0)) filter (where is_first_line_of_order),
    from {{ ref('stg_shopify__order_lines') }}
    where not is_tiktok_shop_sync
    group by all

),

mart as (

    select
        channel,
        order_month,
        sum(shipping_charged_usd) as shipping,
        sum(taxes_usd) as taxes,
        sum(refunds_usd) as refunds,
    from {{ ref('mart_category_performance') }}
    group by all

)

{{ reconcile('staging', 'mart', ['shipping', 'taxes', 'refunds']) }}
