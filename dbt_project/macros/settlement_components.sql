{#
  One settlement row → one row per money component (int_settlement_components): `cte` holds the channel's
  settlement rows in the shared shape (channel, ids, posted_date, line_kind, currency, row_total and the fee
  parts); `components` lists (component, SQL amount) pairs — each channel's own rules, the rest is written once.
#}
{% macro settlement_components(cte, components) %}
    select channel, settlement_row_id, payout_id, statement_id, posted_date, source_order_id, settled_sku, currency,
           row_total, referral_fee, affiliate_fee, fulfilment_fee, line_kind, component, component_amount as amount
    from {{ cte }}
    cross join lateral (
        select * from (values
            {%- for name, amount in components %}
            ('{{ name }}', {{ amount }}){{ "," if not loop.last }}
            {%- endfor %}
        ) as c(component, component_amount)
    )
{% endmacro %}
