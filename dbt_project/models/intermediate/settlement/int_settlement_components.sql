-- Every settled money movement of every channel in one long shape: one row per settlement row and
-- money component, amounts in USD (the exports' currency converted at the posting year's rate).
-- Components: sales (goods after the seller's discounts), shipping (what buyers and the platform paid for
-- shipping and gift wrap), refunds, fees, adjustments,
-- reimbursements, account_fees (fees naming no order: subscriptions, storage) and transfer (the bank
-- payout itself, negative). For every settlement row the components add up to its own total, and per
-- payout everything except the transfer adds up to minus the transfer.
-- `payout_id` is the bank deposit: TikTok Shop's Payment ID, Amazon's settlement id, Shopify's payout.

with tiktok as (

    select
        'tiktok_shop' as channel,
        statement_line_id as settlement_row_id,
        coalesce(payment_id, statement_id) as payout_id,
        statement_id,
        statement_date as posted_date,
        line_kind,
        order_id as source_order_id,
        sku_id as settled_sku,
        currency,
        total_settlement_amount as row_total,
        -- Refunds: refunded goods after the seller's discounts; sales: the rest of the revenue (goods after the
        -- seller's discounts: platform-funded discounts are paid back, so they are inside it, not added).
        coalesce(refund_subtotal_after_seller_discounts, 0) as refunds,
        coalesce(total_revenue, 0) - coalesce(refund_subtotal_after_seller_discounts, 0) as goods,
        coalesce(shipping_total, 0) as shipping,
        coalesce(total_fees, 0) as fees,
        coalesce(referral_fee, 0) as referral_fee,
        coalesce(affiliate_commission, 0) + coalesce(affiliate_partner_commission, 0)
            + coalesce(affiliate_shop_ads_commission, 0) as affiliate_fee,
        0.0 as fulfilment_fee,
        coalesce(adjustment_amount, 0) as adjustment,
    from {{ ref('stg_tiktok__statement_lines') }}

),

tiktok_components as (

    {{ settlement_components('tiktok', [
        ("sales", "case when line_kind = 'order' then goods else 0 end"),
        ("shipping", "case when line_kind = 'order' then shipping else 0 end"),
        ("refunds", "case when line_kind = 'order' then refunds else 0 end"),
        ("fees", "case when line_kind = 'order' then fees else 0 end"),
        ("adjustments", "case when line_kind = 'order' then adjustment when line_kind in ('adjustment', 'chargeback') then row_total else 0 end"),
        ("reimbursements", "case when line_kind = 'reimbursement' then row_total else 0 end")
    ]) }}

),

amazon as (

    select
        'amazon' as channel,
        transaction_id as settlement_row_id,
        coalesce(settlement_id, 'unsettled') as payout_id,
        coalesce(settlement_id, 'unsettled') as statement_id,
        posted_date_local as posted_date,
        transaction_kind as line_kind,
        order_id as source_order_id,
        sku as settled_sku,
        currency,
        total as row_total,
        -- Tax Amazon collects and remits itself is withheld on the same row: goods are net of it.
        buyer_amount + coalesce(marketplace_withheld_tax, 0)
            - coalesce(shipping_credits, 0) - coalesce(gift_wrap_credits, 0) as goods,
        coalesce(shipping_credits, 0) + coalesce(gift_wrap_credits, 0) as shipping,
        fees,
        coalesce(selling_fees, 0) as referral_fee,
        0.0 as affiliate_fee,
        coalesce(fba_fees, 0) as fulfilment_fee,
        coalesce(other, 0) as other_amount,
    from {{ ref('stg_amazon__transactions') }}
    where transaction_status = 'Released'

),

amazon_components as (

    {{ settlement_components('amazon', [
        ("sales", "case when line_kind = 'order' then goods else 0 end"),
        ("shipping", "case when line_kind in ('order', 'refund') then shipping else 0 end"),
        ("refunds", "case when line_kind = 'refund' then goods else 0 end"),
        ("fees", "case when line_kind in ('order', 'refund') then fees else 0 end"),
        ("adjustments", "case when line_kind in ('order', 'refund') then other_amount when line_kind in ('adjustment', 'chargeback', 'liquidation', 'other') then row_total else 0 end"),
        ("reimbursements", "case when line_kind = 'reimbursement' then row_total else 0 end"),
        ("account_fees", "case when line_kind = 'fee' then row_total else 0 end"),
        ("transfer", "case when line_kind = 'transfer' then row_total else 0 end")
    ]) }}

),

shopify as (

    select
        'shopify' as channel,
        payout_transaction_id as settlement_row_id,
        coalesce(payout_id, 'pending') as payout_id,
        coalesce(payout_id, 'pending') as statement_id,
        transaction_date_local as posted_date,
        transaction_type as line_kind,
        order_name as source_order_id,
        cast(null as varchar) as settled_sku,
        currency,
        net as row_total,
        amount,
        -coalesce(fee, 0) as fees,
        0.0 as referral_fee,
        0.0 as affiliate_fee,
        0.0 as fulfilment_fee,
    from {{ ref('stg_shopify__payout_transactions') }}

),

shopify_components as (

    {{ settlement_components('shopify', [
        ("sales", "case when line_kind = 'charge' then amount else 0 end"),
        ("refunds", "case when line_kind = 'refund' then amount else 0 end"),
        ("fees", "case when line_kind <> 'payout' then fees else 0 end"),
        ("adjustments", "case when line_kind not in ('charge', 'refund', 'payout') then amount else 0 end"),
        ("transfer", "case when line_kind = 'payout' then row_total else 0 end")
    ]) }}

),

unioned as (

    select * from tiktok_components
    union all by name
    select * from amazon_components
    union all by name
    select * from shopify_components

),

fx as (

    select * from {{ ref('stg_reference__fx_rates') }}

)

select
    u.channel,
    u.settlement_row_id,
    u.payout_id,
    u.statement_id,
    u.posted_date,
    u.line_kind,
    u.source_order_id,
    case when u.source_order_id is not null then u.channel || ':' || u.source_order_id end as order_id,
    u.settled_sku,
    upper(u.currency) as currency,
    u.component,
    cast(u.amount as double) * case when upper(u.currency) = 'USD' then 1.0 else fx.usd_per_unit end as amount_usd,
    cast(u.row_total as double) * case when upper(u.currency) = 'USD' then 1.0 else fx.usd_per_unit end as row_total_usd,
    -- Parts of the fees (on the fees component only, so sums over components stay right): referral
    -- (TikTok Referral fee, Amazon selling fees), creator commissions (TikTok Shop), fulfilment (Amazon FBA fees).
    case when u.component = 'fees' then cast(u.referral_fee as double) end
        * case when upper(u.currency) = 'USD' then 1.0 else fx.usd_per_unit end as referral_fee_usd,
    case when u.component = 'fees' then cast(u.affiliate_fee as double) end
        * case when upper(u.currency) = 'USD' then 1.0 else fx.usd_per_unit end as affiliate_fee_usd,
    case when u.component = 'fees' then cast(u.fulfilment_fee as double) end
        * case when upper(u.currency) = 'USD' then 1.0 else fx.usd_per_unit end as fulfilment_fee_usd,
from unioned as u
left join fx on fx.currency = upper(u.currency) and fx.rate_year = year(u.posted_date)
where u.amount <> 0 or u.component = 'sales'
