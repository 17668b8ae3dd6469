{#- The columns every staging model carries to trace a row back to its export: the load batch, the file as the
    seller named it, the row's number in that file and when it was loaded (raw tables' _batch_id,
    _source_file, _row_number, _loaded_at; orchestration/ingest/sqlgen.py writes them). -#}
{% macro load_metadata() -%}
        _batch_id as batch_id,
        _source_file as source_file,
        _row_number as source_row_number,
        _loaded_at as loaded_at
{%- endmacro %}
