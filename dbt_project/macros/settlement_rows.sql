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

-- The windows run over narrow keys (file, record number, identity) and the winners are joined back: a window
-- or a keep-the-first over `select *` holds every column of the export (3.5 of 4.4 operator-seconds of
-- stg_amazon__transactions on a 10x world).
numbered as (

    select
        _batch_id,
        _row_number,
        _row_hash,
        row_number() over (partition by _batch_id, _row_hash order by _row_number) as _occurrence,
    from hashed

),

kept as (

    select numbered._batch_id, numbered._row_number, numbered._occurrence
    from numbered
    inner join files using (_batch_id)
    qualify row_number() over (partition by _row_hash, _occurrence order by files._file_rank) = 1

)

select hashed.*, kept._occurrence
from hashed
inner join kept on kept._batch_id = hashed._batch_id and kept._row_number = hashed._row_number
{% endmacro %}
