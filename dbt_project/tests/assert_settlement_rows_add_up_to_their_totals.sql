-- Per settlement row (TikTok Shop statement line, Amazon transaction, Shopify payout transaction), the
-- money components the warehouse splits it into add back up to the row's own total within a cent, and on
-- TikTok Shop lines revenue + fees + shipping + adjustment is the line's Total settlement amount.
select channel, settlement_row_id, sum(amount_usd) as components, any_value(row_total_usd) as row_total
from {{ ref('int_settlement_components') }}
group by channel, settlement_row_id
having abs(sum(amount_usd) - any_value(row_total_usd)) > 0.01

union all

select 'tiktok_shop', statement_line_id,
       coalesce(total_revenue, 0) + coalesce(total_fees, 0) + coalesce(shipping_total, 0) + coalesce(adjustment_amount, 0),
       total_settlement_amount
from {{ ref('stg_tiktok__statement_lines') }}
where line_kind = 'order' and total_revenue is not null and total_fees is not null
    and abs(coalesce(total_revenue, 0) + coalesce(total_fees, 0) + coalesce(shipping_total, 0)
            + coalesce(adjustment_amount, 0) - total_settlement_amount) > 0.01
