-- What one unit costs the seller, per product over time: the costs written on a product's row of
-- catalogue/products.csv (in force from costs_valid_from, or from the start when empty) and every row of
-- catalogue/cost_changes.csv. Each row applies from valid_from until the day before the product's next row.
-- A cost left empty is unknown (NULL): the margin of a line without COGS is "cost missing", never 0.
with from_products as (

    select
        product_id,
        coalesce(costs_valid_from, date '1900-01-01') as valid_from,
        {{ unit_cost_columns() | join(', ') }},
        'catalogue/products.csv' as cost_source,
    from {{ ref('stg_catalogue__products') }}
    where coalesce({{ unit_cost_columns() | join(', ') }}) is not null

),

from_changes as (

    select
        trim(product_id) as product_id,
        cast(valid_from as date) as valid_from,
        {{ cast_unit_costs() }}
        coalesce(nullif(trim(source), ''), 'catalogue/cost_changes.csv') as cost_source,
    from {{ source('catalogue', 'catalogue_cost_changes') }}

),

costs as (

    select * from from_products
    union all by name
    -- A change dated like the product row's own costs replaces them.
    select * from from_changes

),

deduplicated as (

    select * from costs
    qualify row_number() over (partition by product_id, valid_from order by cost_source = 'catalogue/products.csv') = 1

)

select
    product_id || '@' || strftime(valid_from, '%Y-%m-%d') as unit_cost_id,
    product_id,
    valid_from,
    {{ unit_cost_columns() | join(', ') }},
    cost_source,
    coalesce(
        lead(valid_from) over (partition by product_id order by valid_from) - interval 1 day,
        date '9999-12-31'
    )::date as valid_to,
from deduplicated
