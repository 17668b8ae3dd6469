-- Every claim in comparable units: money in US dollars at the annual average rate of the
-- claim's year (the latest earlier year when the table has none, e.g. for forecasts),
-- percentages as fractions, everything else in its own unit.
with claims as (
    select * from {{ ref('stg_articles__cited_metrics') }}
),

fx as (
    select currency, rate_year, usd_per_unit from {{ ref('stg_reference__fx_rates') }}
    union all
    -- US dollars convert at 1 in every year.
    select 'USD', 1900, 1.0
),

currencies as (
    select distinct currency from fx
),

with_rate as (
    select
        claims.*,
        claims.unit in (select currency from currencies) as is_money,
        fx.usd_per_unit,
        fx.rate_year as fx_rate_year,
    from claims
    asof left join fx
        on claims.unit = fx.currency
        and claims.period_year >= fx.rate_year
),

-- A money claim older than every rate we have takes the earliest rate rather than none.
earliest as (
    select currency, arg_min(usd_per_unit, rate_year) as usd_per_unit, min(rate_year) as rate_year
    from fx group by currency
)

select
    with_rate.claim_id,
    with_rate.source_id,
    with_rate.locator,
    with_rate.value_as_written,
    with_rate.metric,
    with_rate.subject,
    with_rate.geography,
    with_rate.period,
    with_rate.period_year,
    with_rate.qualifier,
    with_rate.unit,
    with_rate.attributed_to,
    with_rate.is_forecast,
    with_rate.note,
    case
        when with_rate.is_money then 'USD'
        when with_rate.unit = 'percent' then 'ratio'
        else with_rate.unit
    end as normalized_unit,
    case
        when with_rate.is_money then coalesce(with_rate.usd_per_unit, earliest.usd_per_unit)
        when with_rate.unit = 'percent' then 0.01
        else 1.0
    end as conversion_factor,
    case when with_rate.is_money and with_rate.unit <> 'USD'
        then coalesce(with_rate.usd_per_unit, earliest.usd_per_unit) end as fx_rate_used,
    case when with_rate.is_money and with_rate.unit <> 'USD'
        then coalesce(with_rate.fx_rate_year, earliest.rate_year) end as fx_rate_year,
    {{ normalize_quantity('with_rate.parsed_value', 'with_rate.unit', 'conversion_factor') }} as value_normalized,
    {{ normalize_quantity('with_rate.parsed_low', 'with_rate.unit', 'conversion_factor') }} as low_normalized,
    {{ normalize_quantity('with_rate.parsed_high', 'with_rate.unit', 'conversion_factor') }} as high_normalized,
from with_rate
left join earliest
    on with_rate.unit = earliest.currency
