-- The articles' arithmetic and cross-source agreement, re-checked (see int_claim_checks_recomputed).
select
    check_id,
    check_kind,
    description,
    subject,
    geography,
    period,
    metric,
    inputs_description,
    input_claim_ids,
    stated_claim_id,
    stated_value,
    recomputed_value,
    normalized_unit,
    relative_deviation,
    tolerance,
    status,
from {{ ref('int_claim_checks_recomputed') }}
