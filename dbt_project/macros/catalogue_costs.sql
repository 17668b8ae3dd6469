{#
  The costs a seller declares per product (catalogue/products.csv and catalogue/cost_changes.csv share these
  columns): one list, so a new cost column is added in one place. `unit_cost_columns()` is the list,
  `cast_unit_costs()` the typed select lines both staging models read them with.
#}
{% macro unit_cost_columns() %}
    {{ return(['unit_cogs_usd', 'tiktok_fbs_fulfilment_usd', 'tiktok_fbt_fulfilment_usd', 'amazon_fba_fulfilment_usd',
               'amazon_fbm_fulfilment_usd', 'shopify_fulfilment_usd']) }}
{% endmacro %}

{% macro cast_unit_costs() %}
    {%- for column in unit_cost_columns() %}
    cast({{ column }} as double) as {{ column }},
    {%- endfor %}
{% endmacro %}
