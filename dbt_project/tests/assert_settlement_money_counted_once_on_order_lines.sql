-- No settled dollar is counted twice or lost when statements are attached to order lines: per settlement
-- row and component the line shares add up to 1, and the lines' settled totals equal the order-level
-- settlement money of every order that joins an order export, within a cent per channel.
select 'weights' as check_name, settlement_row_id as key, sum(weight) as got, 1.0 as expected
from {{ ref('int_settlement_allocation') }}
group by settlement_row_id, component
having abs(sum(weight) - 1.0) > 1e-9

union all

select 'line totals', coalesce(l.channel, c.channel), l.total, c.total
from (select channel, sum(settled_total_usd) as total from {{ ref('int_order_line_settlements') }} group by channel) as l
full outer join (
    select channel, sum(amount_usd) as total
    from {{ ref('int_settlement_components') }}
    where component in ('sales', 'shipping', 'refunds', 'fees', 'adjustments', 'reimbursements')
        and order_id in (select order_id from {{ ref('fct_orders') }})
    group by channel
) as c on c.channel = l.channel
where abs(coalesce(l.total, 0) - coalesce(c.total, 0)) > 0.01
