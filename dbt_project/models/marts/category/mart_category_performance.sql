-- Channel × category × month; every rate is recomputed here from the month's sums, never averaged from finer rows.
-- The additive measures and the contribution margin are the sums of mart_category_daily's days (one
-- definition of each figure, by day; assert_category_months_match_the_order_lines checks them against the
-- lines). What does not add over days (products without a cost) is counted from the lines.
with days as (

    select * from {{ ref('mart_category_daily') }}

),

products as (

    select
        channel,
        category_id,
        order_month,
        count(distinct product_id) filter (where not has_cost and not is_cancelled) as products_without_cost,
    from {{ ref('fct_order_lines') }}
    group by all

),

combined as (

    select
        days.channel,
        days.category_id,
        days.order_month,
        -- An order has one date, so its day's count adds up to the month; an order holding two categories
        -- counts once in each: orders do not add across categories.
        sum(days.orders) as orders,
        sum(days.cancelled_orders) as cancelled_orders,
        sum(days.units_sold) as units_sold,
        sum(days.units_returned) as units_returned,
        bool_and(days.returns_in_export) as returns_in_export,
        {{ sum_order_line_amounts(leave_out=['buyer_paid_usd'], relation='days') }}
        sum(days.ad_spend_usd) as ad_spend_usd,
        -- Over lines sold; NULL when no sold line of the month has a cost (the days are NULL then too).
        sum(days.contribution_before_ads_usd) as contribution_before_ads_usd,
        sum(days.net_revenue_with_cost_usd) as net_revenue_with_cost_usd,
        -- Settled money (statements, transaction reports, payouts) inside the figures above.
        sum(days.net_revenue_settled_usd) as net_revenue_settled_usd,
        sum(days.platform_fees_settled_usd) as platform_fees_settled_usd,
        coalesce(any_value(products.products_without_cost), 0) as products_without_cost,
        -- Margin over the lines whose unit cost is known, less the share of the month's ads those lines account
        -- for by net revenue (mart_category_daily prorates each day's ads by that month's share, so the days
        -- add up to it); NULL when no line has a cost; ads with no sales at all are a pure loss.
        sum(days.contribution_margin_usd) as contribution_margin_usd,
    from days
    left join products
        on products.channel = days.channel and products.category_id = days.category_id
        and products.order_month = days.order_month
    group by days.channel, days.category_id, days.order_month

),

with_context as (

    select
        cur.*,
        prev_month.net_revenue_usd as net_revenue_prev_month_usd,
        prev_month.gmv_usd as gmv_prev_month_usd,
        prev_year.net_revenue_usd as net_revenue_prev_year_usd,
        sum(cur.net_revenue_usd) over (partition by cur.order_month) as seller_net_revenue_month_usd,
    from combined as cur
    left join combined as prev_month
        on prev_month.channel = cur.channel and prev_month.category_id = cur.category_id
        and prev_month.order_month = cur.order_month - interval 1 month
    left join combined as prev_year
        on prev_year.channel = cur.channel and prev_year.category_id = cur.category_id
        and prev_year.order_month = cur.order_month - interval 12 month

),

categories as (

    select * from {{ ref('dim_categories') }}

)

select
    with_context.channel || '|' || with_context.category_id || '|' || strftime(with_context.order_month, '%Y-%m')
        as category_month_id,
    with_context.channel,
    with_context.category_id,
    categories.category_name,
    with_context.order_month,
    cast(with_context.orders as bigint) as orders,
    cast(with_context.cancelled_orders as bigint) as cancelled_orders,
    cast(with_context.units_sold as bigint) as units_sold,
    cast(with_context.units_returned as double) as units_returned,
    {{ cast_order_line_amounts('with_context', leave_out=['buyer_paid_usd']) }}
    cast(with_context.ad_spend_usd as double) as ad_spend_usd,
    cast(with_context.contribution_before_ads_usd as double) as contribution_before_ads_usd,
    cast(with_context.contribution_margin_usd as double) as contribution_margin_usd,
    -- Over the revenue whose costs are known, like the margin itself.
    cast(with_context.contribution_margin_usd / nullif(with_context.net_revenue_with_cost_usd, 0) as double)
        as contribution_margin_pct,
    cast(with_context.net_revenue_with_cost_usd as double) as net_revenue_with_cost_usd,
    -- Share of net revenue sold without a known unit cost: the margin above leaves it out.
    cast(1 - with_context.net_revenue_with_cost_usd / nullif(with_context.net_revenue_usd, 0) as double)
        as share_of_revenue_without_cost,
    cast(with_context.products_without_cost as bigint) as products_without_cost,
    -- Actual vs estimated: net revenue and platform fees of lines a statement / transaction report / payout
    -- has settled (actual money); the rest of each figure is estimated from the orders and the rate cards.
    cast(with_context.net_revenue_settled_usd as double) as net_revenue_settled_usd,
    cast(with_context.platform_fees_settled_usd as double) as platform_fees_settled_usd,
    cast(with_context.net_revenue_settled_usd / nullif(with_context.net_revenue_usd, 0) as double)
        as settled_share_of_net_revenue,
    -- Amazon returns are not in its order report: an unknown rate is null, not zero.
    cast(case when with_context.returns_in_export
              then with_context.units_returned / nullif(with_context.units_sold, 0) end as double) as return_rate,
    cast(case when with_context.returns_in_export
              then with_context.return_refunds_usd / nullif(with_context.net_sales_usd, 0) end as double) as refund_rate,
    cast(with_context.cancelled_orders / nullif(with_context.orders, 0) as double) as cancellation_rate,
    cast(with_context.net_sales_usd / nullif(with_context.orders - with_context.cancelled_orders, 0) as double)
        as avg_order_value_usd,
    cast(with_context.net_revenue_usd / nullif(with_context.net_revenue_prev_month_usd, 0) - 1 as double)
        as net_revenue_mom_growth,
    cast(with_context.gmv_usd / nullif(with_context.gmv_prev_month_usd, 0) - 1 as double) as gmv_mom_growth,
    cast(with_context.net_revenue_usd / nullif(with_context.net_revenue_prev_year_usd, 0) - 1 as double)
        as net_revenue_yoy_growth,
    cast(with_context.net_revenue_usd / nullif(with_context.seller_net_revenue_month_usd, 0) as double)
        as share_of_seller_net_revenue,
    categories.market_signal,
    categories.market_signal_detail,
    categories.signal_claim_ids,
    categories.signal_source_ids,
from with_context
left join categories on categories.category_id = with_context.category_id
