-- Every identity code the seller's catalogue gives a product, one row per code: a cell may hold several
-- codes separated by "|" (two codes merged into one product). `channel` is where the code is looked up
-- (NULL for the generic seller_sku, matched on every channel); `code_norm` is compared with the exports'
-- codes case- and whitespace-insensitively.
with products as (

    select * from {{ ref('stg_catalogue__products') }}

),

codes as (

    {%- set columns = [('seller_sku', none), ('tiktok_seller_sku', 'tiktok_shop'), ('tiktok_sku_id', 'tiktok_shop'),
                       ('tiktok_product_id', 'tiktok_shop'), ('amazon_sku', 'amazon'), ('asin', 'amazon'),
                       ('shopify_sku', 'shopify')] %}
    {%- for column, channel in columns %}
    select product_id, '{{ column }}' as code_kind,
           {{ "'" ~ channel ~ "'" if channel else 'null' }}::varchar as channel,
           unnest(string_split({{ column }}, '|')) as code
    from products where {{ column }} is not null
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}

)

select
    product_id,
    code_kind,
    channel,
    trim(code) as code_as_written,
    {{ normalize_code('code') }} as code_norm,
from codes
where {{ normalize_code('code') }} is not null
