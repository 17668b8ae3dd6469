-- Per-product traffic and sales per reporting period, split by channel section (Data Compass product analytics); when several files hold the same record, the newest file wins (macros/file_versions.sql: by what the files say, never by load order).
{{ newest_versions(source('tiktok', 'tiktok_product_analytics'), 'product_id, _file_period_start, _file_period_end') }}

select
        product_id || '|' || cast(_file_period_start as varchar) || '|' || cast(_file_period_end as varchar) as product_period_key,
        product_name,
        product_id,
        gmv_range,
        gmv,
        orders,
        sku_orders,
        items_sold,
        est_customers,
        product_impressions,
        product_clicks,
        unique_product_impressions,
        unique_clicks,
        add_to_cart_count,
        refunds,
        items_refunded,
        creator_attributed_gmv,
        affiliate_sku_orders,
        affiliate_items_sold,
        seller_live_attributed_gmv,
        seller_live_sku_orders,
        seller_live_items_sold,
        seller_video_attributed_gmv,
        seller_video_sku_orders,
        seller_video_items_sold,
        seller_product_card_gmv,
        product_card_sku_orders,
        product_card_items_sold,
        _file_period_start as period_start,
        _file_period_end as period_end,
        _currency as currency_of_amounts,
        {{ load_metadata() }}
from ranked
where _version_rank = 1
