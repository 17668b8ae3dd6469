{{ config(unique_key='amazon_order_id', incremental_strategy='delete+insert') }}
-- Incremental: a run re-stages only the orders a newly loaded file holds (macros/file_versions.sql).
-- Amazon order items from the LATEST report that contains the order (by the order's
-- last-updated-date, then the newest report, macros/file_versions.sql): an order's items always come from one report.
{{ latest_file_per_order(source('amazon', 'amazon_all_orders'), 'amazon_order_id', activity='last_updated_date', pick='arg_max(_batch_id, (last_updated_date, -files._file_rank))') }}

select
        amazon_order_id || '-' || sku as order_item_key,
        order_status_canonical as order_status,
        order_status as order_status_as_exported,
        amazon_order_id,
        merchant_order_id,
        purchase_date,
        last_updated_date,
        order_item_id,
        fulfillment_channel,
        sales_channel,
        order_channel,
        url,
        ship_service_level,
        product_name,
        sku,
        asin,
        item_status,
        quantity,
        currency,
        item_price,
        item_tax,
        shipping_price,
        shipping_tax,
        gift_wrap_price,
        gift_wrap_tax,
        item_promotion_discount,
        ship_promotion_discount,
        ship_state,
        ship_zip3,
        ship_country,
        promotion_ids,
        signature_confirmation_recommended,
        customized_url,
        customized_page,
        is_business_order,
        purchase_order_number,
        price_designation,
        _line_in_order as line_in_order,
        _currency as currency_of_amounts,
        {{ load_metadata() }}
from latest
