-- The canonical categories with the names each platform and the articles use, and the market
-- signals the cited articles give them. `unmapped` collects sales of products the map lacks.
with taxonomy as (

    select * from {{ ref('stg_reference__category_taxonomy') }}

),

signals as (

    select * from {{ ref('stg_reference__category_signals') }}

),

signal_summary as (

    select
        signals.category_id,
        count(*) as n_signals,
        string_agg(distinct signals.geography, ',' order by signals.geography)
            filter (where signals.signal = 'hot') as hot_in,
        string_agg(distinct signals.geography, ',' order by signals.geography)
            filter (where signals.signal = 'opportunity') as opportunity_in,
        string_agg(distinct signals.geography, ',' order by signals.geography)
            filter (where signals.signal = 'risk') as risk_in,
        -- One readable line per signal: what, where, who says so, in which article and line.
        string_agg(
            signals.signal || ' (' || signals.geography || ', ' || coalesce(signals.period, '?') || '): '
            || signals.attributed_to || ' — ' || signals.source_id || ' ' || signals.locator,
            '; ' order by signals.signal_id
        ) as market_signal_detail,
        string_agg(distinct signals.source_id, ',' order by signals.source_id) as signal_source_ids,
        string_agg(distinct signals.signal_id, ',' order by signals.signal_id) as signal_ids,
        nullif(array_to_string(list_sort(list_distinct(flatten(list(signals.claim_ids)))), ','), '') as signal_claim_ids,
    from signals
    group by signals.category_id

),

categories as (

    select
        category_id,
        category_name,
        category_name_zh,
        array_to_string(tiktok_shop_categories, ' | ') as tiktok_shop_categories,
        array_to_string(amazon_product_types, ' | ') as amazon_product_types,
        array_to_string(shopify_product_types, ' | ') as shopify_product_types,
        array_to_string(article_terms, ' | ') as article_terms,
        category_definition,
        taxonomy_source,
        true as is_in_taxonomy,
    from taxonomy
    union all
    select
        'unmapped', 'Not categorised', '未归类商品', null, null, null, null,
        'Sales of products no rule places: no category in the catalogue, no TikTok Shop category the taxonomy knows, no known Amazon or Shopify product type; and ad spend whose campaign names no category.',
        'warehouse', false

)

select
    categories.*,
    coalesce(signal_summary.n_signals, 0) as n_signals,
    signal_summary.hot_in,
    signal_summary.opportunity_in,
    signal_summary.risk_in,
    -- Short label for tables: the strongest claim the articles make about the category in the US.
    case
        when signal_summary.hot_in like '%US%' then 'hot (US)'
        when signal_summary.opportunity_in like '%US%' then 'opportunity (US)'
        when signal_summary.hot_in is not null then 'hot (' || signal_summary.hot_in || ')'
        when signal_summary.opportunity_in is not null then 'opportunity (' || signal_summary.opportunity_in || ')'
        when signal_summary.risk_in is not null then 'risk (' || signal_summary.risk_in || ')'
        else 'no signal'
    end as market_signal,
    signal_summary.market_signal_detail,
    signal_summary.signal_ids,
    signal_summary.signal_source_ids,
    signal_summary.signal_claim_ids,
from categories
left join signal_summary on signal_summary.category_id = categories.category_id
