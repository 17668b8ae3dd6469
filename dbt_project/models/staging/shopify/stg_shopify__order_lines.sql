{{ config(unique_key='order_name', incremental_strategy='delete+insert') }}
-- Incremental: a run re-stages only the orders a newly loaded file holds (macros/file_versions.sql).
-- Shopify writes order-level fields (totals, dates, status, addresses' state/zip3, tags, source…)
-- only on the FIRST line item of an order; here every line carries its order's values.
-- When an order appears in several exports, all its lines come from the newest one: Shopify's export names
-- carry no time, so the one showing the latest order, payment, fulfilment or cancellation (macros/file_versions.sql).
{{ latest_file_per_order(source('shopify', 'shopify_orders'), 'order_name', activity='greatest(created_at, paid_at, fulfilled_at, cancelled_at)') }},

filled as (

    select
        order_name || '-' || cast(_line_in_order as varchar) as order_line_key,
        max(case when _line_in_order = 1 then financial_status_canonical end) over (partition by order_name) as financial_status,
        order_name,
        max(case when _line_in_order = 1 then paid_at end) over (partition by order_name) as paid_at,
        max(case when _line_in_order = 1 then fulfillment_status end) over (partition by order_name) as fulfillment_status,
        max(case when _line_in_order = 1 then fulfilled_at end) over (partition by order_name) as fulfilled_at,
        max(case when _line_in_order = 1 then accepts_marketing end) over (partition by order_name) as accepts_marketing,
        max(case when _line_in_order = 1 then currency end) over (partition by order_name) as currency,
        max(case when _line_in_order = 1 then subtotal end) over (partition by order_name) as subtotal,
        max(case when _line_in_order = 1 then shipping end) over (partition by order_name) as shipping,
        max(case when _line_in_order = 1 then taxes end) over (partition by order_name) as taxes,
        max(case when _line_in_order = 1 then total end) over (partition by order_name) as total,
        max(case when _line_in_order = 1 then discount_code end) over (partition by order_name) as discount_code,
        max(case when _line_in_order = 1 then discount_amount end) over (partition by order_name) as discount_amount,
        max(case when _line_in_order = 1 then shipping_method end) over (partition by order_name) as shipping_method,
        max(case when _line_in_order = 1 then created_at end) over (partition by order_name) as created_at,
        lineitem_quantity,
        lineitem_name,
        lineitem_price,
        lineitem_compare_at_price,
        lineitem_sku,
        lineitem_requires_shipping,
        lineitem_taxable,
        lineitem_fulfillment_status,
        max(case when _line_in_order = 1 then billing_zip3 end) over (partition by order_name) as billing_zip3,
        max(case when _line_in_order = 1 then billing_province end) over (partition by order_name) as billing_province,
        max(case when _line_in_order = 1 then billing_country end) over (partition by order_name) as billing_country,
        max(case when _line_in_order = 1 then shipping_zip3 end) over (partition by order_name) as shipping_zip3,
        max(case when _line_in_order = 1 then shipping_province end) over (partition by order_name) as shipping_province,
        max(case when _line_in_order = 1 then shipping_country end) over (partition by order_name) as shipping_country,
        max(case when _line_in_order = 1 then note_attributes_attribution end) over (partition by order_name) as note_attributes_attribution,
        max(case when _line_in_order = 1 then cancelled_at end) over (partition by order_name) as cancelled_at,
        max(case when _line_in_order = 1 then payment_method end) over (partition by order_name) as payment_method,
        max(case when _line_in_order = 1 then refunded_amount end) over (partition by order_name) as refunded_amount,
        vendor,
        max(case when _line_in_order = 1 then outstanding_balance end) over (partition by order_name) as outstanding_balance,
        location,
        device_id,
        max(case when _line_in_order = 1 then shopify_order_id end) over (partition by order_name) as shopify_order_id,
        max(case when _line_in_order = 1 then tags end) over (partition by order_name) as tags,
        max(case when _line_in_order = 1 then risk_level end) over (partition by order_name) as risk_level,
        max(case when _line_in_order = 1 then source end) over (partition by order_name) as source,
        lineitem_discount,
        max(case when _line_in_order = 1 then tax_1_name end) over (partition by order_name) as tax_1_name,
        max(case when _line_in_order = 1 then tax_1_value end) over (partition by order_name) as tax_1_value,
        max(case when _line_in_order = 1 then tax_2_name end) over (partition by order_name) as tax_2_name,
        max(case when _line_in_order = 1 then tax_2_value end) over (partition by order_name) as tax_2_value,
        max(case when _line_in_order = 1 then tax_3_name end) over (partition by order_name) as tax_3_name,
        max(case when _line_in_order = 1 then tax_3_value end) over (partition by order_name) as tax_3_value,
        max(case when _line_in_order = 1 then tax_4_name end) over (partition by order_name) as tax_4_name,
        max(case when _line_in_order = 1 then tax_4_value end) over (partition by order_name) as tax_4_value,
        max(case when _line_in_order = 1 then tax_5_name end) over (partition by order_name) as tax_5_name,
        max(case when _line_in_order = 1 then tax_5_value end) over (partition by order_name) as tax_5_value,
        max(case when _line_in_order = 1 then receipt_number end) over (partition by order_name) as receipt_number,
        max(case when _line_in_order = 1 then duties end) over (partition by order_name) as duties,
        max(case when _line_in_order = 1 then billing_province_name end) over (partition by order_name) as billing_province_name,
        max(case when _line_in_order = 1 then shipping_province_name end) over (partition by order_name) as shipping_province_name,
        max(case when _line_in_order = 1 then payment_id end) over (partition by order_name) as payment_id,
        max(case when _line_in_order = 1 then payment_terms_name end) over (partition by order_name) as payment_terms_name,
        max(case when _line_in_order = 1 then next_payment_due_at end) over (partition by order_name) as next_payment_due_at,
        max(buyer_key) over (partition by order_name) as buyer_key,
        _line_in_order as line_in_order,
        _line_in_order = 1 as is_first_line_of_order,
        _currency as currency_of_amounts,
        {{ load_metadata() }}
    from latest

)

select
    *,
    -- Orders copied in by the TikTok Shop channel app are TikTok Shop sales already counted there.
    coalesce(source = 'tiktok' or tags ilike '%tiktok shop%'
             or note_attributes_attribution ilike '%tiktok order id:%', false) as is_tiktok_shop_sync,
    nullif(trim(regexp_extract(note_attributes_attribution, '(?i)tiktok order id:\s*([0-9]+)', 1)), '') as synced_tiktok_order_id
from filled
