-- One row per quantity the articles talk about (subject × geography × period × metric):
-- the median of the claims as the headline, the widest low–high range across them, and
-- the claims and sources behind it. Rates are never averaged into a new rate: the value is
-- one of the cited values (the median), not a blend computed from them.
with claims as (
    select * from {{ ref('int_cited_metrics_normalized') }}
),

conflicts as (
    select distinct subject, geography, period, metric
    from {{ ref('int_claim_checks_recomputed') }}
    where check_kind = 'cross_source' and status = 'conflict'
)

select
    lower(claims.subject || '|' || claims.geography || '|' || claims.period || '|' || claims.metric
        || '|' || claims.normalized_unit) as market_figure_id,
    claims.subject,
    claims.geography,
    claims.period,
    claims.period_year,
    claims.metric,
    claims.normalized_unit,
    median(claims.value_normalized) as value,
    min(coalesce(claims.low_normalized, claims.value_normalized)) as value_low,
    max(coalesce(claims.high_normalized, claims.value_normalized)) as value_high,
    count(*) as n_claims,
    count(distinct claims.source_id) as n_sources,
    string_agg(claims.claim_id, ',' order by claims.claim_id) as claim_ids,
    string_agg(distinct claims.source_id, ',' order by claims.source_id) as source_ids,
    string_agg(distinct claims.attributed_to, ',' order by claims.attributed_to) as attributed_to,
    bool_or(claims.is_forecast) as any_forecast,
    bool_or(conflicts.subject is not null) as has_conflict,
from claims
left join conflicts
    on claims.subject = conflicts.subject
    and claims.geography = conflicts.geography
    and claims.period = conflicts.period
    and claims.metric = conflicts.metric
group by all
