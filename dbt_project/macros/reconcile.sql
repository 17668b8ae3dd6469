{#-
  The comparison half of a reconciliation test: full-outer-joins the CTE `expected` (totals computed
  from staging) with the CTE `actual` (the same totals read from a mart) on `keys`, and returns the
  rows where any measure differs by more than `tolerance`, so a missing month on either side fails too.
  Each side's value is returned as <expected>_<measure> and <actual>_<measure>.
  `unchecked_when_null`: measures the expected side leaves null where staging cannot tell
  (e.g. Shopify returned units, which the export has no column for); those are skipped on that row.
-#}
{% macro reconcile(expected, actual, measures, keys=['channel', 'order_month'], tolerance=0.01,
                   unchecked_when_null=[]) %}
select
    {%- for key in keys %}
    coalesce({{ expected }}.{{ key }}, {{ actual }}.{{ key }}) as {{ key }},
    {%- endfor %}
    {%- for measure in measures %}
    {{ expected }}.{{ measure }} as {{ expected }}_{{ measure }},
    {{ actual }}.{{ measure }} as {{ actual }}_{{ measure }},
    {%- endfor %}
from {{ expected }}
full outer join {{ actual }}
    on {% for key in keys %}{{ actual }}.{{ key }} = {{ expected }}.{{ key }}{% if not loop.last %} and {% endif %}{% endfor %}
where
    {%- for measure in measures %}
    {% if not loop.first %}or {% endif -%}
    {%- if measure in unchecked_when_null %}({{ expected }}.{{ measure }} is not null and {% endif -%}
    abs(coalesce({{ expected }}.{{ measure }}, 0) - coalesce({{ actual }}.{{ measure }}, 0)) > {{ tolerance }}
    {%- if measure in unchecked_when_null %}){% endif %}
    {%- endfor %}
{% endmacro %}

{#-
  A whole reconciliation of a mart against the exports: per channel and month, each measure summed over the
  mart (`measures`: name -> SQL aggregate over `mart`) must equal the same total computed from staging in
  int_reconciliation__exports_monthly (its column of that name). The tests that compare with that model are
  written as one call of this.
-#}
{% macro reconcile_with_exports(mart, measures, tolerance=0.01, unchecked_when_null=[]) %}
with staging as (

    select channel, order_month, {% for name in measures %}{{ name }}, {% endfor %}
    from {{ ref('int_reconciliation__exports_monthly') }}

),

mart as (

    select
        channel,
        order_month,
        {%- for name, aggregate in measures.items() %}
        {{ aggregate }} as {{ name }},
        {%- endfor %}
    from {{ ref(mart) }}
    group by all

)

{{ reconcile('staging', 'mart', measures.keys() | list, tolerance=tolerance, unchecked_when_null=unchecked_when_null) }}
{% endmacro %}
