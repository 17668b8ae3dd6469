-- The articles' own arithmetic, recomputed from the registry, plus every pair of claims
-- about the same quantity (subject × geography × period × metric) from different sources.
-- Status: consistent when within 1 %; within_tolerance when within the check's tolerance or
-- when the stated claim's own range (约/超/a-b) contains the recomputed value; else conflict.
with claims as (
    select * from {{ ref('int_cited_metrics_normalized') }}
),

definitions as (
    select * from {{ ref('stg_articles__claim_check_definitions') }}
),

inputs as (
    select
        definitions.check_id,
        input.ordinality as input_position,
        trim(input.claim_id) as claim_id,
    from definitions,
        unnest(string_split(definitions.input_claim_ids, ';')) with ordinality as input(claim_id, ordinality)
    where trim(input.claim_id) <> ''
),

input_values as (
    select
        inputs.check_id,
        inputs.input_position,
        claims.claim_id,
        claims.value_normalized,
        claims.claim_id || ' = ' || claims.value_as_written
            || ' (' || claims.subject || ', ' || claims.period || ')' as input_label,
    from inputs
    inner join claims on inputs.claim_id = claims.claim_id
),

arithmetic as (
    select
        definitions.check_id,
        definitions.check_kind,
        definitions.description,
        definitions.stated_claim_id,
        definitions.tolerance,
        string_agg(input_values.claim_id, ',' order by input_values.input_position) as input_claim_ids,
        string_agg(input_values.input_label, '; ' order by input_values.input_position) as inputs_description,
        case definitions.check_kind
            when 'share_of_total' then product(input_values.value_normalized)
            when 'ratio_projection' then product(input_values.value_normalized)
            when 'parts_sum' then sum(input_values.value_normalized)
            when 'multiple' then
                max(input_values.value_normalized) filter (where input_values.input_position = 1)
                / nullif(max(input_values.value_normalized) filter (where input_values.input_position = 2), 0)
            when 'yoy_growth' then
                max(input_values.value_normalized) filter (where input_values.input_position = 1)
                / nullif(max(input_values.value_normalized) filter (where input_values.input_position = 2), 0)
                - 1
        end as recomputed_value,
    from definitions
    inner join input_values on definitions.check_id = input_values.check_id
    group by
        definitions.check_id,
        definitions.check_kind,
        definitions.description,
        definitions.stated_claim_id,
        definitions.tolerance
),

same_quantity_pairs as (
    select
        'x_' || a.claim_id || '_' || b.claim_id as check_id,
        'cross_source' as check_kind,
        'Two sources on the same quantity: ' || a.subject || ' ' || a.metric || ', ' || a.geography
            || ' ' || a.period || ' (' || a.attributed_to || ' vs ' || b.attributed_to || ')' as description,
        a.claim_id as stated_claim_id,
        0.10 as tolerance,
        b.claim_id as input_claim_ids,
        b.claim_id || ' = ' || b.value_as_written || ' (' || b.attributed_to || ', read in ' || b.source_id || ')'
            as inputs_description,
        b.value_normalized as recomputed_value,
        -- Two ranges that overlap do not contradict each other.
        coalesce(a.low_normalized, a.value_normalized) <= coalesce(b.high_normalized, 'infinity'::double)
            and coalesce(b.low_normalized, b.value_normalized) <= coalesce(a.high_normalized, 'infinity'::double)
            as ranges_overlap,
    from claims as a
    inner join claims as b
        on a.subject = b.subject
        and a.geography = b.geography
        and a.period = b.period
        and a.metric = b.metric
        and a.normalized_unit = b.normalized_unit
        and a.claim_id < b.claim_id
        and (a.source_id <> b.source_id or a.attributed_to <> b.attributed_to)
),

all_checks as (
    select *, false as ranges_overlap from arithmetic
    union all by name
    select * from same_quantity_pairs
),

compared as (
    select
        all_checks.check_id,
        all_checks.check_kind,
        all_checks.description,
        stated.subject,
        stated.geography,
        stated.period,
        stated.metric,
        all_checks.inputs_description,
        all_checks.input_claim_ids,
        all_checks.stated_claim_id,
        stated.value_normalized as stated_value,
        all_checks.recomputed_value,
        stated.normalized_unit,
        (all_checks.recomputed_value - stated.value_normalized) / nullif(stated.value_normalized, 0)
            as relative_deviation,
        all_checks.tolerance,
        all_checks.ranges_overlap,
        all_checks.ranges_overlap
        or (stated.qualifier <> 'exact'
            and all_checks.recomputed_value
                between coalesce(stated.low_normalized, '-infinity'::double)
                and coalesce(stated.high_normalized, 'infinity'::double)) as within_stated_range,
    from all_checks
    inner join claims as stated on all_checks.stated_claim_id = stated.claim_id
)

select
    * exclude (within_stated_range),
    case
        when abs(relative_deviation) <= 0.01 then 'consistent'
        when abs(relative_deviation) <= tolerance or within_stated_range then 'within_tolerance'
        else 'conflict'
    end as status,
from compared
