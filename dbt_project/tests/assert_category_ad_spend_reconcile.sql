-- Catches ad spend dropped or double-counted when campaigns are assigned to categories: per month,
-- the mart's TikTok ad spend (all categories, `unmapped` included) must equal the GMV Max report's
-- total cost, within a cent.
with staging as (

    select cast(date_trunc('month', report_date) as date) as order_month, sum(coalesce(cost, 0)) as ad_spend,
    from {{ ref('stg_tiktok__ads_daily') }}
    group by all

),

mart as (

    select order_month, sum(ad_spend_usd) as ad_spend,
    from {{ ref('mart_category_performance') }}
    where channel = 'tiktok_shop'
    group by all

)

select
    coalesce(staging.order_month, mart.order_month) as order_month,
    staging.ad_spend as staging_ad_spend,
    mart.ad_spend as mart_ad_spend,
from staging
full outer join mart on mart.order_month = staging.order_month
where abs(coalesce(staging.ad_spend, 0) - coalesce(mart.ad_spend, 0)) > 0.01
