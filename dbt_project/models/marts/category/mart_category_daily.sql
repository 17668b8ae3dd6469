-- Channel × category × day: the additive measures of mart_category_performance by order date, so the
-- Categories page can sum any day range (last 7 / 30 / 90 days, this month, a custom range) and the period
-- before it; mart_category_performance sums its months from these days. Sums of fct_order_lines and of the
-- day's ad spend; rates are recomputed by whoever sums the days. The contribution margin prorates each day's
-- ads by its month's share of revenue with known costs, so a month's days add up to the month's margin
-- (assert_category_margin_shares_each_months_ads).
with lines as (

    select * from {{ ref('fct_order_lines') }}

),

sales as (

    select
        channel,
        category_id,
        order_date,
        -- An order holding two categories counts once in each; an order has one date, so days add up to months.
        count(distinct order_id) as orders,
        count(distinct order_id) filter (where is_cancelled) as cancelled_orders,
        sum(units_sold) as units_sold,
        sum(units_returned) as units_returned,
        bool_and(returns_in_export) as returns_in_export,
        {{ sum_order_line_amounts(leave_out=['buyer_paid_usd']) }}
        sum(contribution_before_ads_usd) filter (where not is_cancelled) as contribution_before_ads_usd,
        sum(net_revenue_usd) filter (where has_cost and not is_cancelled) as net_revenue_with_cost_usd,
        -- Settled money (statements, transaction reports, payouts) inside the figures above.
        sum(net_revenue_usd) filter (where is_settled) as net_revenue_settled_usd,
        sum(platform_fees_usd) filter (where is_settled) as platform_fees_settled_usd,
    from lines
    group by all

),

ads as (

    select * from {{ ref('int_ad_spend_by_category_day') }}

),

combined as (

    select
        coalesce(sales.channel, ads.channel) as channel,
        coalesce(sales.category_id, ads.category_id) as category_id,
        coalesce(sales.order_date, ads.order_date) as order_date,
        coalesce(sales.orders, 0) as orders,
        coalesce(sales.cancelled_orders, 0) as cancelled_orders,
        coalesce(sales.units_sold, 0) as units_sold,
        coalesce(sales.units_returned, 0) as units_returned,
        coalesce(sales.returns_in_export, true) as returns_in_export,
        coalesce(sales.gmv_usd, 0) as gmv_usd,
        coalesce(sales.list_subtotal_usd, 0) as list_subtotal_usd,
        coalesce(sales.seller_discount_usd, 0) as seller_discount_usd,
        coalesce(sales.platform_discount_usd, 0) as platform_discount_usd,
        coalesce(sales.net_sales_usd, 0) as net_sales_usd,
        coalesce(sales.shipping_charged_usd, 0) as shipping_charged_usd,
        coalesce(sales.taxes_usd, 0) as taxes_usd,
        coalesce(sales.refunds_usd, 0) as refunds_usd,
        coalesce(sales.return_refunds_usd, 0) as return_refunds_usd,
        coalesce(sales.net_revenue_usd, 0) as net_revenue_usd,
        coalesce(sales.platform_fees_usd, 0) as platform_fees_usd,
        coalesce(sales.affiliate_commission_usd, 0) as affiliate_commission_usd,
        coalesce(sales.fulfilment_cost_usd, 0) as fulfilment_cost_usd,
        coalesce(sales.cogs_usd, 0) as cogs_usd,
        coalesce(ads.ad_spend_usd, 0) as ad_spend_usd,
        sales.contribution_before_ads_usd,
        coalesce(sales.net_revenue_with_cost_usd, 0) as net_revenue_with_cost_usd,
        coalesce(sales.net_revenue_settled_usd, 0) as net_revenue_settled_usd,
        coalesce(sales.platform_fees_settled_usd, 0) as platform_fees_settled_usd,
        sales.channel is not null as has_sales,
    from sales
    full outer join ads
        on ads.channel = sales.channel and ads.category_id = sales.category_id and ads.order_date = sales.order_date

),

months as (

    -- The month's figures that decide how its ads are shared (as in mart_category_performance).
    select
        channel,
        category_id,
        date_trunc('month', order_date) as order_month,
        bool_or(has_sales) as month_has_sales,
        sum(contribution_before_ads_usd) as month_contribution_before_ads_usd,
        sum(net_revenue_with_cost_usd) as month_net_revenue_with_cost_usd,
        sum(net_revenue_usd) filter (where has_sales) as month_net_revenue_usd,
    from combined
    group by all

)

select
    combined.channel || '|' || combined.category_id || '|' || strftime(combined.order_date, '%Y-%m-%d')
        as category_day_id,
    combined.channel,
    combined.category_id,
    cast(combined.order_date as date) as order_date,
    cast(date_trunc('month', combined.order_date) as date) as order_month,
    cast(combined.orders as bigint) as orders,
    cast(combined.cancelled_orders as bigint) as cancelled_orders,
    cast(combined.units_sold as bigint) as units_sold,
    cast(combined.units_returned as double) as units_returned,
    combined.returns_in_export,
    {{ cast_order_line_amounts('combined', leave_out=['buyer_paid_usd']) }}
    cast(combined.ad_spend_usd as double) as ad_spend_usd,
    cast(combined.contribution_before_ads_usd as double) as contribution_before_ads_usd,
    -- NULL when no line of the month has a cost; a month with ads and no sales is a pure loss.
    cast(case
        when not months.month_has_sales then -combined.ad_spend_usd
        when months.month_contribution_before_ads_usd is null then null
        else coalesce(combined.contribution_before_ads_usd, 0) - combined.ad_spend_usd * coalesce(
            months.month_net_revenue_with_cost_usd / nullif(months.month_net_revenue_usd, 0), 1.0)
    end as double) as contribution_margin_usd,
    cast(combined.net_revenue_with_cost_usd as double) as net_revenue_with_cost_usd,
    cast(combined.net_revenue_settled_usd as double) as net_revenue_settled_usd,
    cast(combined.platform_fees_settled_usd as double) as platform_fees_settled_usd,
from combined
inner join months
    on months.channel = combined.channel and months.category_id = combined.category_id
    and months.order_month = date_trunc('month', combined.order_date)
