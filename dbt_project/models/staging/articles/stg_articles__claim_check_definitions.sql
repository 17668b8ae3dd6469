select
    check_id,
    check_kind,
    description,
    stated_claim_id,
    input_claim_ids,
    cast(tolerance as double) as tolerance,
from {{ source('articles', 'claim_check_definitions') }}
