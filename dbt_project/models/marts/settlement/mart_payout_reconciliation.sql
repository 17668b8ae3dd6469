-- Per channel and bank payout (TikTok Shop Payment ID, Amazon settlement, Shopify payout): what the
-- orders say should be paid, what was paid, and the difference split into fees, refunds, adjustments,
-- reimbursements, account-level fees and what nothing explains.
--   expected_sales_usd  the order exports' value of the goods after the seller's discounts (Shopify: what the
--                       buyer paid) for the sales this payout settles
--   paid_usd            the bank transfer (TikTok Shop: the sum of the payment's statements, which is the deposit)
--   paid_usd = expected_sales_usd + sales_difference_usd + shipping_usd + refunds_usd + fees_usd
--              + adjustments_usd + reimbursements_usd + account_fees_usd + transfer_difference_usd
--   unexplained_usd = sales_difference_usd + transfer_difference_usd
-- Fees charged above the rate card are counted in fees_usd and listed by mart_settlement_exceptions.

with components as (

    select * from {{ ref('int_settlement_components') }}

),

lines as (

    select * from {{ ref('fct_order_lines') }}

),

-- The order export's value of the goods each sale row settles (each settled line counted once).
expected_by_row as (

    select
        s.channel,
        s.payout_id,
        sum(case
                -- Amazon prices an order only once it leaves Pending: an order report exported before that has
                -- no price to compare with, and the settlement is the first price known.
                when s.channel = 'amazon' and l.order_status = 'Pending' and l.list_subtotal_usd = 0
                    then s.amount_usd * s.weight
                when s.channel = 'tiktok_shop' then l.list_subtotal_usd - l.seller_discount_usd
                when s.channel = 'amazon' then l.list_subtotal_usd - l.seller_discount_usd
                else l.buyer_paid_usd
            end) as expected_sales_usd,
    from {{ ref('int_settlement_allocation') }} as s
    inner join lines as l on l.order_line_id = s.order_line_id
    where s.component = 'sales' and s.amount_usd <> 0
    group by s.channel, s.payout_id

),

per_payout as (

    select
        channel,
        payout_id,
        count(distinct statement_id) as statements,
        count(distinct settlement_row_id) as settlement_rows,
        count(distinct order_id) filter (where component = 'sales' and amount_usd <> 0) as orders_settled,
        min(posted_date) as first_posted_date,
        max(posted_date) as last_posted_date,
        max(posted_date) filter (where component = 'transfer') as transfer_date,
        sum(amount_usd) filter (where component = 'sales') as sales_usd,
        sum(amount_usd) filter (where component = 'sales' and order_id is not null
                                and order_id not in (select order_id from {{ ref('fct_orders') }})) as orphan_sales_usd,
        coalesce(sum(amount_usd) filter (where component = 'shipping'), 0) as shipping_usd,
        coalesce(sum(amount_usd) filter (where component = 'refunds'), 0) as refunds_usd,
        coalesce(sum(amount_usd) filter (where component = 'fees'), 0) as fees_usd,
        coalesce(sum(amount_usd) filter (where component = 'adjustments'), 0) as adjustments_usd,
        coalesce(sum(amount_usd) filter (where component = 'reimbursements'), 0) as reimbursements_usd,
        coalesce(sum(amount_usd) filter (where component = 'account_fees'), 0) as account_fees_usd,
        coalesce(sum(amount_usd) filter (where component <> 'transfer'), 0) as rows_total_usd,
        -sum(amount_usd) filter (where component = 'transfer') as transferred_usd,
        bool_or(component = 'transfer') as has_transfer,
    from components
    group by channel, payout_id

)

select
    p.channel,
    p.payout_id,
    coalesce(p.transfer_date, p.last_posted_date) as payout_date,
    p.first_posted_date,
    p.statements,
    p.settlement_rows,
    p.orders_settled,
    -- TikTok Shop statements carry no transfer row: the payment's statements are the deposit.
    p.channel = 'tiktok_shop' or p.has_transfer as is_paid,
    cast(round(coalesce(e.expected_sales_usd, 0), 2) as decimal(18, 2)) as expected_sales_usd,
    cast(round(coalesce(p.sales_usd, 0) - coalesce(e.expected_sales_usd, 0) - coalesce(p.orphan_sales_usd, 0), 2)
         as decimal(18, 2)) as sales_difference_usd,
    cast(round(coalesce(p.orphan_sales_usd, 0), 2) as decimal(18, 2)) as orphan_sales_usd,
    cast(round(p.shipping_usd, 2) as decimal(18, 2)) as shipping_usd,
    cast(round(p.refunds_usd, 2) as decimal(18, 2)) as refunds_usd,
    cast(round(p.fees_usd, 2) as decimal(18, 2)) as fees_usd,
    cast(round(p.adjustments_usd, 2) as decimal(18, 2)) as adjustments_usd,
    cast(round(p.reimbursements_usd, 2) as decimal(18, 2)) as reimbursements_usd,
    cast(round(p.account_fees_usd, 2) as decimal(18, 2)) as account_fees_usd,
    cast(round(p.rows_total_usd, 2) as decimal(18, 2)) as rows_total_usd,
    cast(round(case when p.channel = 'tiktok_shop' then p.rows_total_usd else p.transferred_usd end, 2)
         as decimal(18, 2)) as paid_usd,
    cast(round(case when p.channel = 'tiktok_shop' or not p.has_transfer then 0
                    else p.transferred_usd - p.rows_total_usd end, 2) as decimal(18, 2)) as transfer_difference_usd,
    cast(round(coalesce(p.sales_usd, 0) - coalesce(e.expected_sales_usd, 0) - coalesce(p.orphan_sales_usd, 0)
               + case when p.channel = 'tiktok_shop' or not p.has_transfer then 0
                      else p.transferred_usd - p.rows_total_usd end, 2) as decimal(18, 2)) as unexplained_usd,
from per_payout as p
left join expected_by_row as e on e.channel = p.channel and e.payout_id = p.payout_id
