-- Fails when the event calendar drifts from the real dates: Prime Day 2025 ran 8–11 July; Thanksgiving
-- 2025 fell on 27 November and 2026 on 26 November, so BFCM is 28 Nov–1 Dec 2025 and 27–30 Nov 2026;
-- Prime Day 2026 (not yet announced) follows the pattern: 14–17 July. Each year has exactly 4 BFCM days.
with expected as (
    select * from (values
        (date '2025-07-08', 'prime_day'), (date '2025-07-11', 'prime_day'),
        (date '2025-11-28', 'bfcm'), (date '2025-12-01', 'bfcm'),
        (date '2026-07-14', 'prime_day'), (date '2026-07-17', 'prime_day'),
        (date '2026-11-27', 'bfcm'), (date '2026-11-30', 'bfcm')
    ) as t (event_date, event_name)
),

missing as (
    select expected.event_date, expected.event_name, 'expected day missing' as problem
    from expected
    left join {{ ref('int_spillover__event_days') }} as days using (event_date, event_name)
    where days.event_date is null
),

wrong_length as (
    select min(event_date) as event_date, event_name, 'not 4 days' as problem
    from {{ ref('int_spillover__event_days') }}
    where event_name = 'bfcm'
    group by event_year, event_name
    having count(*) <> 4
)

select * from missing
union all
select * from wrong_length
