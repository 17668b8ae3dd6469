-- No double counting between estimate and actual: on every order line, each money figure the marts use
-- (net revenue, platform fees, fulfilment) is exactly the settled amount when the line is settled and exactly
-- the estimate otherwise — never a mix or a sum of both — and only settled lines carry actual amounts.
select order_line_id, 'net_revenue' as figure
from {{ ref('fct_order_lines') }}
where abs(net_revenue_usd - coalesce(actual_net_revenue_usd, estimated_net_revenue_usd)) > 1e-9
union all
select order_line_id, 'platform_fees'
from {{ ref('fct_order_lines') }}
where abs(platform_fees_usd - coalesce(actual_platform_fees_usd, estimated_platform_fees_usd)) > 1e-9
union all
select order_line_id, 'fulfilment'
from {{ ref('fct_order_lines') }}
where abs(fulfilment_cost_usd - coalesce(actual_fulfilment_cost_usd, estimated_fulfilment_cost_usd)) > 1e-9
union all
select order_line_id, 'actual without settlement'
from {{ ref('fct_order_lines') }}
where not is_settled
    and (actual_net_revenue_usd is not null or actual_platform_fees_usd is not null
         or actual_fulfilment_cost_usd is not null)
