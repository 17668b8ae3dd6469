{#- One number in the normalized unit. Percent points are divided by 100 (exact in binary for
    whole percents, unlike multiplying by 0.01); money is rounded to 1/100 cent so that
    exchange-rate products compare equal across runs and platforms. -#}
{% macro normalize_quantity(value, unit, factor) -%}
    case
        when {{ unit }} = 'percent' then {{ value }} / 100.0
        else round({{ value }} * {{ factor }}, 4)
    end
{%- endmacro %}
