-- Before/after view of TikTok Shop sales spikes, one row per product group (every grain of
-- mart_channel_daily) x target channel x spike.
-- Mirrors orchestration/analysis/spillover.py `detect_spikes` and `event_study` (a pytest compares them):
-- a spike is the first day TikTok GMV reaches the panel's 95th percentile after 7 days in a row below
-- its median; it is used when 14 days before and 14 days after it lie inside the panel. Excess = sum over
-- days 0..14 of (value - mean of days -14..-1), for TikTok GMV and for the target channel's sales.
-- The group-level ratio (sum of excess target / sum of excess TikTok GMV) and its interval (linearised
-- variance across spikes, t with k-1 df) are repeated on each spike row of the group.
with panel as (
    select grain, product_group, 'amazon' as target_channel, date_day, tiktok_gmv_usd as x, amazon_sales_usd as y,
    from {{ ref('mart_channel_daily') }}
    union all
    select grain, product_group, 'shopify' as target_channel, date_day, tiktok_gmv_usd as x, shopify_sales_usd as y,
    from {{ ref('mart_channel_daily') }}
),

thresholds as (
    select
        grain,
        product_group,
        target_channel,
        -- numpy's default percentile is linear interpolation, which quantile_cont is
        quantile_cont(x, 0.95) as p95,
        quantile_cont(x, 0.5) as median,
        count(*) as n_days,
    from panel
    group by all
),

indexed as (
    select
        panel.*,
        thresholds.p95,
        thresholds.median,
        thresholds.n_days,
        row_number() over per_panel - 1 as day_index,
        count(*) over quiet_week as quiet_window_days,
        count(*) filter (where panel.x >= thresholds.median) over quiet_week as days_at_or_above_median,
        avg(panel.x) over pre_window as pre_mean_x,
        avg(panel.y) over pre_window as pre_mean_y,
        sum(panel.x) over post_window as post_sum_x,
        sum(panel.y) over post_window as post_sum_y,
    from panel
    inner join thresholds using (grain, product_group, target_channel)
    window
        per_panel as (partition by grain, product_group, target_channel order by date_day),
        quiet_week as (per_panel rows between 7 preceding and 1 preceding),
        pre_window as (per_panel rows between 14 preceding and 1 preceding),
        post_window as (per_panel rows between current row and 14 following)
),

spikes as (
    select
        grain,
        product_group,
        target_channel,
        date_day as spike_date,
        pre_mean_x,
        pre_mean_y,
        post_sum_x - 15 * pre_mean_x as excess_tiktok_gmv_usd,
        post_sum_y - 15 * pre_mean_y as excess_target_sales_usd,
    from indexed
    where x >= p95
        and quiet_window_days = 7
        and days_at_or_above_median = 0
        and day_index >= 14
        and day_index + 14 < n_days
),

t_quantiles as (
    -- 97.5th percentile of Student's t by degrees of freedom (scipy.stats.t.ppf); beyond 120 df the
    -- normal 1.959964 is within 1 % of t.
    select * from (values
        (1, 12.706204736175),
        (2, 4.302652729749),
        (3, 3.182446305284),
        (4, 2.776445105198),
        (5, 2.570581835636),
        (6, 2.446911851145),
        (7, 2.364624251593),
        (8, 2.306004135204),
        (9, 2.262157162798),
        (10, 2.228138851986),
        (11, 2.200985160092),
        (12, 2.178812829667),
        (13, 2.160368656463),
        (14, 2.144786687918),
        (15, 2.131449545560),
        (16, 2.119905299221),
        (17, 2.109815577833),
        (18, 2.100922040241),
        (19, 2.093024054408),
        (20, 2.085963447266),
        (21, 2.079613844728),
        (22, 2.073873067904),
        (23, 2.068657610419),
        (24, 2.063898561628),
        (25, 2.059538552753),
        (26, 2.055529438643),
        (27, 2.051830516480),
        (28, 2.048407141795),
        (29, 2.045229642133),
        (30, 2.042272456301),
        (31, 2.039513446396),
        (32, 2.036933343460),
        (33, 2.034515297449),
        (34, 2.032244509318),
        (35, 2.030107928250),
        (36, 2.028094000980),
        (37, 2.026192463029),
        (38, 2.024394163912),
        (39, 2.022690920037),
        (40, 2.021075390306),
        (41, 2.019540970441),
        (42, 2.018081702818),
        (43, 2.016692199228),
        (44, 2.015367574444),
        (45, 2.014103388881),
        (46, 2.012895598919),
        (47, 2.011740513730),
        (48, 2.010634757624),
        (49, 2.009575237129),
        (50, 2.008559112101),
        (51, 2.007583770316),
        (52, 2.006646805062),
        (53, 2.005745995318),
        (54, 2.004879288188),
        (55, 2.004044783289),
        (56, 2.003240718848),
        (57, 2.002465459291),
        (58, 2.001717484145),
        (59, 2.000995378088),
        (60, 2.000297822014),
        (61, 1.999623584995),
        (62, 1.998971517033),
        (63, 1.998340542521),
        (64, 1.997729654318),
        (65, 1.997137908392),
        (66, 1.996564418952),
        (67, 1.996008354025),
        (68, 1.995468931430),
        (69, 1.994945415107),
        (70, 1.994437111771),
        (71, 1.993943367846),
        (72, 1.993463566662),
        (73, 1.992997125890),
        (74, 1.992543495181),
        (75, 1.992102154002),
        (76, 1.991672609645),
        (77, 1.991254395388),
        (78, 1.990847068812),
        (79, 1.990450210230),
        (80, 1.990063421254),
        (81, 1.989686323457),
        (82, 1.989318557137),
        (83, 1.988959780175),
        (84, 1.988609666976),
        (85, 1.988267907477),
        (86, 1.987934206239),
        (87, 1.987608281589),
        (88, 1.987289864831),
        (89, 1.986978699506),
        (90, 1.986674540704),
        (91, 1.986377154419),
        (92, 1.986086316951),
        (93, 1.985801814346),
        (94, 1.985523441867),
        (95, 1.985251003505),
        (96, 1.984984311522),
        (97, 1.984723186014),
        (98, 1.984467454508),
        (99, 1.984216951586),
        (100, 1.983971518524),
        (101, 1.983731002956),
        (102, 1.983495258563),
        (103, 1.983264144773),
        (104, 1.983037526484),
        (105, 1.982815273795),
        (106, 1.982597261766),
        (107, 1.982383370176),
        (108, 1.982173483308),
        (109, 1.981967489736),
        (110, 1.981765282132),
        (111, 1.981566757075),
        (112, 1.981371814876),
        (113, 1.981180359415),
        (114, 1.980992297976),
        (115, 1.980807541104),
        (116, 1.980626002459),
        (117, 1.980447598683),
        (118, 1.980272249273),
        (119, 1.980099876457),
        (120, 1.979930405082)
    ) as t (degrees_of_freedom, t_975)
),

summary as (
    select
        grain,
        product_group,
        target_channel,
        count(*) as n_spikes,
        sum(excess_tiktok_gmv_usd) as sum_excess_tiktok,
        sum(excess_target_sales_usd) as sum_excess_target,
    from spikes
    group by all
),

ratio as (
    select
        *,
        case when sum_excess_tiktok > 0 then sum_excess_target / sum_excess_tiktok end as spillover_ratio,
    from summary
),

spread as (
    select
        ratio.grain,
        ratio.product_group,
        ratio.target_channel,
        case
            when ratio.n_spikes >= 2 and ratio.sum_excess_tiktok > 0
                then sqrt(
                    ratio.n_spikes / (ratio.n_spikes - 1)
                    * sum(power(spikes.excess_target_sales_usd
                                - ratio.spillover_ratio * spikes.excess_tiktok_gmv_usd, 2))
                ) / ratio.sum_excess_tiktok
        end as ratio_se,
        stddev_samp(
            case when spikes.excess_tiktok_gmv_usd > 0
                then spikes.excess_target_sales_usd / spikes.excess_tiktok_gmv_usd end
        ) as spike_ratio_sd,
    from ratio
    inner join spikes using (grain, product_group, target_channel)
    group by ratio.grain, ratio.product_group, ratio.target_channel, ratio.n_spikes, ratio.sum_excess_tiktok, ratio.spillover_ratio
)

select
    spikes.grain,
    spikes.product_group,
    spikes.target_channel,
    spikes.spike_date,
    spikes.pre_mean_x as baseline_tiktok_gmv_usd,
    spikes.pre_mean_y as baseline_target_sales_usd,
    spikes.excess_tiktok_gmv_usd,
    spikes.excess_target_sales_usd,
    case
        when spikes.excess_tiktok_gmv_usd > 0 then spikes.excess_target_sales_usd / spikes.excess_tiktok_gmv_usd
    end as spike_ratio,
    cast(ratio.n_spikes as integer) as n_spikes,
    ratio.spillover_ratio,
    ratio.spillover_ratio - coalesce(t_quantiles.t_975, 1.959964) * spread.ratio_se as ratio_ci_low,
    ratio.spillover_ratio + coalesce(t_quantiles.t_975, 1.959964) * spread.ratio_se as ratio_ci_high,
    spread.spike_ratio_sd,
from spikes
inner join ratio using (grain, product_group, target_channel)
inner join spread using (grain, product_group, target_channel)
left join t_quantiles on t_quantiles.degrees_of_freedom = ratio.n_spikes - 1
