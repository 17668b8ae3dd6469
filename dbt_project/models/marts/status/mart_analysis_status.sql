-- Whether each seller analysis has the data it needs, and if not, why — in plain words in English and
-- Chinese, the one place those sentences live (pages show `reason_en` / `reason_zh` where the figure would be).
-- One row per analysis × channel ('all' = every channel together). Status: ok, insufficient_data (some data,
-- not enough), not_applicable (nothing to analyse: no orders on that channel).
{% set min_growth_months = 2 %}
{% set min_yoy_months = 13 %}
{#- The seller's setting (settings.toml stale_after_days), the same number the Overview page uses. -#}
{% set stale_after_days = var('stale_after_days') | int %}

with lines as (

    select channel, order_date, order_month from {{ ref('fct_order_lines') }}

),

channels as (

    select * from (values ('tiktok_shop', 'TikTok Shop', 'TikTok Shop'), ('amazon', 'Amazon', '亚马逊'),
                          ('shopify', 'Shopify', 'Shopify'), ('all', 'all channels', '全部渠道'))
        as c(channel, channel_en, channel_zh)

),

coverage as (

    select
        channels.channel,
        channels.channel_en,
        channels.channel_zh,
        count(distinct lines.order_date) as days_with_orders,
        count(distinct lines.order_month) as months_with_orders,
        min(lines.order_date) as first_day,
        max(lines.order_date) as last_day,
    from channels
    left join lines on channels.channel = 'all' or lines.channel = channels.channel
    group by all

),

analyses as (

    select 'category_performance' as analysis, 1 as needed, 'months' as unit from (select 1)
    union all select 'category_growth_mom', {{ min_growth_months }}, 'months' from (select 1)
    union all select 'category_growth_yoy', {{ min_yoy_months }}, 'months' from (select 1)
    union all select 'unit_economics', 1, 'days' from (select 1)
    union all select 'freshness', 1, 'days' from (select 1)

),

judged as (

    select
        analyses.analysis,
        coverage.*,
        analyses.needed,
        analyses.unit,
        case when analyses.unit = 'months' then coverage.months_with_orders else coverage.days_with_orders end
            as have,
        current_date - coverage.last_day as days_since_last_order,
        case when coverage.channel = 'all' then 'orders' else coverage.channel_en || ' orders' end as orders_en,
        case when coverage.channel = 'all' then '订单' else coverage.channel_zh || '订单' end as orders_zh,
    from analyses
    cross join coverage

)

select
    analysis || '|' || channel as analysis_channel_id,
    analysis,
    channel,
    case
        when days_with_orders = 0 then 'not_applicable'
        when analysis = 'freshness' and days_since_last_order > {{ stale_after_days }} then 'stale'
        when have < needed then 'insufficient_data'
        else 'ok'
    end as status,
    cast(days_with_orders as integer) as days_with_orders,
    cast(months_with_orders as integer) as months_with_orders,
    first_day,
    last_day,
    cast(needed as integer) as needed,
    unit as needed_unit,
    case
        when days_with_orders = 0 then
            'No ' || orders_en || ' loaded yet: download the order export and drop it into the inbox.'
        when analysis = 'freshness' and days_since_last_order > {{ stale_after_days }} then
            'The newest of the ' || orders_en || ' is from ' || strftime(last_day, '%Y-%m-%d') || ', '
            || days_since_last_order || ' days ago: export the days since then.'
        when have < needed then
            have || ' ' || case when unit = 'months' then 'month' else 'day' end || case when have = 1 then '' else 's' end
            || ' of ' || orders_en || '; '
            || case analysis
                   when 'category_growth_mom' then 'month-on-month growth needs at least 2 months.'
                   when 'category_growth_yoy' then 'year-on-year growth needs at least 13 months.'
                   else 'this needs more.'
               end
    end as reason_en,
    case
        when days_with_orders = 0 then '还没有加载' || orders_zh || '：请下载订单导出并放入收件箱。'
        when analysis = 'freshness' and days_since_last_order > {{ stale_after_days }} then
            orders_zh || '的最新日期为 ' || strftime(last_day, '%Y-%m-%d') || '，已过去 ' || days_since_last_order
            || ' 天：请导出此后的订单。'
        when have < needed then
            orders_zh || '只有 ' || have || case when unit = 'months' then ' 个月' else ' 天' end || '；'
            || case analysis
                   when 'category_growth_mom' then '环比增长至少需要 2 个月。'
                   when 'category_growth_yoy' then '同比增长至少需要 13 个月。'
                   else '数据还不够。'
               end
    end as reason_zh,
from judged
