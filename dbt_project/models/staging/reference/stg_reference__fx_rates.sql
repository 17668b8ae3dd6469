select
    upper(currency) as currency,
    cast(year as integer) as rate_year,
    cast(usd_per_unit as double) as usd_per_unit,
    rate_type,
    source as rate_source,
from {{ source('reference', 'fx_rates') }}
where rate_type = 'annual_average'
