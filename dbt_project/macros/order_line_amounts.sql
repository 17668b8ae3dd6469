{#
  The additive money amounts of an order line (fct_order_lines), in the order the marts show them: every roll-up
  of lines (fct_orders, mart_category_daily) sums this one list, so an amount added to the line reaches them all.
  `leave_out`: amounts a roll-up does not carry.
#}
{% macro order_line_amounts() %}
    {{ return(['gmv_usd', 'list_subtotal_usd', 'seller_discount_usd', 'platform_discount_usd', 'net_sales_usd',
               'shipping_charged_usd', 'taxes_usd', 'buyer_paid_usd', 'refunds_usd', 'return_refunds_usd',
               'net_revenue_usd', 'platform_fees_usd', 'affiliate_commission_usd', 'fulfilment_cost_usd',
               'cogs_usd']) }}
{% endmacro %}

{% macro sum_order_line_amounts(leave_out=[], relation=none) %}
    {%- for column in order_line_amounts() if column not in leave_out %}
        sum({{ relation ~ '.' if relation }}{{ column }}) as {{ column }},
    {%- endfor %}
{% endmacro %}

{#- The same amounts typed for a mart's contract, read from `relation` (a CTE of sums). -#}
{% macro cast_order_line_amounts(relation, leave_out=[]) %}
    {%- for column in order_line_amounts() if column not in leave_out %}
    cast({{ relation }}.{{ column }} as double) as {{ column }},
    {%- endfor %}
{% endmacro %}
