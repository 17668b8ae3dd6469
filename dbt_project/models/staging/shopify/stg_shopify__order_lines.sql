{{ config(unique_key='order_name', incremental_strategy='delete+insert') }}
-- Incremental: a run re-stages only the orders a newly loaded file holds (macros/file_versions.sql).
-- Shopify writes order-level fields (totals, dates, status, addresses' state/zip3, tags, source…)
-- only on the FIRST line item of an order; here every line carries its order's values.
-- When an order appears in several exports, all its lines come from the newest one: Shopify's export names
-- carry no time, so the one showing the latest order, payment, fulfilment or cancellation (macros/file_versions.sql).
{{ latest_file_per_order(source('shopify', 'shopify_orders'), 'order_name', activity='greatest(created_at, paid_at, fulfilled_at, cancelled_at)') }},

{#- Every column in the export's order; all but the line's own (`line_columns`) are the order's, written on its
    first line only and copied onto every line here. #}
{%- set line_columns = [
    'order_name', 'lineitem_quantity', 'lineitem_name', 'lineitem_price', 'lineitem_compare_at_price',
    'lineitem_sku', 'lineitem_requires_shipping', 'lineitem_taxable', 'lineitem_fulfillment_status', 'vendor',
    'location', 'device_id', 'lineitem_discount'] %}
{%- set export_columns = [
    'order_name', 'paid_at', 'fulfillment_status', 'fulfilled_at', 'accepts_marketing', 'currency', 'subtotal',
    'shipping', 'taxes', 'total', 'discount_code', 'discount_amount', 'shipping_method', 'created_at',
    'lineitem_quantity', 'lineitem_name', 'lineitem_price', 'lineitem_compare_at_price', 'lineitem_sku',
    'lineitem_requires_shipping', 'lineitem_taxable', 'lineitem_fulfillment_status', 'billing_zip3',
    'billing_province', 'billing_country', 'shipping_zip3', 'shipping_province', 'shipping_country',
    'note_attributes_attribution', 'cancelled_at', 'payment_method', 'refunded_amount', 'vendor',
    'outstanding_balance', 'location', 'device_id', 'shopify_order_id', 'tags', 'risk_level', 'source',
    'lineitem_discount', 'tax_1_name', 'tax_1_value', 'tax_2_name', 'tax_2_value', 'tax_3_name', 'tax_3_value',
    'tax_4_name', 'tax_4_value', 'tax_5_name', 'tax_5_value', 'receipt_number', 'duties',
    'billing_province_name', 'shipping_province_name', 'payment_id', 'payment_terms_name', 'next_payment_due_at'] %}

filled as (

    select
        order_name || '-' || cast(_line_in_order as varchar) as order_line_key,
        max(case when _line_in_order = 1 then financial_status_canonical end) over (partition by order_name) as financial_status,
        {%- for column in export_columns %}
        {% if column in line_columns %}{{ column }}{% else %}max(case when _line_in_order = 1 then {{ column }} end) over (partition by order_name) as {{ column }}{% endif %},
        {%- endfor %}
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
