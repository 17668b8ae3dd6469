-- The event-study chart: for each product group x target channel, the average over its spikes (see
-- mart_spillover_event_study) of each day's TikTok GMV and target-channel sales minus the spike's
-- baseline (mean of the 14 days before it), from 14 days before to 14 days after the spike.
with offsets as (
    select cast(unnest(range(-14, 15)) as integer) as days_from_spike
),

daily as (
    select grain, product_group, 'amazon' as target_channel, date_day, tiktok_gmv_usd, amazon_sales_usd as target_sales_usd,
    from {{ ref('mart_channel_daily') }}
    union all
    select grain, product_group, 'shopify' as target_channel, date_day, tiktok_gmv_usd, shopify_sales_usd as target_sales_usd,
    from {{ ref('mart_channel_daily') }}
)

select
    spikes.grain,
    spikes.product_group,
    spikes.target_channel,
    offsets.days_from_spike,
    cast(count(*) as integer) as n_spikes,
    avg(daily.tiktok_gmv_usd - spikes.baseline_tiktok_gmv_usd) as avg_excess_tiktok_gmv_usd,
    avg(daily.target_sales_usd - spikes.baseline_target_sales_usd) as avg_excess_target_sales_usd,
from {{ ref('mart_spillover_event_study') }} as spikes
cross join offsets
inner join daily
    on spikes.grain = daily.grain
    and spikes.product_group = daily.product_group
    and spikes.target_channel = daily.target_channel
    and daily.date_day = spikes.spike_date + offsets.days_from_spike
group by all
