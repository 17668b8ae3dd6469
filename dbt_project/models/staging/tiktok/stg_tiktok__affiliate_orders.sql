-- Affiliate-attributed TikTok Shop order lines with their commission, latest export of each line; when several files hold the same record, the newest file wins (macros/file_versions.sql: by what the files say, never by load order).
{{ newest_versions(source('tiktok', 'tiktok_affiliate_orders'), 'order_id, sku_id', activity='time_created') }}

select
        order_id || '-' || sku_id as affiliate_line_id,
        order_status_canonical as order_status,
        order_status as order_status_as_exported,
        order_id,
        product_id,
        product_name,
        sku_id,
        price,
        payment_amount,
        currency,
        quantity,
        fully_returned_or_refunded,
        payment_method,
        creator_username,
        creator_region,
        content_type,
        content_id,
        commission_model,
        standard_commission_rate,
        est_commission_base,
        est_standard_commission_payment,
        actual_commission_base,
        actual_commission_payment,
        shop_ads_commission_rate,
        est_shop_ads_commission_payment,
        actual_shop_ads_commission_payment,
        est_co_funded_creator_bonus,
        actual_co_funded_creator_bonus,
        time_created,
        _currency as currency_of_amounts,
        {{ load_metadata() }}
from ranked
where _version_rank = 1
