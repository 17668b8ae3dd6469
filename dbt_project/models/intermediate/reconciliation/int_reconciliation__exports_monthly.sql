-- What the seller's order exports themselves say, per channel and month (the seller's time zone), computed
-- straight from staging and never from the category models: the independent side of every category
-- reconciliation test (tests/assert_category_*_reconcile.sql), so each test reads one definition of the
-- exports' totals instead of re-aggregating staging itself.
-- Definitions follow each platform: GMV is TikTok's subtotal before discount minus seller discount (cancelled
-- lines included), Amazon's item price, Shopify's price × quantity; net sales leave cancelled lines out;
-- order-level amounts (TikTok and Shopify repeat them on every line) are taken once, from the first line;
-- Shopify counts its own orders only (TikTok orders its channel app copies in belong to TikTok).
with amazon_returned as (

    select order_id, sku, sum(quantity) as units
    from {{ ref('stg_amazon__fba_returns') }}
    group by all

),

amazon_refunded as (

    select order_id, sku, -sum(buyer_amount) as refunded
    from {{ ref('stg_amazon__transactions') }}
    where transaction_kind = 'refund'
    group by all

),

affiliate_commission as (

    select
        cast(date_trunc('month', orders.created_time) as date) as order_month,
        sum(case when aff.order_status in ('Ineligible', 'Canceled', 'Cancelled') or orders.order_status = 'Cancelled' then 0
                 else coalesce(aff.actual_commission_payment, aff.est_standard_commission_payment, 0)
                      + coalesce(aff.actual_shop_ads_commission_payment, aff.est_shop_ads_commission_payment, 0)
            end) as affiliate_commission,
    from {{ ref('stg_tiktok__affiliate_orders') }} as aff
    inner join {{ ref('stg_tiktok__orders') }} as orders
        on orders.order_id = aff.order_id and orders.sku_id = aff.sku_id
    group by all

),

tiktok as (

    select
        'tiktok_shop' as channel,
        cast(date_trunc('month', created_time) as date) as order_month,
        count(distinct order_id) as orders,
        count(distinct order_id) filter (where order_status = 'Cancelled') as cancelled_orders,
        sum(case when order_status <> 'Cancelled' then quantity else 0 end) as units_sold,
        sum(coalesce(sku_quantity_of_return, 0)) as units_returned,
        sum(coalesce(sku_subtotal_before_discount, 0) - coalesce(sku_seller_discount, 0)) as gmv,
        sum(coalesce(sku_seller_discount, 0)) as seller_discount,
        sum(coalesce(sku_platform_discount, 0)) as platform_discount,
        sum(case when order_status <> 'Cancelled'
                 then coalesce(sku_subtotal_before_discount, 0) - coalesce(sku_seller_discount, 0) else 0 end)
            as net_sales,
        coalesce(sum(coalesce(shipping_fee_after_discount, 0)) filter (where is_first_line_of_order), 0) as shipping,
        coalesce(sum(coalesce(taxes, 0)) filter (where is_first_line_of_order), 0) as taxes,
        coalesce(sum(coalesce(order_refund_amount, 0)) filter (where is_first_line_of_order), 0) as refunds,
    from {{ ref('stg_tiktok__orders') }}
    group by all

),

amazon as (

    select
        'amazon' as channel,
        cast(date_trunc('month', {{ to_seller_time("purchase_date") }}) as date) as order_month,
        count(distinct amazon_order_id) as orders,
        count(distinct amazon_order_id) filter (where order_status = 'Cancelled') as cancelled_orders,
        sum(case when order_status <> 'Cancelled' then coalesce(quantity, 0) else 0 end) as units_sold,
        -- Returns: the FBA customer returns report's units of the order's items.
        sum(case when order_status <> 'Cancelled'
                 then least(coalesce(returned.units, 0), coalesce(quantity, 0)) else 0 end) as units_returned,
        sum(coalesce(item_price, 0)) as gmv,
        sum(coalesce(item_promotion_discount, 0)) as seller_discount,
        0 as platform_discount,
        sum(case when order_status <> 'Cancelled'
                 then coalesce(item_price, 0) - coalesce(item_promotion_discount, 0) else 0 end) as net_sales,
        sum(coalesce(shipping_price, 0) - coalesce(ship_promotion_discount, 0)) as shipping,
        sum(coalesce(item_tax, 0) + coalesce(shipping_tax, 0) + coalesce(gift_wrap_tax, 0)) as taxes,
        -- Refunds: the Transaction report's Refund rows of the order's items (what the buyer got back);
        -- without that report, the returned units at what the buyer paid for them.
        coalesce(sum(coalesce(
            refunded.refunded,
            case when (select count(*) from {{ ref('stg_amazon__transactions') }}) = 0 and returned.units > 0 then
                (coalesce(item_price, 0) - coalesce(item_promotion_discount, 0) + coalesce(item_tax, 0))
                * least(returned.units, quantity) / nullif(quantity, 0)
            end
        )), 0) as refunds,
    from {{ ref('stg_amazon__orders') }} as o
    left join amazon_refunded as refunded on refunded.order_id = o.amazon_order_id and refunded.sku = o.sku
    left join amazon_returned as returned on returned.order_id = o.amazon_order_id and returned.sku = o.sku
    group by all

),

shopify as (

    select
        'shopify' as channel,
        cast(date_trunc('month', {{ to_seller_time("created_at") }}) as date) as order_month,
        count(distinct order_name) as orders,
        count(distinct order_name) filter (where financial_status = 'voided' or cancelled_at is not null)
            as cancelled_orders,
        sum(case when financial_status = 'voided' or cancelled_at is not null then 0 else lineitem_quantity end)
            as units_sold,
        -- The export has no returned-units column (returns show as refunded amounts): unknown, not 0.
        cast(null as double) as units_returned,
        sum(coalesce(lineitem_price, 0) * lineitem_quantity) as gmv,
        sum(case when is_first_line_of_order then coalesce(discount_amount, 0) else 0 end) as seller_discount,
        0 as platform_discount,
        sum(case when financial_status = 'voided' or cancelled_at is not null then 0
                 else coalesce(lineitem_price, 0) * lineitem_quantity
                      - case when is_first_line_of_order then coalesce(discount_amount, 0) else 0 end end)
            as net_sales,
        coalesce(sum(coalesce(shipping, 0)) filter (where is_first_line_of_order), 0) as shipping,
        coalesce(sum(coalesce(taxes, 0)) filter (where is_first_line_of_order), 0) as taxes,
        coalesce(sum(coalesce(refunded_amount, 0)) filter (where is_first_line_of_order), 0) as refunds,
    from {{ ref('stg_shopify__order_lines') }}
    where not is_tiktok_shop_sync
    group by all

),

channels as (

    select * from tiktok
    union all by name
    select * from amazon
    union all by name
    select * from shopify

)

select
    channels.*,
    coalesce(affiliate_commission.affiliate_commission, 0) as affiliate_commission,
from channels
left join affiliate_commission
    on channels.channel = 'tiktok_shop' and affiliate_commission.order_month = channels.order_month
