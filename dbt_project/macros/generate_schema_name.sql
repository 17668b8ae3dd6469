{#- Use the folder's schema name as is (staging, intermediate, marts) rather than
    dbt's default "<target>_<custom>", so marts are queryable as marts.<name>. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}
