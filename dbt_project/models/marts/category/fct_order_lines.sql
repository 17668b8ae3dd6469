-- One product line of one order, on every channel, amounts in USD. Order-level amounts are
-- already split across the order's lines (int_order_lines_unioned), so every amount column is
-- additive: sum it over any set of lines.
-- Actual where settled, estimated otherwise: once a statement / transaction report / payout pays the
-- line's sale (int_order_line_settlements), net revenue (TikTok Shop, Amazon), platform fees and Amazon FBA
-- fees are the money actually paid; before that they are the estimates from the order export and the rate
-- cards. Both stay visible (estimated_*, actual_*); the used figure is exactly one of them, never a sum.
with costed as (

    select * from {{ ref('int_order_lines_costed') }}

),

settlements as (

    select * from {{ ref('int_order_line_settlements') }}

),

lines as (

    select
        costed.*,
        coalesce(s.is_settled, false) and not costed.is_cancelled as is_settled,
        s.settled_date,
        costed.net_sales_usd - costed.return_refunds_usd as estimated_net_revenue_usd,
        costed.referral_fee_usd + costed.payment_fee_usd as estimated_platform_fees_usd,
        costed.fulfilment_cost_usd as estimated_fulfilment_cost_usd,
        -- Goods after the seller's discounts net of refunds, as settled (Shopify payouts carry tax and
        -- shipping in one charge: its revenue stays the order export's).
        case when s.is_settled and not costed.is_cancelled and costed.channel in ('tiktok_shop', 'amazon')
            then coalesce(s.settled_sales_usd, 0) + coalesce(s.settled_refunds_usd, 0) end as actual_net_revenue_usd,
        -- Fees actually charged, net of fees given back on refunds; creator commissions stay in
        -- affiliate_commission_usd (the affiliate export) and FBA fees in fulfilment.
        case when s.is_settled and not costed.is_cancelled
            then -(coalesce(s.settled_fees_usd, 0) - coalesce(s.settled_affiliate_fee_usd, 0)
                   - coalesce(s.settled_fulfilment_fee_usd, 0)) end as actual_platform_fees_usd,
        case when s.is_settled and not costed.is_cancelled and costed.channel = 'amazon'
                  and costed.fulfilment_type = 'platform'
            then -coalesce(s.settled_fulfilment_fee_usd, 0) end as actual_fulfilment_cost_usd,
    from costed
    left join settlements as s on s.order_line_id = costed.order_line_id

),

used as (

    select
        *,
        coalesce(actual_net_revenue_usd, estimated_net_revenue_usd) as used_net_revenue_usd,
        coalesce(actual_platform_fees_usd, estimated_platform_fees_usd) as used_platform_fees_usd,
        coalesce(actual_fulfilment_cost_usd, estimated_fulfilment_cost_usd) as used_fulfilment_cost_usd,
    from lines

)

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
    cast(used_net_revenue_usd as double) as net_revenue_usd,
    cast(referral_fee_usd as double) as referral_fee_usd,
    cast(payment_fee_usd as double) as payment_fee_usd,
    cast(used_platform_fees_usd as double) as platform_fees_usd,
    cast(affiliate_commission_usd as double) as affiliate_commission_usd,
    cast(used_fulfilment_cost_usd as double) as fulfilment_cost_usd,
    cast(cogs_usd as double) as cogs_usd,
    is_settled,
    settled_date,
    cast(estimated_net_revenue_usd as double) as estimated_net_revenue_usd,
    cast(actual_net_revenue_usd as double) as actual_net_revenue_usd,
    cast(estimated_platform_fees_usd as double) as estimated_platform_fees_usd,
    cast(actual_platform_fees_usd as double) as actual_platform_fees_usd,
    cast(estimated_fulfilment_cost_usd as double) as estimated_fulfilment_cost_usd,
    cast(actual_fulfilment_cost_usd as double) as actual_fulfilment_cost_usd,
    has_cost,
    -- NULL when the unit cost is missing ("cost missing"): such lines stay out of every margin total.
    cast(
        case when has_cost then
            used_net_revenue_usd - used_platform_fees_usd - affiliate_commission_usd
            - used_fulfilment_cost_usd - cogs_usd
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
from used
