-- TikTok Shop statement lines (Finance > Statements > Order details), each once however many
-- overlapping downloads hold it. One order can appear in several statements (a later refund or
-- adjustment); adjustments may name no order. Amounts as exported: fees negative.
with source as (

    select * from {{ source('tiktok', 'tiktok_statements') }}

),

deduped as (

    {{ settlement_rows('source', ['statement_id', 'payment_id', 'type', 'order_adjustment_id', 'related_order_id',
                                  'sku_id', 'quantity', 'order_settled_time', 'total_settlement_amount',
                                  'total_revenue', 'total_fees', 'shipping_total', 'adjustment_amount']) }}

)

select
        'tiktok_shop:' || statement_id || ':' || _row_hash || ':' || _occurrence as statement_line_id,
        statement_date,
        statement_id,
        payment_id,
        status as statement_status,
        type as line_type,
        case
            when lower(type) in ('order', '订单') then 'order'
            when lower(type) like '%reimburse%' or lower(type) like '%compensation%' or type like '%补偿%'
                or type like '%赔付%' then 'reimbursement'
            when lower(type) like '%chargeback%' then 'chargeback'
            else 'adjustment'
        end as line_kind,
        case when lower(type) in ('order', '订单') then order_adjustment_id else related_order_id end as order_id,
        order_adjustment_id,
        related_order_id,
        sku_id,
        quantity,
        product_name,
        sku_name,
        order_created_time,
        order_settled_time,
        order_delivery_time,
        upper(coalesce(currency, _currency, 'USD')) as currency,
        total_settlement_amount,
        total_revenue,
        customer_payment,
        customer_refund,
        net_sales,
        subtotal_before_discounts,
        subtotal_after_seller_discounts,
        seller_discounts,
        refund_subtotal_before_seller_discounts,
        refund_subtotal_after_seller_discounts,
        refund_of_seller_discounts,
        platform_discounts,
        platform_discounts_refund,
        total_fees,
        transaction_fee,
        referral_fee,
        refund_administration_fee,
        affiliate_commission,
        affiliate_partner_commission,
        affiliate_shop_ads_commission,
        sfp_service_fee,
        fee_per_item_sold,
        live_specials_service_fee,
        voucher_xtra_service_fee,
        bonus_cashback_service_fee,
        shipping_total,
        tiktok_shop_shipping_fee,
        actual_shipping_fee,
        customer_shipping_fee,
        refunded_customer_shipping_fee,
        platform_shipping_fee_discount,
        shipping_subsidy,
        actual_return_shipping_fee,
        adjustment_amount,
        adjustment_reason,
        {{ load_metadata() }}
from deduped
