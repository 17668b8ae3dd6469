-- Catches a category signal citing a claim id that is not in the cited-metrics registry (a typo or
-- a claim renumbered after the signal was written), which would break the traceability of the
-- market signal shown beside each category.
-- Several parents: dagster-dbt attaches it as an asset check to the model named here.
{{ config(meta={'dagster': {'ref': {'name': 'stg_reference__category_signals'}}}) }}
select
    signals.signal_id,
    claim_id,
from {{ ref('stg_reference__category_signals') }} as signals,
    unnest(signals.claim_ids) as t(claim_id)
where claim_id not in (select claim_id from {{ ref('stg_articles__cited_metrics') }})
