-- Fails when a category or 'all' row of mart_channel_daily does not equal the sum of its TikTok-promoted
-- products' rows that day (a lost or double-counted product), for TikTok GMV and Amazon / Shopify sales.
with products as (
    select date_day, category_id, tiktok_gmv_usd, amazon_sales_usd, shopify_sales_usd,
    from {{ ref('mart_channel_daily') }}
    where grain = 'product' and is_promoted_on_tiktok
),

expected as (
    select date_day, category_id as product_group,
        sum(tiktok_gmv_usd) as tiktok, sum(amazon_sales_usd) as amazon, sum(shopify_sales_usd) as shopify,
    from products
    group by all
    union all
    select date_day, 'all' as product_group,
        sum(tiktok_gmv_usd), sum(amazon_sales_usd), sum(shopify_sales_usd),
    from products
    group by all
)

select groups.date_day, groups.product_group, groups.tiktok_gmv_usd, expected.tiktok
from {{ ref('mart_channel_daily') }} as groups
inner join expected using (date_day, product_group)
where groups.grain in ('category', 'all')
    and (abs(groups.tiktok_gmv_usd - expected.tiktok) > 0.005
        or abs(groups.amazon_sales_usd - expected.amazon) > 0.005
        or abs(groups.shopify_sales_usd - expected.shopify) > 0.005)
