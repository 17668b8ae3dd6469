{#-
  Rows of a settlement export (statements, transaction reports, payouts), each counted once however
  many overlapping downloads hold it. These exports carry no row identifier, and two identical rows in
  one file are two real transactions (two identical storage fees), so a row's identity is the hash of
  its business columns plus its occurrence number among identical rows of the same file; the latest
  file holding that identity wins. Overlapping date ranges therefore never double count, and a row
  that only one file holds is kept. The copy kept (its file name and row number) is the newest
  file's by macros/file_versions.sql, never the last one loaded.
-#}
{% macro settlement_rows(relation, columns) %}
with hashed as (

    select
        *,
        md5(concat_ws('|', {% for c in columns %}coalesce(cast({{ c }} as varchar), ''){% if not loop.last %}, {% endif %}{% endfor %})) as _row_hash,
    from {{ relation }}

),

files as (

    {{ file_rank('hashed') }}

),

numbered as (

    select
        *,
        row_number() over (partition by _batch_id, _row_hash order by _row_number) as _occurrence,
    from hashed
    inner join files using (_batch_id)

)

select * exclude (_version_rank, _file_rank)
from (
    select
        *,
        row_number() over (
            partition by _row_hash, _occurrence order by _file_rank
        ) as _version_rank,
    from numbered
)
where _version_rank = 1
{% endmacro %}
