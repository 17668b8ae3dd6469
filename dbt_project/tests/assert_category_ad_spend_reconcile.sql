-- Catches ad spend dropped or double-counted when campaigns are assigned to categories: per month,
-- the mart's TikTok ad spend (all categories, `unmapped` included) must equal the GMV Max report's
-- total cost, within a cent.
-- Several parents: dagster-dbt attaches it as an asset check to the model named here.
{{ config(meta={'dagster': {'ref': {'name': 'mart_category_performance'}}}) }}
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

{{ reconcile('staging', 'mart', ['ad_spend'], keys=['order_month']) }}
