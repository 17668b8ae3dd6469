-- Amazon FBA customer returns, one row per returned unit batch (license plate), the newest download wins (macros/file_versions.sql: by what the files say, never by load order).
{{ newest_versions(source('amazon', 'amazon_fba_returns'), 'order_id, sku, coalesce(license_plate_number, cast(return_date as varchar))', activity='return_date') }}

select
        order_id || '-' || sku || '-' || coalesce(license_plate_number, cast(epoch(return_date) as varchar)) as return_id,
        return_date,
        cast({{ to_seller_time("return_date") }} as date) as return_date_local,
        order_id,
        sku,
        asin,
        fnsku,
        product_name,
        quantity,
        fulfillment_center_id,
        detailed_disposition,
        reason,
        status,
        license_plate_number,
        {{ load_metadata() }}
from ranked
where _version_rank = 1
