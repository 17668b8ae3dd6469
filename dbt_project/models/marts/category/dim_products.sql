-- Every product of the seller: declared in the catalogue (sold or not) or discovered in the exports
-- (int_products), with what it sold, whether its unit cost is known, and how it was matched.
with products as (

    select * from {{ ref('int_products') }}

),

sold as (

    select
        product_id,
        sum(units_sold) as units_sold,
        sum(net_sales_usd) as net_sales_usd,
        bool_and(has_cost) filter (where units_sold > 0) as all_sold_lines_have_cost,
        bool_or(has_cost) filter (where units_sold > 0) as some_sold_lines_have_cost,
    from {{ ref('fct_order_lines') }}
    group by product_id

),

costs as (

    select product_id, count(*) filter (where unit_cogs_usd is not null) as cost_rows,
    from {{ ref('stg_catalogue__unit_costs') }}
    group by product_id

)

select
    products.product_id,
    products.product_name,
    products.category_id,
    products.category_assigned_by,
    products.is_in_catalogue,
    products.matched_by,
    products.tiktok_sku_id,
    products.tiktok_seller_sku,
    products.tiktok_product_id,
    products.asin,
    products.amazon_seller_sku,
    products.shopify_sku,
    products.amazon_size_tier,
    products.channels_seen,
    products.channels_sold,
    products.first_order_date,
    products.last_order_date,
    cast(coalesce(sold.units_sold, 0) as bigint) as units_sold,
    coalesce(sold.net_sales_usd, 0.0) as net_sales_usd,
    case
        when sold.all_sold_lines_have_cost or (sold.all_sold_lines_have_cost is null and coalesce(costs.cost_rows, 0) > 0)
            then 'ok'
        when sold.some_sold_lines_have_cost then 'partly_missing'
        else 'cost_missing'
    end as cost_status,
from products
left join sold on sold.product_id = products.product_id
left join costs on costs.product_id = products.product_id
