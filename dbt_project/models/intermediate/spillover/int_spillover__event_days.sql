-- Marketplace-wide sales events, one row per event day, for 2020-2035.
-- Prime Day: Amazon announces its dates each June, so known years are listed and any other year falls
-- back to the usual pattern (four days from the second Tuesday of July; the demo world uses the same
-- rule). BFCM: Black Friday (the day after the fourth Thursday of November) through Cyber Monday.
with known_prime_days as (
    select * from (values
        (2023, date '2023-07-11', 2),
        (2024, date '2024-07-16', 2),
        (2025, date '2025-07-08', 4)
    ) as t (event_year, first_day, n_days)
),

years as (
    select unnest(range(2020, 2036)) as event_year
),

prime_day_windows as (
    select
        years.event_year,
        coalesce(
            known_prime_days.first_day,
            -- second Tuesday of July: first Tuesday on or after 1 July, plus seven days
            make_date(years.event_year, 7, 1)
            + cast((9 - isodow(make_date(years.event_year, 7, 1))) % 7 + 7 as integer)
        ) as first_day,
        coalesce(known_prime_days.n_days, 4) as n_days,
        known_prime_days.event_year is not null as is_announced,
    from years
    left join known_prime_days on years.event_year = known_prime_days.event_year
),

bfcm_windows as (
    select
        event_year,
        -- fourth Thursday of November (Thanksgiving) + 1 day
        make_date(event_year, 11, 1)
        + cast((11 - isodow(make_date(event_year, 11, 1))) % 7 + 21 + 1 as integer) as first_day,
        4 as n_days,
        true as is_announced,
    from years
)

select
    cast(first_day + cast(offset_days as integer) as date) as event_date,
    'prime_day' as event_name,
    event_year,
    is_announced,
from prime_day_windows, unnest(range(n_days)) as o (offset_days)

union all

select
    cast(first_day + cast(offset_days as integer) as date) as event_date,
    'bfcm' as event_name,
    event_year,
    is_announced,
from bfcm_windows, unnest(range(n_days)) as o (offset_days)
