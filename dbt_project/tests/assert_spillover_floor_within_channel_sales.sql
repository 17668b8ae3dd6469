-- Fails when the attribution floor's traced Shopify sales exceed the group's Shopify sales in
-- mart_channel_daily: both leave out cancelled orders and the TikTok Shop orders the TikTok app copies
-- into Shopify, so traced sales can only be a part of them (tests/analysis checks the synced orders
-- themselves against the demo's ground truth).
-- Several parents: dagster-dbt attaches it as an asset check to the model named here.
{{ config(meta={'dagster': {'ref': {'name': 'mart_spillover_attribution_floor'}}}) }}
with group_sales as (
    select product_group, sum(shopify_sales_usd) as shopify_sales_usd,
    from {{ ref('mart_channel_daily') }}
    where grain in ('category', 'all')
    group by all
)

select floor.product_group, 'traced sales exceed Shopify sales' as problem
from {{ ref('mart_spillover_attribution_floor') }} as floor
inner join group_sales using (product_group)
where floor.target_channel = 'shopify' and floor.attributed_sales_usd > group_sales.shopify_sales_usd + 0.005
