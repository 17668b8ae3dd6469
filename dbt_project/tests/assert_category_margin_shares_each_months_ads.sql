-- Catches a day's share of its month's ads gone wrong: mart_category_performance's months are the sums of
-- mart_category_daily's days, and each month's contribution margin must still be the month's contribution over
-- the lines with a known cost less the month's ads in proportion to that revenue (all of the ads when nothing
-- sold; none shown when no sold line has a cost), to the cent.
select channel, category_id, order_month, contribution_margin_usd, expected_margin_usd,
from (
    select
        *,
        case
            when orders = 0 then -ad_spend_usd
            when contribution_before_ads_usd is null then null
            else contribution_before_ads_usd
                - ad_spend_usd * coalesce(net_revenue_with_cost_usd / nullif(net_revenue_usd, 0), 1.0)
        end as expected_margin_usd,
    from {{ ref('mart_category_performance') }}
)
where (contribution_margin_usd is null) <> (expected_margin_usd is null)
    or abs(contribution_margin_usd - expected_margin_usd) > 0.01
