-- Everything in the settlements a seller should look at, one row per finding:
--   never_settled        an order line delivered (TikTok Shop) / shipped (Amazon) / charged (Shopify) more than
--                        `settlement_grace_days` before the channel's latest settlement and paid in no statement
--   fee_above_rate_card  a settled referral fee above the rate-card estimate by more than $0.50 and 25 %
--   reimbursement        money the platform paid back for goods lost or damaged in its care
--   orphan_settlement    a settlement row naming an order that is in no order export
--   unexplained_payout   a payout whose bank transfer differs from its own rows by more than a cent
-- amount_usd is the money at stake (positive = owed to the seller, or paid to the seller unprompted).
{% set grace_days = var('settlement_grace_days', 30) %}

with components as (

    select * from {{ ref('int_settlement_components') }}

),

lines as (

    select * from {{ ref('fct_order_lines') }}

),

settled as (

    select * from {{ ref('int_order_line_settlements') }}

),

channel_latest as (

    select channel, max(posted_date) as latest_settlement_date
    from components
    group by channel

),

tiktok_delivery as (

    select 'tiktok_shop:' || order_line_id as order_line_id, cast(delivered_time as date) as due_from
    from {{ ref('stg_tiktok__orders') }}
    where delivered_time is not null

),

amazon_shipment as (

    -- The order report has no ship time: an item Amazon reports Shipped is due from its last update.
    select 'amazon:' || order_item_key as order_line_id,
           cast({{ to_seller_time("last_updated_date") }} as date) as due_from
    from {{ ref('stg_amazon__orders') }}
    where order_status in ('Shipped', 'Complete')

),

shopify_charge as (

    select 'shopify:' || order_line_key as order_line_id,
           cast({{ to_seller_time("created_at") }} as date) as due_from
    from {{ ref('stg_shopify__order_lines') }}
    where (payment_method ilike '%shopify payments%' or payment_method ilike '%shop pay%')
        and not is_tiktok_shop_sync

),

due as (

    select * from tiktok_delivery
    union all
    select * from amazon_shipment
    union all
    select * from shopify_charge

),

never_settled as (

    select
        'never_settled' as exception_kind,
        l.channel,
        l.order_id,
        l.order_line_id,
        cast(null as varchar) as payout_id,
        due.due_from as event_date,
        -- What the order says the platform owes for the goods.
        l.net_sales_usd as amount_usd,
        'delivered or shipped on ' || strftime(due.due_from, '%Y-%m-%d') || ', no statement pays it ('
            || cast(date_diff('day', due.due_from, cl.latest_settlement_date) as varchar) || ' days before the latest)'
            as detail,
        '发货/送达于 ' || strftime(due.due_from, '%Y-%m-%d') || '，至今没有任何结算单支付（距最新结算 '
            || cast(date_diff('day', due.due_from, cl.latest_settlement_date) as varchar) || ' 天）' as detail_zh,
    from lines as l
    inner join due on due.order_line_id = l.order_line_id
    inner join channel_latest as cl on cl.channel = l.channel
    left join settled as s on s.order_line_id = l.order_line_id
    where not l.is_cancelled
        and coalesce(s.is_settled, false) = false
        and due.due_from < cl.latest_settlement_date - {{ grace_days }}
        and l.units_returned < l.units_sold

),

fee_check as (

    select
        l.channel,
        l.order_id,
        l.order_line_id,
        s.payout_ids,
        s.settled_date,
        -s.settled_referral_fee_usd as charged_usd,
        l.referral_fee_usd as rate_card_usd,
    from settled as s
    inner join lines as l on l.order_line_id = s.order_line_id
    -- A line its order export had not priced yet (Amazon Pending) has no rate-card estimate to compare with.
    where s.is_settled and l.referral_fee_usd > 0 and l.net_sales_usd > 0

),

fee_above as (

    select
        'fee_above_rate_card' as exception_kind,
        channel,
        order_id,
        order_line_id,
        payout_ids as payout_id,
        settled_date as event_date,
        charged_usd - rate_card_usd as amount_usd,
        'referral fee charged ' || printf('$%.2f', charged_usd) || ', rate card ' || printf('$%.2f', rate_card_usd)
            as detail,
        '实收佣金 ' || printf('$%.2f', charged_usd) || '，按费率卡应为 ' || printf('$%.2f', rate_card_usd) as detail_zh,
    from fee_check
    where charged_usd - rate_card_usd > greatest(0.50, 0.25 * rate_card_usd)

),

reimbursements as (

    select
        'reimbursement' as exception_kind,
        c.channel,
        c.order_id,
        cast(null as varchar) as order_line_id,
        c.payout_id,
        c.posted_date as event_date,
        c.amount_usd,
        'reimbursed by the platform' || coalesce(' for order ' || c.source_order_id, '') as detail,
        '平台赔付' || coalesce('（订单 ' || c.source_order_id || '）', '') as detail_zh,
    from components as c
    where c.component = 'reimbursements' and c.amount_usd <> 0

),

orphans as (

    select
        'orphan_settlement' as exception_kind,
        c.channel,
        c.order_id,
        cast(null as varchar) as order_line_id,
        min(c.payout_id) as payout_id,
        min(c.posted_date) as event_date,
        sum(c.amount_usd) as amount_usd,
        'order ' || c.source_order_id || ' is settled but in no order export' as detail,
        '订单 ' || c.source_order_id || ' 已结算，但不在任何订单导出中' as detail_zh,
    from components as c
    where c.order_id is not null
        and c.component in ('sales', 'shipping', 'refunds', 'fees', 'adjustments')
        and not exists (select 1 from {{ ref('fct_orders') }} as o where o.order_id = c.order_id)
    group by c.channel, c.order_id, c.source_order_id

),

unexplained as (

    select
        'unexplained_payout' as exception_kind,
        channel,
        cast(null as varchar) as order_id,
        cast(null as varchar) as order_line_id,
        payout_id,
        payout_date as event_date,
        unexplained_usd as amount_usd,
        'the bank transfer differs from the payout''s own rows' as detail,
        '银行到账金额与该笔打款的明细合计不符' as detail_zh,
    from {{ ref('mart_payout_reconciliation') }}
    where abs(unexplained_usd) > 0.01

)

select
    exception_kind,
    channel,
    order_id,
    order_line_id,
    payout_id,
    event_date,
    cast(round(amount_usd, 2) as decimal(18, 2)) as amount_usd,
    detail,
    detail_zh,
from (
    select * from never_settled
    union all by name select * from fee_above
    union all by name select * from reimbursements
    union all by name select * from orphans
    union all by name select * from unexplained
)
