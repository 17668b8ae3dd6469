{#- A seller's SKU code or platform id compared case- and whitespace-insensitively: " bpc-001 " = "BPC-001". -#}
{% macro normalize_code(expr) -%}
    nullif(upper(regexp_replace(coalesce({{ expr }}, ''), '\s+', '', 'g')), '')
{%- endmacro %}
