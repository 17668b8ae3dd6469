{#- An instant (timestamptz) as the seller's local wall-clock time (timestamp without zone), in the time zone
    of the seller's settings (var seller_time_zone; orchestration/lib/seller_settings.py). TikTok Shop writes
    its times in that zone already, so only Amazon and Shopify instants go through this. -#}
{% macro to_seller_time(instant) -%}
    timezone('{{ var("seller_time_zone") }}', {{ instant }})
{%- endmacro %}
