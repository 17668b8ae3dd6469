-- Every fee rate in force: each platform's published defaults (seeds/reference/platform_fees.csv) and the
-- seller's own overrides ($TSW_HOME/catalogue/fees.csv). A seller row beats a default for the same fee on
-- the days it is in force (int_order_lines_costed picks the most specific row: seller before platform,
-- category before all categories).
with fees as (

    select
        'platform_default' as fee_origin,
        channel, fee_type, basis, rate, fixed_usd, valid_from, category, min_item_price_usd, max_item_price_usd,
        size_tier, source, source_date,
    from {{ source('reference', 'platform_fees') }}
    union all by name
    select
        'seller' as fee_origin,
        channel, fee_type, basis, rate, fixed_usd, valid_from, category, min_item_price_usd, max_item_price_usd,
        size_tier, coalesce(source, 'catalogue/fees.csv') as source, source_date,
    from {{ source('catalogue', 'catalogue_fees') }}

),

typed as (

    select
        fee_origin,
        channel,
        fee_type,
        basis,
        cast(rate as double) as rate,
        cast(fixed_usd as double) as fixed_usd,
        cast(valid_from as date) as valid_from,
        nullif(trim(category), '') as category_id,
        cast(min_item_price_usd as double) as min_item_price_usd,
        cast(max_item_price_usd as double) as max_item_price_usd,
        nullif(trim(size_tier), '') as size_tier,
        source as fee_source,
        try_cast(source_date as date) as fee_source_date,
    from fees

)

select
    fee_origin || ':' || channel || ':' || fee_type || ':' || coalesce(category_id, '*')
        || coalesce(':' || size_tier, '') || coalesce(':from$' || cast(min_item_price_usd as varchar), '')
        || '@' || strftime(valid_from, '%Y-%m-%d') as fee_id,
    *,
    coalesce(
        lead(valid_from) over (
            partition by fee_origin, channel, fee_type, category_id, size_tier, min_item_price_usd order by valid_from
        ) - interval 1 day,
        date '9999-12-31'
    )::date as valid_to,
from typed
