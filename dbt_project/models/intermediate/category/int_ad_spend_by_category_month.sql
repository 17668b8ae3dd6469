-- TikTok ads spend per category and month: the days of int_ad_spend_by_category_day (where the category rule
-- lives) summed by month.
select
    channel,
    cast(date_trunc('month', order_date) as date) as order_month,
    category_id,
    sum(ad_spend_usd) as ad_spend_usd,
from {{ ref('int_ad_spend_by_category_day') }}
group by all
