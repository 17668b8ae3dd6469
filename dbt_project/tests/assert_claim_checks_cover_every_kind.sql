-- Fails when some kind of article arithmetic is never re-checked: the market page promises a
-- check of every kind (share × total, ratio × base, multiple, parts sum, growth, cross-source).
with expected as (
    select unnest(['share_of_total', 'ratio_projection', 'multiple', 'parts_sum', 'yoy_growth', 'cross_source'])
        as check_kind
)

select expected.check_kind
from expected
left join {{ ref('mart_claim_checks') }} as checks
    on expected.check_kind = checks.check_kind
where checks.check_kind is null
