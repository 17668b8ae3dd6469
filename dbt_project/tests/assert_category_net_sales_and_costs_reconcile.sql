-- Catches net sales, commissions or costs that the category roll-up gains or loses: per channel
-- and month, net sales must equal the exports' list value minus seller discounts on lines not
-- cancelled, affiliate commissions must equal the affiliate export's commissions on the month's
-- orders, and fees, fulfilment, COGS and contribution must equal the same sums over fct_order_lines
-- (so no line is dropped or duplicated by the category and month grouping).
-- Several parents: dagster-dbt attaches it as an asset check to the model named here.
{{ config(meta={'dagster': {'ref': {'name': 'mart_category_performance'}}}) }}
with staging as (

    select channel, order_month, net_sales, affiliate_commission,
    from {{ ref('int_reconciliation__exports_monthly') }}

),

lines as (

    select
        channel,
        order_month,
        sum(platform_fees_usd) as platform_fees,
        sum(fulfilment_cost_usd) as fulfilment,
        sum(cogs_usd) as cogs,
        sum(contribution_before_ads_usd) as contribution_before_ads,
    from {{ ref('fct_order_lines') }}
    group by all

),

mart as (

    select
        channel,
        order_month,
        sum(net_sales_usd) as net_sales,
        sum(affiliate_commission_usd) as affiliate_commission,
        sum(platform_fees_usd) as platform_fees,
        sum(fulfilment_cost_usd) as fulfilment,
        sum(cogs_usd) as cogs,
        sum(contribution_before_ads_usd) as contribution_before_ads,
    from {{ ref('mart_category_performance') }}
    group by all

)

select
    mart.channel,
    mart.order_month,
    staging.net_sales as staging_net_sales,
    mart.net_sales as mart_net_sales,
    staging.affiliate_commission as staging_affiliate_commission,
    mart.affiliate_commission as mart_affiliate_commission,
from mart
full outer join staging
    on staging.channel = mart.channel and staging.order_month = mart.order_month
left join lines
    on lines.channel = mart.channel and lines.order_month = mart.order_month
where abs(coalesce(staging.net_sales, 0) - coalesce(mart.net_sales, 0)) > 0.01
    or abs(coalesce(staging.affiliate_commission, 0) - coalesce(mart.affiliate_commission, 0)) > 0.01
    or abs(coalesce(lines.platform_fees, 0) - coalesce(mart.platform_fees, 0)) > 0.01
    or abs(coalesce(lines.fulfilment, 0) - coalesce(mart.fulfilment, 0)) > 0.01
    or abs(coalesce(lines.cogs, 0) - coalesce(mart.cogs, 0)) > 0.01
    or abs(coalesce(lines.contribution_before_ads, 0) - coalesce(mart.contribution_before_ads, 0)) > 0.01
