-- The match report: how each product was matched across channels, so the seller can fix the catalogue in
-- minutes. One row per product, with the finding that needs attention:
--   likely_duplicate — another product with a near-identical name under a different code (two codes the
--                      catalogue should merge; Jaro–Winkler similarity of the normalised names ≥ 0.92);
--   one_channel_only — seen on one channel while the seller sells on several;
--   not_in_catalogue — discovered in the exports, not declared;
--   never_sold       — declared in the catalogue but never seen in an export;
--   ok               — none of these.
with products as (

    select * from {{ ref('dim_products') }}

),

names as (

    select
        product_id,
        lower(regexp_replace(product_name, '[^[:alnum:]]+', ' ', 'g')) as name_norm,
        channels_seen,
    from products
    where product_name is not null

),

pairs as (

    select
        a.product_id,
        b.product_id as other_product_id,
        jaro_winkler_similarity(a.name_norm, b.name_norm) as similarity,
    from names as a
    inner join names as b
        on a.product_id <> b.product_id
        and jaro_winkler_similarity(a.name_norm, b.name_norm) >= 0.92
        -- Products on disjoint channels are the likely duplicates (the same item under two codes).
        and not list_has_any(string_split(coalesce(a.channels_seen, ''), ','), string_split(coalesce(b.channels_seen, ''), ','))

),

best_pair as (

    select product_id, arg_max(other_product_id, (similarity, other_product_id)) as likely_duplicate_of,
           max(similarity) as name_similarity,
    from pairs
    group by product_id

),

seller_channels as (

    select count(distinct channel) as channels from {{ ref('fct_order_lines') }}

)

select
    products.product_id,
    products.product_name,
    products.category_id,
    products.category_assigned_by,
    products.is_in_catalogue,
    products.matched_by,
    products.channels_seen,
    products.channels_sold,
    cast(coalesce(len(string_split(products.channels_seen, ',')), 0) as integer) as channel_count,
    best_pair.likely_duplicate_of,
    best_pair.name_similarity,
    products.cost_status,
    products.units_sold,
    products.net_sales_usd,
    case
        when best_pair.likely_duplicate_of is not null then 'likely_duplicate'
        when products.channels_seen is not null and seller_channels.channels > 1
             and len(string_split(products.channels_seen, ',')) = 1 then 'one_channel_only'
        when not products.is_in_catalogue then 'not_in_catalogue'
        when products.channels_seen is null then 'never_sold'
        else 'ok'
    end as finding,
from products
cross join seller_channels
left join best_pair on best_pair.product_id = products.product_id
