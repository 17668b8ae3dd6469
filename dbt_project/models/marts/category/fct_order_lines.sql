-- One product line of one order, on every channel, amounts in USD. Order-level amounts are
-- already split across the order's lines (int_order_lines_unioned), so every amount column is
-- additive: sum it over any set of lines.
select
    order_line_id,
    order_id,
    channel,
    source_order_id,
    line_in_order,
    is_first_line_of_order,
    ordered_at_local,
    order_date,
    order_month,
    product_id,
    is_in_catalogue,
    product_matched_by,
    product_name,
    category_id,
    category_assigned_by,
    channel_sku,
    seller_sku,
    fulfilment_type,
    order_status,
    is_cancelled,
    cast(units_ordered as bigint) as units_ordered,
    cast(units_not_cancelled as bigint) as units_sold,
    cast(units_returned as double) as units_returned,
    returns_in_export,
    currency,
    cast(usd_per_unit as double) as usd_per_unit,
    cast(gmv_usd as double) as gmv_usd,
    cast(list_subtotal_usd as double) as list_subtotal_usd,
    cast(seller_discount_usd as double) as seller_discount_usd,
    cast(platform_discount_usd as double) as platform_discount_usd,
    cast(net_sales_usd as double) as net_sales_usd,
    cast(shipping_charged_usd as double) as shipping_charged_usd,
    cast(taxes_usd as double) as taxes_usd,
    cast(buyer_paid_usd as double) as buyer_paid_usd,
    cast(refunds_usd as double) as refunds_usd,
    cast(return_refunds_usd as double) as return_refunds_usd,
    cast(net_sales_usd - return_refunds_usd as double) as net_revenue_usd,
    cast(referral_fee_usd as double) as referral_fee_usd,
    cast(payment_fee_usd as double) as payment_fee_usd,
    cast(referral_fee_usd + payment_fee_usd as double) as platform_fees_usd,
    cast(affiliate_commission_usd as double) as affiliate_commission_usd,
    cast(fulfilment_cost_usd as double) as fulfilment_cost_usd,
    cast(cogs_usd as double) as cogs_usd,
    has_cost,
    -- NULL when the unit cost is missing ("cost missing"): such lines stay out of every margin total.
    cast(
        case when has_cost then
            net_sales_usd - return_refunds_usd - referral_fee_usd - payment_fee_usd - affiliate_commission_usd
            - fulfilment_cost_usd - cogs_usd
        end
        as double
    ) as contribution_before_ads_usd,
    affiliate_creator is not null as is_affiliate_order,
    affiliate_creator,
    creator_handle,
    discount_code,
    case
        when affiliate_creator is not null then 'tiktok_affiliate'
        when channel = 'tiktok_shop' and creator_handle is not null then 'tiktok_creator'
        when discount_code ilike 'TIKTOK-%' then 'tiktok_creator_code'
        when has_tiktok_utm then 'tiktok_utm'
        else 'none'
    end as creator_attribution,
    unit_cost_id,
    fee_ids,
    has_tiktok_utm,
from {{ ref('int_order_lines_costed') }}
