-- Pipe-separated lists stay as lists so a platform's category name can be matched exactly.
select
    trim(category_id) as category_id,
    trim(category_name) as category_name,
    trim(category_name_zh) as category_name_zh,
    list_filter(list_transform(string_split(tiktok_shop_categories, '|'), lambda x: trim(x)), lambda x: x <> '')
        as tiktok_shop_categories,
    list_filter(list_transform(string_split(coalesce(amazon_product_types, ''), '|'), lambda x: trim(x)), lambda x: x <> '')
        as amazon_product_types,
    list_filter(list_transform(string_split(coalesce(shopify_product_types, ''), '|'), lambda x: trim(x)), lambda x: x <> '')
        as shopify_product_types,
    list_filter(list_transform(string_split(article_terms, '|'), lambda x: trim(x)), lambda x: x <> '') as article_terms,
    trim(definition) as category_definition,
    source as taxonomy_source,
from {{ source('reference', 'category_taxonomy') }}
