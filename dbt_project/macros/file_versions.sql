{#-
  Several downloads can hold the same record (an order exported again as it ships, a report period
  downloaded twice, overlapping statement ranges). The newest FILE wins, judged only by what the files
  themselves say — never by when or in which order they were loaded — so any two builds of the same
  files (dropped in another order, finished after a killed build, or rebuilt from the archive) keep the
  same rows:
    1. the export time the file name carries (TikTok's "All order-YYYY-MM-DD-HH_MM"); for a file without
       one, the latest activity it shows (`activity`: its newest order, payment, shipment… time), which
       no export can postdate;
    2. then the latest activity it shows;
    3. then its content hash (the end of its batch id): an arbitrary but fixed pick between two files
       that say nothing about which is newer (the same content is never loaded twice).
  `file_rank(relation, activity)` numbers the files of one raw table: _file_rank 1 = newest.
  `activity` is a column or an expression over the table's columns (e.g. greatest(paid_at, shipped_at)).
-#}
{% macro file_rank(relation, activity=none) -%}
    select
        _batch_id,
        row_number() over (
            order by
                {%- if activity %}
                coalesce(max(_file_exported_at), max(cast({{ activity }} as timestamp))) desc nulls last,
                max(cast({{ activity }} as timestamp)) desc nulls last,
                {%- else %}
                max(_file_exported_at) desc nulls last,
                {%- endif %}
                {{ file_sha('_batch_id') }} desc,
                _batch_id desc
        ) as _file_rank,
    from {{ relation }}
    group by _batch_id
{%- endmacro %}

{#- The content hash prefix a batch id ends with (`<load time>-<sha256[:12]>`, orchestration/ingest/engine.py). -#}
{% macro file_sha(batch_id) -%}
    split_part({{ batch_id }}, '-', 2)
{%- endmacro %}

{#-
  Incremental staging of the order exports (issue 15). Which file's version of an order wins is decided by
  the files alone (file_rank above: each file's own export time, activity and hash), so a new file can change
  the winner only for the orders it holds. An incremental run therefore re-stages exactly the orders that
  appear in a file loaded after the newest row already staged (`_loaded_at` is set per file at load time;
  loads and dbt never run at once), from EVERY file that holds them, and the model's delete+insert on the
  order key replaces all their lines. Re-exports overlapping the last 29 days re-stage those days' orders;
  a file whose every row lost is simply looked at again next time. A full refresh (new code, seeds or
  settings, or `tsw build --full-refresh`: defs/transform/dbt_models.py) re-stages everything.
  `orders_in_new_files(relation, key)` is the filter to put on the raw table in such a model.
-#}
{% macro orders_in_new_files(relation, key) -%}
    {#- dbt unit tests render models without a `this`: they test the full-refresh form. #}
    {%- if this is not none and is_incremental() %}
    where {{ key }} in (
        select {{ key }}
        from {{ relation }}
        where _loaded_at > coalesce((select max(loaded_at) from {{ this }}), '-infinity'::timestamptz)
    )
    {%- endif %}
{%- endmacro %}

{#-
  The newest version of each record of a raw table (period reports, affiliate lines, returns): the CTEs
  `source`, `files` (file_rank above) and `ranked`, where `_version_rank = 1` is the row of the newest file
  holding the record (the file's last row when one file holds it twice). Opens the model's `with`:
      {{ newest_versions(source('tiktok', 'tiktok_video_performance'), 'video_link, _file_period_start, _file_period_end') }}
      select ... {{ period_report_end() }}   (or: ... from ranked where _version_rank = 1)
-#}
{% macro newest_versions(relation, key, activity=none) -%}
with source as (

    select * from {{ relation }}

),

files as (

    {{ file_rank('source', activity=activity) }}

),

ranked as (

    select
        *,
        row_number() over (
            partition by {{ key }}
            order by files._file_rank, _row_number desc
        ) as _version_rank
    from source
    inner join files using (_batch_id)

)
{%- endmacro %}

{#-
  The order exports, staged incrementally (orders_in_new_files above): every line of an order comes from ONE
  file, the newest holding the order. Opens the model's `with` with the CTEs `source`, `files` and `latest`
  (the winning file's lines of each order). `activity` ranks the files (file_rank); `pick` chooses an order's
  file among those holding it (default: the best-ranked file; Amazon picks by the order's last-updated-date
  first).
-#}
{% macro latest_file_per_order(relation, key, activity, pick=none) -%}
with source as (

    select * from {{ relation }}
    {{ orders_in_new_files(relation, key) }}

),

-- A file's rank is a property of the whole file (its newest activity over ALL its rows), never of the
-- rows an incremental run re-stages.
files as (

    {{ file_rank(relation, activity=activity) }}

),

latest_batch_per_order as (

    select
        {{ key }},
        {{ pick or 'arg_min(_batch_id, files._file_rank)' }} as _batch_id
    from source
    inner join files using (_batch_id)
    group by {{ key }}

),

latest as (

    select source.*
    from source
    inner join latest_batch_per_order using ({{ key }}, _batch_id)

)
{%- endmacro %}

{#-
  The end of a period report's staging select (after newest_versions): the report period the file covers, the
  currency its amounts are in, the load metadata, and only the newest version of each record.
-#}
{% macro period_report_end() -%}
        _file_period_start as period_start,
        _file_period_end as period_end,
        _currency as currency_of_amounts,
        {{ load_metadata() }}
from ranked
where _version_rank = 1
{%- endmacro %}
