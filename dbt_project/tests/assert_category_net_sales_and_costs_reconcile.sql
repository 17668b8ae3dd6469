-- Catches net sales, commissions or costs that the category roll-up gains or loses: per channel
-- and month, net sales must equal the exports' list value minus seller discounts on lines not
-- cancelled, affiliate commissions must equal the affiliate export's commissions on the month's
-- orders, and fees, fulfilment, COGS and contribution must equal the same sums over fct_order_lines
-- (so no line is dropped or duplicated by the category and month grouping).
-- Several parents: dagster-dbt attaches it as an asset check to the model named here.
{{ config(meta={'dagster': {'ref': {'name': 'mart_category_performance'}}}) }}
with staging_sales as (

    select
        'tiktok_shop' as channel,
        cast(date_trunc('month', created_time) as date) as order_month,
        sum(case when order_status <> 'Cancelled'
                 then coalesce(sku_subtotal_before_discount, 0) - coalesce(sku_seller_discount, 0) else 0 end)
            as net_sales,
    from {{ ref('stg_tiktok__orders') }}
    group by all
    union all
    select
        'amazon',
        cast(date_trunc('month', {{ to_seller_time("purchase_date") }}) as date),
        sum(case when order_status <> 'Cancelled'
                 then coalesce(item_price, 0) - coalesce(item_promotion_discount, 0) else 0 end),
    from {{ ref('stg_amazon__orders') }}
    group by all
    union all
    select
        'shopify',
        cast(date_trunc('month', {{ to_seller_time("created_at") }}) as date),
        sum(case when financial_status = 'voided' or cancelled_at is not null then 0
                 else coalesce(lineitem_price, 0) * lineitem_quantity
                      - case when is_first_line_of_order then coalesce(discount_amount, 0) else 0 end end),
    from {{ ref('stg_shopify__order_lines') }}
    where not is_tiktok_shop_sync
    group by all

),

staging_commission as (

    select
        'tiktok_shop' as channel,
        cast(date_trunc('month', orders.created_time) as date) as order_month,
        sum(case when aff.order_status in ('Ineligible', 'Canceled', 'Cancelled') then 0
                 else coalesce(aff.actual_commission_payment, aff.est_standard_commission_payment, 0)
                      + coalesce(aff.actual_shop_ads_commission_payment, aff.est_shop_ads_commission_payment, 0)
            end) as affiliate_commission,
    from {{ ref('stg_tiktok__affiliate_orders') }} as aff
    inner join {{ ref('stg_tiktok__orders') }} as orders
        on orders.order_id = aff.order_id and orders.sku_id = aff.sku_id
    group by all

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
    staging_sales.net_sales as staging_net_sales,
    mart.net_sales as mart_net_sales,
    staging_commission.affiliate_commission as staging_affiliate_commission,
    mart.affiliate_commission as mart_affiliate_commission,
from mart
full outer join staging_sales
    on staging_sales.channel = mart.channel and staging_sales.order_month = mart.order_month
left join staging_commission
    on staging_commission.channel = mart.channel and staging_commission.order_month = mart.order_month
left join lines
    on lines.channel = mart.channel and lines.order_month = mart.order_month
where abs(coalesce(staging_sales.net_sales, 0) - coalesce(mart.net_sales, 0)) > 0.01
    or abs(coalesce(staging_commission.affiliate_commission, 0) - coalesce(mart.affiliate_commission, 0)) > 0.01
    or abs(coalesce(lines.platform_fees, 0) - coalesce(mart.platform_fees, 0)) > 0.01
    or abs(coalesce(lines.fulfilment, 0) - coalesce(mart.fulfilment, 0)) > 0.01
    or abs(coalesce(lines.cogs, 0) - coalesce(mart.cogs, 0)) > 0.01
    or abs(coalesce(lines.contribution_before_ads, 0) - coalesce(mart.contribution_before_ads, 0)) > 0.01
