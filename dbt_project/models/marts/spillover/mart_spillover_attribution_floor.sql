-- The sales other channels can PROVE came from TikTok, per product group: a lower bound next to the
-- modelled spillover. Shopify: orders carrying a TikTok signal written at checkout (a TIKTOK creator
-- discount code, a utm/referral note attribute naming TikTok, a TikTok tag), minus the TikTok Shop orders
-- the TikTok channel app copies into Shopify (those are TikTok Shop sales, counted once, on TikTok).
-- Amazon: Amazon Attribution reports are not among the exports this warehouse loads, so the Amazon row
-- says there is no attribution data instead of showing a zero.
-- Same product groups and window as mart_channel_daily (categories and 'all', products promoted on TikTok).
-- The 'all' rows exist even before any TikTok sale: status and reason (English, Chinese) then say why there
-- is no floor (status ok, insufficient_data or not_applicable, as in mart_spillover_estimates).
with shopify_flagged as (
    select *, is_traced_to_tiktok as is_attributed,
    from {{ ref('int_spillover__shopify_tiktok_lines') }}
    where is_promoted_on_tiktok
),

window_bounds as (
    select min(window_start) as window_start, max(window_end) as window_end,
    from {{ ref('int_spillover__product_promotion') }}
),

shopify_groups as (
    select category_id as product_group, * exclude (category_id), from shopify_flagged
    union all
    select 'all' as product_group, * exclude (category_id), from shopify_flagged
),

shopify_floor as (
    select
        product_group,
        'shopify' as target_channel,
        true as has_attribution_data,
        count(distinct order_name) filter (where is_attributed) as attributed_orders,
        coalesce(sum(sales_usd) filter (where is_attributed), 0) as attributed_sales_usd,
        count(distinct order_name) filter (where is_attributed and has_creator_code) as orders_with_creator_code,
        count(distinct order_name) filter (where is_attributed and has_tiktok_note) as orders_with_tiktok_note,
        count(distinct order_name) filter (where is_attributed and has_tiktok_tag) as orders_with_tiktok_tag,
        count(distinct order_name) filter (where is_tiktok_shop_sync) as synced_tiktok_orders_excluded,
    from shopify_groups
    group by all
),

tiktok_gmv as (
    select product_group, sum(tiktok_gmv_usd) as tiktok_gmv_usd,
    from {{ ref('mart_channel_daily') }}
    where grain in ('category', 'all')
    group by all
),

channel_totals as (
    select coalesce(sum(shopify_sales_usd), 0) as shopify_sales_usd,
    from {{ ref('mart_channel_daily') }}
    where grain = 'product'
),

groups as (
    select product_group, target_channel,
    from (select product_group from tiktok_gmv union select 'all' as product_group)
    cross join (select unnest(['amazon', 'shopify']) as target_channel)
),

statuses as (
    select
        groups.product_group,
        groups.target_channel,
        case
            when groups.target_channel = 'amazon' then 'not_applicable'
            when channel_totals.shopify_sales_usd = 0 then 'not_applicable'
            when coalesce(tiktok_gmv.tiktok_gmv_usd, 0) = 0 then 'insufficient_data'
            else 'ok'
        end as status,
    from groups
    cross join channel_totals
    left join tiktok_gmv using (product_group)
)

select
    groups.product_group,
    groups.target_channel,
    window_bounds.window_start,
    window_bounds.window_end,
    coalesce(shopify_floor.has_attribution_data, groups.target_channel = 'shopify') as has_attribution_data,
    cast(case when groups.target_channel = 'shopify' then coalesce(shopify_floor.attributed_orders, 0) end
        as bigint) as attributed_orders,
    cast(case when groups.target_channel = 'shopify' then coalesce(shopify_floor.attributed_sales_usd, 0) end
        as double) as attributed_sales_usd,
    cast(shopify_floor.orders_with_creator_code as bigint) as orders_with_creator_code,
    cast(shopify_floor.orders_with_tiktok_note as bigint) as orders_with_tiktok_note,
    cast(shopify_floor.orders_with_tiktok_tag as bigint) as orders_with_tiktok_tag,
    cast(shopify_floor.synced_tiktok_orders_excluded as bigint) as synced_tiktok_orders_excluded,
    cast(tiktok_gmv.tiktok_gmv_usd as double) as tiktok_gmv_usd,
    cast(case
        when groups.target_channel = 'shopify' and tiktok_gmv.tiktok_gmv_usd > 0
            then coalesce(shopify_floor.attributed_sales_usd, 0) / tiktok_gmv.tiktok_gmv_usd
    end as double) as floor_usd_per_usd_tiktok_gmv,
    statuses.status,
    case
        when statuses.status = 'ok' then null
        when groups.target_channel = 'amazon'
            then 'No Amazon Attribution data was supplied, so no Amazon sale can be traced to TikTok here.'
        when channel_totals.shopify_sales_usd = 0
            then 'No Shopify sales in the loaded exports, so there is no Shopify order to trace to TikTok.'
        else 'No TikTok Shop sales of these products yet, so traced Shopify sales cannot be put per $1 of '
            || 'TikTok Shop GMV.'
    end as reason,
    case
        when statuses.status = 'ok' then null
        when groups.target_channel = 'amazon' then '未提供亚马逊归因（Amazon Attribution）数据，因此无法把任何亚马逊销售追溯到 TikTok。'
        when channel_totals.shopify_sales_usd = 0 then '已载入的导出中没有 Shopify 销售，因此没有可追溯到 TikTok 的 Shopify 订单。'
        else '这些商品还没有 TikTok Shop 销售，因此无法把可追溯的 Shopify 销售折算为每 1 美元 TikTok Shop GMV。'
    end as reason_zh,
    case
        when groups.target_channel = 'amazon'
            then 'No Amazon Attribution data was supplied, so no Amazon sale can be traced to TikTok here; '
                || 'the modelled estimate is the only Amazon figure.'
        else 'Shopify orders that carry a TikTok creator code, a TikTok utm/referral note or a TikTok tag, '
            || 'without the TikTok Shop orders the TikTok app copies into Shopify. A lower bound: buyers who '
            || 'came from TikTok without a code or tracked link are not in it.'
    end as explanation,
from groups
cross join window_bounds
cross join channel_totals
inner join statuses using (product_group, target_channel)
left join tiktok_gmv using (product_group)
left join shopify_floor using (product_group, target_channel)
