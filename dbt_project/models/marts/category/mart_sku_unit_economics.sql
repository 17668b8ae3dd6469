-- Product × channel × window per-unit economics: one row per product and channel for each window in
-- `unit_economics_windows` (dbt var, default 7, 30, 90, 180 and 365 days) ending at the latest order date in the
-- warehouse. Per-unit figures are window sums divided by the window's units sold, so they weigh every unit
-- equally. The Categories page only picks a window (one definition of these figures).
{% set windows = var('unit_economics_windows', [7, 30, 90, 180, 365]) %}

with windows as (

    {% for days in windows %}
    select {{ days | int }} as window_days{% if not loop.last %} union all{% endif %}
    {% endfor %}

),

bounds as (

    select
        windows.window_days,
        max(fct.order_date) as window_end,
        max(fct.order_date) - (windows.window_days - 1) * interval 1 day as window_start,
    from {{ ref('fct_order_lines') }} as fct
    cross join windows
    group by windows.window_days

),

lines as (

    select fct.*, bounds.window_days
    from {{ ref('fct_order_lines') }} as fct
    inner join bounds
        on fct.order_date between bounds.window_start and bounds.window_end

),

summed as (

    select
        window_days,
        product_id,
        channel,
        any_value(product_name) as product_name,
        any_value(category_id) as category_id,
        bool_and(is_in_catalogue) as is_in_catalogue,
        bool_and(has_cost) as has_cost,
        bool_or(has_cost) as has_some_cost,
        bool_and(returns_in_export) as returns_in_export,
        sum(units_sold) as units_sold,
        sum(units_returned) as units_returned,
        sum(net_sales_usd) as net_sales_usd,
        -- Everything between net sales and net revenue: refunds as settled where settled, else as exported.
        sum(net_sales_usd - net_revenue_usd) as return_refunds_usd,
        sum(net_revenue_usd) as net_revenue_usd,
        coalesce(sum(net_revenue_usd) filter (where is_settled), 0) as net_revenue_settled_usd,
        sum(platform_fees_usd) as platform_fees_usd,
        sum(affiliate_commission_usd) as affiliate_commission_usd,
        sum(fulfilment_cost_usd) as fulfilment_cost_usd,
        sum(cogs_usd) as cogs_usd,
        case when bool_and(has_cost) then sum(contribution_before_ads_usd) end as contribution_usd,
    from lines
    group by window_days, product_id, channel

)

select
    summed.product_id || '|' || summed.channel || '|' || summed.window_days as unit_economics_id,
    summed.product_id || '|' || summed.channel as product_channel_id,
    summed.product_id,
    summed.channel,
    summed.product_name,
    summed.category_id,
    summed.is_in_catalogue,
    -- ok; cost_missing (no unit cost in the catalogue: no margin shown); partly_missing (the cost starts
    -- inside the window: no margin shown either, rather than a margin over part of the sales).
    case when summed.has_cost then 'ok' when summed.has_some_cost then 'partly_missing' else 'cost_missing' end
        as cost_status,
    cast(bounds.window_start as date) as window_start,
    cast(bounds.window_end as date) as window_end,
    cast(summed.window_days as integer) as window_days,
    cast(summed.units_sold as bigint) as units_sold,
    cast(summed.units_returned as double) as units_returned,
    cast(summed.net_sales_usd as double) as net_sales_usd,
    cast(summed.contribution_usd as double) as contribution_usd,
    cast(summed.net_sales_usd / nullif(summed.units_sold, 0) as double) as price_per_unit_usd,
    cast(summed.platform_fees_usd / nullif(summed.units_sold, 0) as double) as fees_per_unit_usd,
    cast(summed.fulfilment_cost_usd / nullif(summed.units_sold, 0) as double) as fulfilment_per_unit_usd,
    cast(summed.cogs_usd / nullif(summed.units_sold, 0) as double) as cogs_per_unit_usd,
    cast(summed.affiliate_commission_usd / nullif(summed.units_sold, 0) as double) as commission_per_unit_usd,
    -- Refunds given back on returns, spread over every unit sold (the expected cost of returns per unit).
    cast(summed.return_refunds_usd / nullif(summed.units_sold, 0) as double) as return_cost_per_unit_usd,
    cast(summed.contribution_usd / nullif(summed.units_sold, 0) as double) as contribution_per_unit_usd,
    cast(case when summed.returns_in_export then summed.units_returned / nullif(summed.units_sold, 0) end as double)
        as return_rate,
    coalesce(summed.contribution_usd < 0, false) as is_losing_money,
    -- How much of the figures above is settled money (statements, transaction reports, payouts) rather than
    -- estimates from the orders and the rate cards, as a share of net revenue.
    cast(summed.net_revenue_settled_usd / nullif(summed.net_revenue_usd, 0) as double) as settled_share_of_net_revenue,
from summed
inner join bounds using (window_days)
