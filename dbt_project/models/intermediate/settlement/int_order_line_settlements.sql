-- What the statements, transaction reports and payouts actually paid for each order line (USD), from
-- int_settlement_allocation. A line no settlement touches has no row here.

with allocated as (

    select * from {{ ref('int_settlement_allocation') }}

)

select
    order_line_id,
    any_value(channel) as channel,
    sum(amount_usd * weight) filter (where component = 'sales') as settled_sales_usd,
    sum(amount_usd * weight) filter (where component = 'shipping') as settled_shipping_usd,
    sum(amount_usd * weight) filter (where component = 'refunds') as settled_refunds_usd,
    sum(amount_usd * weight) filter (where component = 'fees') as settled_fees_usd,
    sum(referral_fee_usd * weight) filter (where component = 'fees') as settled_referral_fee_usd,
    sum(affiliate_fee_usd * weight) filter (where component = 'fees') as settled_affiliate_fee_usd,
    sum(fulfilment_fee_usd * weight) filter (where component = 'fees') as settled_fulfilment_fee_usd,
    sum(amount_usd * weight) filter (where component = 'adjustments') as settled_adjustments_usd,
    sum(amount_usd * weight) filter (where component = 'reimbursements') as settled_reimbursements_usd,
    sum(amount_usd * weight) as settled_total_usd,
    -- Settled = the sale itself was paid out (a refund or adjustment alone does not settle a line).
    bool_or(component = 'sales' and line_kind in ('order', 'charge') and amount_usd <> 0) as is_settled,
    min(posted_date) filter (where component = 'sales' and line_kind in ('order', 'charge') and amount_usd <> 0) as settled_date,
    max(posted_date) as last_settlement_date,
    count(distinct statement_id) as statements,
    string_agg(distinct payout_id, ',' order by payout_id) as payout_ids,
from allocated
group by order_line_id
