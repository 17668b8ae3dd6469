{{ config(unique_key='order_id', incremental_strategy='delete+insert') }}
-- Incremental: a run re-stages only the orders a newly loaded file holds (macros/file_versions.sql).
-- One row per order SKU line, from the LATEST export that contains the order: the same order is
-- exported again as it moves from paid to shipped to completed, and an order's lines always come
-- from one file: the newest by the export time in the file name (macros/file_versions.sql; never by load order).
with source as (

    select * from {{ source('tiktok', 'tiktok_orders') }}
    {{ orders_in_new_files(source('tiktok', 'tiktok_orders'), 'order_id') }}

),

-- A file's rank is a property of the whole file (its newest activity over ALL its rows), never of the
-- rows an incremental run re-stages.
files as (

    {{ file_rank(source('tiktok', 'tiktok_orders'), activity='greatest(created_time, paid_time, rts_time, shipped_time, delivered_time, cancelled_time)') }}

),

latest_batch_per_order as (

    select
        order_id,
        arg_min(_batch_id, files._file_rank) as _batch_id
    from source
    inner join files using (_batch_id)
    group by order_id

),

latest as (

    select source.*
    from source
    inner join latest_batch_per_order using (order_id, _batch_id)

)

select
        order_id || '-' || sku_id as order_line_id,
        order_status_canonical as order_status,
        order_status as order_status_as_exported,
        order_id,
        order_substatus,
        cancelation_return_type,
        normal_or_preorder,
        sku_id,
        seller_sku,
        product_id,
        product_name,
        variation,
        virtual_bundle_seller_sku,
        quantity,
        sku_quantity_of_return,
        sku_unit_original_price,
        sku_subtotal_before_discount,
        sku_platform_discount,
        sku_seller_discount,
        sku_subtotal_after_discount,
        shipping_fee_after_discount,
        original_shipping_fee,
        shipping_fee_seller_discount,
        co_funded_shipping_fee_discount,
        shipping_fee_platform_discount,
        payment_platform_discount,
        retail_delivery_fee,
        taxes,
        order_amount,
        order_refund_amount,
        created_time,
        paid_time,
        rts_time,
        shipped_time,
        delivered_time,
        cancelled_time,
        cancel_by,
        cancel_reason,
        fulfillment_type,
        warehouse_name,
        tracking_id,
        delivery_option_type,
        delivery_option,
        shipping_provider_name,
        country,
        state,
        zip3,
        payment_method,
        weight_kg,
        product_category,
        package_id,
        combined_listing,
        order_channel,
        creator_handle,
        buyer_key,
        _line_in_order as line_in_order,
        row_number() over (partition by order_id order by _line_in_order) = 1 as is_first_line_of_order,
        _currency as currency,
        _file_exported_at as file_exported_at,
        {{ load_metadata() }}
from latest
