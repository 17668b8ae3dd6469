-- Daily TikTok ads (GMV Max) spend and credited revenue per campaign, and per product in the product-level report; when several files hold the same record, the newest file wins (macros/file_versions.sql: by what the files say, never by load order).
{{ newest_versions(source('tiktok', 'tiktok_ads_campaign_daily'), 'report_date, campaign_id, product_id', activity='report_date') }}

select
        cast(report_date as varchar) || '|' || campaign_id || '|' || coalesce(product_id, '') as ads_day_key,
        report_date,
        campaign_name,
        campaign_id,
        product_id,
        cost,
        net_cost,
        live_views,
        product_ad_impressions,
        product_ad_clicks,
        orders_sku,
        gross_revenue,
        roi,
        product_id is not null as is_product_level,
        _currency as currency_of_amounts,
        {{ load_metadata() }}
from ranked
where _version_rank = 1
