-- TikTok ads spend per category and day. GMV Max runs one campaign per category, named after the
-- TikTok Shop category; product-level rows (when the seller exports them) go to the product's
-- category. Spend that matches no category goes to `unmapped` so channel totals still add up.
with ads as (

    select * from {{ ref('stg_tiktok__ads_daily') }}

),

taxonomy as (

    select * from {{ ref('stg_reference__category_taxonomy') }}

),

product_map as (

    select codes.code as tiktok_product_id, products.category_id,
    from {{ ref('int_products__codes') }} as codes
    inner join {{ ref('int_products') }} as products on products.product_id = codes.product_id
    where codes.code_kind = 'tiktok_product_id'

),

by_campaign_name as (

    select
        ads.ads_day_key,
        min(taxonomy.category_id) as category_id,
    from ads
    inner join taxonomy
        on list_has_any(
            list_transform(taxonomy.tiktok_shop_categories, lambda n: lower(n)),
            [lower(trim(regexp_extract(ads.campaign_name, '[|:\-]\s*([^|:]+)$', 1)))]
        )
        or lower(trim(regexp_extract(ads.campaign_name, '[|:\-]\s*([^|:]+)$', 1))) = lower(taxonomy.category_name)
    group by ads.ads_day_key

)

select
    'tiktok_shop' as channel,
    cast(ads.report_date as date) as order_date,
    coalesce(product_map.category_id, by_campaign_name.category_id, 'unmapped') as category_id,
    sum(cast(coalesce(ads.cost, 0) as double)) as ad_spend_usd,
from ads
left join product_map on ads.is_product_level and product_map.tiktok_product_id = ads.product_id
left join by_campaign_name on by_campaign_name.ads_day_key = ads.ads_day_key
group by all
