-- Amazon traffic and conversion per child ASIN and reporting period (Business Report by child item); when several files hold the same record, the newest file wins (macros/file_versions.sql: by what the files say, never by load order).
with source as (

    select * from {{ source('amazon', 'amazon_business_report') }}

),

files as (

    {{ file_rank('source') }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by child_asin, _file_period_start, _file_period_end
            order by files._file_rank, _row_number desc
        ) as _version_rank
    from source
    inner join files using (_batch_id)

)

select
        child_asin || '|' || cast(_file_period_start as varchar) || '|' || cast(_file_period_end as varchar) as asin_period_key,
        parent_asin,
        child_asin,
        title,
        sku,
        sessions_mobile_app,
        sessions_mobile_app_b2b,
        sessions_browser,
        sessions_browser_b2b,
        sessions_total,
        sessions_total_b2b,
        session_percentage_mobile_app,
        session_percentage_mobile_app_b2b,
        session_percentage_browser,
        session_percentage_browser_b2b,
        session_percentage_total,
        session_percentage_total_b2b,
        page_views_mobile_app,
        page_views_mobile_app_b2b,
        page_views_browser,
        page_views_browser_b2b,
        page_views_total,
        page_views_total_b2b,
        page_views_percentage_mobile_app,
        page_views_percentage_mobile_app_b2b,
        page_views_percentage_browser,
        page_views_percentage_browser_b2b,
        page_views_percentage_total,
        page_views_percentage_total_b2b,
        featured_offer_percentage,
        featured_offer_percentage_b2b,
        units_ordered,
        units_ordered_b2b,
        unit_session_percentage,
        unit_session_percentage_b2b,
        ordered_product_sales,
        ordered_product_sales_b2b,
        total_order_items,
        total_order_items_b2b,
        _file_period_start as period_start,
        _file_period_end as period_end,
        _currency as currency_of_amounts,
        {{ load_metadata() }}
from ranked
where _version_rank = 1
