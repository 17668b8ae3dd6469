-- Every product the seller sells: the product map's rows, plus one row per SKU that was sold but
-- is missing from the map (is_in_product_map = false) so it can be added rather than vanish.
with sold as (

    select
        product_id,
        any_value(product_name) as sold_as_name,
        any_value(category_id) as sold_category_id,
        any_value(channel) as unmapped_channel,
        any_value(channel_sku) as unmapped_channel_sku,
        any_value(seller_sku) as unmapped_seller_sku,
        string_agg(distinct channel, ',' order by channel) as channels_sold,
        min(order_date) as first_order_date,
        max(order_date) as last_order_date,
        sum(units_sold) as units_sold,
        sum(net_sales_usd) as net_sales_usd,
    from {{ ref('fct_order_lines') }}
    group by product_id

),

product_map as (

    select * from {{ ref('int_products_categorized') }}

)

select
    coalesce(product_map.product_id, sold.product_id) as product_id,
    coalesce(product_map.product_name, sold.sold_as_name) as product_name,
    coalesce(product_map.category_id, sold.sold_category_id, 'unmapped') as category_id,
    product_map.product_id is not null as is_in_product_map,
    coalesce(product_map.tiktok_sku_id, case when sold.unmapped_channel = 'tiktok_shop' then sold.unmapped_channel_sku end)
        as tiktok_sku_id,
    coalesce(product_map.tiktok_seller_sku, case when sold.unmapped_channel = 'tiktok_shop' then sold.unmapped_seller_sku end)
        as tiktok_seller_sku,
    product_map.tiktok_product_id,
    coalesce(product_map.asin, case when sold.unmapped_channel = 'amazon' then sold.unmapped_channel_sku end) as asin,
    case when sold.unmapped_channel = 'amazon' then sold.unmapped_seller_sku end as amazon_seller_sku,
    coalesce(product_map.shopify_sku, case when sold.unmapped_channel = 'shopify' then sold.unmapped_channel_sku end)
        as shopify_sku,
    sold.channels_sold,
    sold.first_order_date,
    sold.last_order_date,
    cast(coalesce(sold.units_sold, 0) as bigint) as units_sold,
    coalesce(sold.net_sales_usd, 0.0) as net_sales_usd,
from product_map
full outer join sold on sold.product_id = product_map.product_id
