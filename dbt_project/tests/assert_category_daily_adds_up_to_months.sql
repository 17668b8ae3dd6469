-- The days of mart_category_daily add up to mart_category_performance's months (the Categories page sums days,
-- the monthly mart sums lines): every additive figure and the contribution margin, to the cent.
-- Several parents: dagster-dbt attaches it as an asset check to the model named here.
{{ config(meta={'dagster': {'ref': {'name': 'mart_category_daily'}}}) }}
with days as (
    select
        channel, category_id, order_month,
        sum(orders) as orders, sum(units_sold) as units_sold, sum(gmv_usd) as gmv_usd,
        sum(net_revenue_usd) as net_revenue_usd, sum(ad_spend_usd) as ad_spend_usd,
        sum(contribution_margin_usd) as contribution_margin_usd,
        sum(net_revenue_with_cost_usd) as net_revenue_with_cost_usd,
        sum(net_revenue_settled_usd) as net_revenue_settled_usd,
    from {{ ref('mart_category_daily') }}
    group by all
),

months as (
    select channel, category_id, order_month, orders, units_sold, gmv_usd, net_revenue_usd, ad_spend_usd,
        contribution_margin_usd, net_revenue_with_cost_usd, net_revenue_settled_usd,
    from {{ ref('mart_category_performance') }}
)

select coalesce(days.channel, months.channel) as channel, coalesce(days.category_id, months.category_id) as category_id,
    coalesce(days.order_month, months.order_month) as order_month,
from days
full outer join months
    on months.channel = days.channel and months.category_id = days.category_id and months.order_month = days.order_month
where days.channel is null or months.channel is null
    or days.orders <> months.orders or days.units_sold <> months.units_sold
    or abs(days.gmv_usd - months.gmv_usd) > 0.01
    or abs(days.net_revenue_usd - months.net_revenue_usd) > 0.01
    or abs(days.ad_spend_usd - months.ad_spend_usd) > 0.01
    or abs(days.net_revenue_with_cost_usd - months.net_revenue_with_cost_usd) > 0.01
    or abs(days.net_revenue_settled_usd - months.net_revenue_settled_usd) > 0.01
    or (days.contribution_margin_usd is null) <> (months.contribution_margin_usd is null)
    or abs(days.contribution_margin_usd - months.contribution_margin_usd) > 0.01
