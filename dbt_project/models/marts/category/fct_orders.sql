-- One row per order: the sum of its lines (amounts were split over lines once, so they add back
-- up to the order's own totals).
select
    order_id,
    min(channel) as channel,
    min(source_order_id) as source_order_id,
    min(ordered_at_local) as ordered_at_local,
    min(order_date) as order_date,
    min(order_month) as order_month,
    min(order_status) as order_status,
    bool_or(is_cancelled) as is_cancelled,
    -- min(), not any_value(): a deterministic pick when lines of one order differ (two builds, same rows).
    min(fulfilment_type) as fulfilment_type,
    cast(count(*) as bigint) as lines,
    cast(count(distinct product_id) as bigint) as products,
    bool_or(not is_in_catalogue) as has_product_not_in_catalogue,
    cast(sum(units_ordered) as bigint) as units_ordered,
    cast(sum(units_sold) as bigint) as units_sold,
    sum(units_returned) as units_returned,
    {{ sum_order_line_amounts() }}
    -- A line without a known unit cost leaves the order without a margin (never a margin at zero cost).
    case when bool_and(has_cost) then sum(contribution_before_ads_usd) end as contribution_before_ads_usd,
    bool_or(is_affiliate_order) as is_affiliate_order,
    -- One attribution per order: the strongest signal any of its lines carries.
    case
        when bool_or(creator_attribution = 'tiktok_affiliate') then 'tiktok_affiliate'
        when bool_or(creator_attribution = 'tiktok_creator') then 'tiktok_creator'
        when bool_or(creator_attribution = 'tiktok_creator_code') then 'tiktok_creator_code'
        when bool_or(creator_attribution = 'tiktok_utm') then 'tiktok_utm'
        else 'none'
    end as creator_attribution,
    min(affiliate_creator) as affiliate_creator,
from {{ ref('fct_order_lines') }}
group by order_id
