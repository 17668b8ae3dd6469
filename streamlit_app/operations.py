"""Data for the operational pages (Overview, Data quality): the published snapshot's raw layer and what the
builds recorded.

Warehouse reads go through `data.query` (read-only, per query, cached per snapshot version). Check results come
from the small table the builds write ($TSW_HOME/check_results.parquet, orchestration/lib/check_results.py, the
one `tsw status` reads); publish times from the Dagster instance's SQLite index. Dagster itself is never imported
here: opening it cost the Overview about 9 s on its first render.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import streamlit as st

from orchestration import settings
from orchestration.lib import check_results, seller_settings
from streamlit_app import data

INSTANCE_TTL_SECONDS = 30
# A source loaded by the daily build is at most a day old; a little slack for a slow morning.
STALE_AFTER_HOURS = 26
# A seller export whose newest day is older than this is stale however recently it was loaded: the seller's
# setting (settings.toml stale_after_days), read when a page asks; this is its default.
STALE_DATA_AFTER_DAYS = seller_settings.DEFAULT_STALE_AFTER_DAYS


def stale_data_after_days() -> int:
    return seller_settings.load_or_default().stale_after_days


FRESH, STALE, OLD_DATA, NEVER = "fresh", "stale", "old_data", "never"


def freshness_status(hours: float | None, data_age_days: float | None = None,
                     stale_after_days: int = STALE_DATA_AFTER_DAYS) -> str:
    """Fresh means loaded within STALE_AFTER_HOURS *and*, for a seller export, its newest day no older than
    `stale_after_days` (a ten-month-old export loaded this morning is old data)."""
    if hours is None:
        return NEVER
    if hours > STALE_AFTER_HOURS:
        return STALE
    if data_age_days is not None and data_age_days > stale_after_days:
        return OLD_DATA
    return FRESH


def days_since(day: object, now: datetime | None = None) -> float | None:
    """Days from the end of `day` (a date or timestamp) to now, or None."""
    if day is None or (not isinstance(day, str) and pd.isna(day)):
        return None
    moment = pd.Timestamp(day)
    if moment.tzinfo is not None:
        moment = moment.tz_convert(None)
    now = now or datetime.now(UTC).replace(tzinfo=None)
    return (pd.Timestamp(now) - moment.normalize()).total_seconds() / 86400 - 1


# ---------------------------------------------------------------------------------------------
# Raw layer of the published snapshot
# ---------------------------------------------------------------------------------------------
def raw_tables() -> pd.DataFrame:
    """Every raw table with whether it carries `_loaded_at` (registry, reference and export tables)."""
    return data.query(
        "select t.table_name, t.estimated_size, "
        "bool_or(c.column_name = '_loaded_at') as has_loaded_at, "
        "bool_or(c.column_name = '_source_file') as has_source_file "
        "from duckdb_tables() t join duckdb_columns() c using (database_name, schema_name, table_name) "
        "where t.schema_name = 'raw' and t.database_name = current_database() "
        "group by all order by t.table_name"
    )


def source_freshness() -> pd.DataFrame:
    """One row per raw source table: rows, when it was last loaded, what files fed it.

    Seller exports are described from `raw._load_log` (files, newest period covered); registry and
    reference tables from their own `_loaded_at` / `_source_file` columns.
    """
    tables = raw_tables()
    exports = load_log_by_kind()
    parts = []
    for row in tables.itertuples():
        if row.table_name.startswith("_") or not row.has_loaded_at:
            continue
        source_file = "any_value(_source_file)" if row.has_source_file else "null"
        parts.append(
            f"select '{row.table_name}' as table_name, count(*) as table_rows, "
            f"max(_loaded_at)::timestamp as last_loaded_at, {source_file}::varchar as source_file "
            f'from raw."{row.table_name}"'
        )
    if not parts:
        return pd.DataFrame(columns=["table_name", "table_rows", "last_loaded_at", "source_file"])
    frame = data.query(" union all ".join(parts) + " order by table_name")
    if not exports.empty:
        frame = frame.merge(exports, how="left", left_on="table_name", right_on="kind")
    else:
        for column in ("kind", "files_loaded", "rows_loaded", "rows_quarantined", "newest_period_end"):
            frame[column] = None
    frame["source_type"] = frame["kind"].map(lambda k: "seller_export" if isinstance(k, str) else None)
    frame.loc[frame["source_type"].isna(), "source_type"] = frame["source_file"].map(
        lambda f: "article_registry" if isinstance(f, str) and "articles" in f else "reference")
    return frame


def load_log_by_kind() -> pd.DataFrame:
    if not has_raw_table("_load_log"):
        return pd.DataFrame()
    return data.query(
        "select kind, count(*) filter (where status = 'loaded') as files_loaded, "
        "coalesce(sum(rows_loaded) filter (where status = 'loaded'), 0) as rows_loaded, "
        "coalesce(sum(rows_quarantined) filter (where status = 'loaded'), 0) as rows_quarantined, "
        "max(period_end) as newest_period_end "
        "from raw._load_log where kind is not null group by kind"
    )


def has_raw_table(name: str) -> bool:
    return name in set(raw_tables()["table_name"])


def load_log() -> pd.DataFrame:
    """Every file the loader has seen, newest first, with its row accounting."""
    if not has_raw_table("_load_log"):
        return pd.DataFrame()
    frame = data.query(
        "select loaded_at::timestamp as loaded_at, file_name, kind, status, rows_read, rows_loaded, "
        "rows_quarantined, rows_read = rows_loaded + rows_quarantined as rows_add_up, rule, message, "
        "period_start, period_end, exported_at, encoding, batch_id, sha256 "
        "from raw._load_log order by loaded_at desc, file_name"
    )
    return frame


def quarantined_rows(limit: int = 5000) -> pd.DataFrame:
    if not has_raw_table("_quarantined_rows"):
        return pd.DataFrame()
    return data.query(
        "select quarantined_at::timestamp as quarantined_at, file_name, kind, row_number, rule, reason, "
        "original_values::varchar as original_values, batch_id "
        "from raw._quarantined_rows order by quarantined_at desc, file_name, row_number limit ?",
        (limit,),
    )


def quarantine_summary() -> pd.DataFrame:
    if not has_raw_table("_quarantined_rows"):
        return pd.DataFrame()
    return data.query(
        "select kind, rule, count(*) as rows_quarantined, count(distinct file_name) as files, "
        "any_value(reason) as example_reason "
        "from raw._quarantined_rows group by kind, rule order by rows_quarantined desc, kind, rule"
    )


def mart_tables() -> pd.DataFrame:
    return data.query(
        "select schema_name || '.' || table_name as table_name, estimated_size as row_count "
        "from duckdb_tables() where schema_name = 'marts' and database_name = current_database() "
        "order by table_name"
    )


def exact_row_counts(tables: list[str]) -> dict[str, int]:
    if not tables:
        return {}
    frame = data.query(" union all ".join(
        f"select '{name}' as table_name, count(*) as n from {name}" for name in tables))
    return dict(zip(frame["table_name"], frame["n"].astype(int)))


# ---------------------------------------------------------------------------------------------
# What the builds recorded: the check-results table and the publish history (no Dagster import)
# ---------------------------------------------------------------------------------------------
CHECK_COLUMNS = list(check_results.COLUMNS)


@st.cache_data(ttl=INSTANCE_TTL_SECONDS, show_spinner=False)
def _check_results(home: str, version: str) -> pd.DataFrame:
    # `version` (the table's mtime) keys the cache: a build that ends shows at the next rerun.
    rows = check_results.read(Path(home))
    frame = pd.DataFrame([[getattr(r, c) for c in CHECK_COLUMNS] for r in rows], columns=CHECK_COLUMNS)
    order = {name: i for i, name in enumerate((check_results.FAILED, check_results.WARNING,
                                                 check_results.NOT_RUN, check_results.PASSED))}
    return (frame.assign(_order=frame["outcome"].map(order)).sort_values(["_order", "asset", "check_name"])
            .drop(columns="_order").reset_index(drop=True))


def latest_check_results(home: str | None = None) -> pd.DataFrame:
    """The latest result of every check of the last build (dbt tests, Great Expectations suites and the export
    gate, freshness checks), failures first: the table the builds write (orchestration/lib/check_results.py),
    the same one `tsw status` counts."""
    home = home or tsw_home_key()
    if check_results.is_stale(Path(home)):
        check_results.read(Path(home))  # rewrites it
    try:
        version = str(check_results.table_path(Path(home)).stat().st_mtime_ns)
    except FileNotFoundError:
        version = "none"
    return _check_results(home, version)


def check_counts(checks: pd.DataFrame) -> dict[str, int]:
    """passed / warning / failed / not_run, as `tsw status` counts them."""
    return {name: int((checks["outcome"] == name).sum()) for name in check_results.OUTCOMES}


@st.cache_data(ttl=INSTANCE_TTL_SECONDS, show_spinner=False)
def publish_times(home: str, limit: int = 2) -> list[datetime]:
    """When the last `limit` builds were published (UTC, newest first); empty if none was."""
    return check_results.publish_times(Path(home), limit)


def tsw_home_key() -> str:
    """The home whose builds the operational pages describe: in a home of several shops, the chosen shop's
    (data.current_shop)."""
    return str(settings.shop_home(data.current_shop()))


def hours_since(when: object, now: datetime | None = None) -> float | None:
    if when is None or pd.isna(when):
        return None
    now = now or datetime.now(UTC).replace(tzinfo=None)
    return (now - pd.Timestamp(when).to_pydatetime().replace(tzinfo=None)).total_seconds() / 3600
