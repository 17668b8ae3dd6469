"""The load log: raw._load_log (one row per file, whatever became of it), raw._quarantined_rows' table,
the raw tables' DDL, and `LoadResult`, the outcome of one file that the log row records.

Every statement that writes `raw._load_log` is here, so "what the log says about a file" has one owner.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import duckdb

from orchestration import settings
from orchestration.formats import FormatDefinition, load_formats
from orchestration.ingest import sqlgen
from orchestration.ingest.sqlgen import q

LOAD_LOG_DDL = """
CREATE TABLE IF NOT EXISTS raw._load_log (
    batch_id VARCHAR, file_name VARCHAR, kind VARCHAR, sha256 VARCHAR, loaded_at TIMESTAMPTZ,
    status VARCHAR, rows_read BIGINT, rows_loaded BIGINT, rows_quarantined BIGINT, message VARCHAR,
    rule VARCHAR, period_start DATE, period_end DATE, exported_at TIMESTAMP, encoding VARCHAR, stored_as VARCHAR
)"""
QUARANTINE_DDL = """
CREATE TABLE IF NOT EXISTS raw._quarantined_rows (
    batch_id VARCHAR, file_name VARCHAR, kind VARCHAR, row_number BIGINT, rule VARCHAR, reason VARCHAR,
    original_values JSON, quarantined_at TIMESTAMPTZ
)"""


@dataclass
class LoadResult:
    file: str
    kind: str | None
    batch_id: str | None
    content_sha256: str
    status: str  # loaded | duplicate | quarantined_file
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    message: str = ""
    rule: str | None = None
    period: tuple[date, date] | None = None
    stored_as: str | None = None
    warnings: list[str] = field(default_factory=list)
    exported_at: datetime | None = None
    original_name: str | None = None  # the name the file arrived with (kept in the archive's sidecar)
    loaded_at: datetime | None = None
    # The Great Expectations gate on the parsed file: "passed", "failed" (the file was refused by it) or None
    # (not reached: a duplicate, or refused before parsing). Reported as each loader's `gx_export_gate` check.
    gate: str | None = None

    @property
    def ok(self) -> bool:
        return self.status in ("loaded", "duplicate")


# ------------------------------------------------------------------ tables


def ensure_log_tables(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute("CREATE SCHEMA IF NOT EXISTS raw")
    conn.execute(LOAD_LOG_DDL)
    conn.execute(QUARANTINE_DDL)


def ensure_raw_table(conn: duckdb.DuckDBPyConnection, fmt: FormatDefinition) -> None:
    """Create raw.<table>, or add columns a YAML edit introduced (raw tables only ever grow)."""
    cols = sqlgen.raw_table_columns(fmt)
    conn.execute(
        f"CREATE TABLE IF NOT EXISTS raw.{q(fmt.raw_table)} ({', '.join(f'{q(n)} {t}' for n, t in cols)})"
    )
    existing = {
        r[0]: r[1]
        for r in conn.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'raw' AND table_name = ?",
            [fmt.raw_table],
        ).fetchall()
    }
    for name, sql_type in cols:
        if name not in existing:
            conn.execute(f"ALTER TABLE raw.{q(fmt.raw_table)} ADD COLUMN {q(name)} {sql_type}")


def ensure_raw_tables(conn: duckdb.DuckDBPyConnection) -> None:
    """Every raw table of every definition, so dbt sources exist before the first file of a kind."""
    for fmt in load_formats():
        ensure_raw_table(conn, fmt)


def open_warehouse(warehouse: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    path = Path(warehouse) if warehouse else settings.warehouse_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    from orchestration.lib.warehouse import connect_writable

    conn = connect_writable(path)
    ensure_log_tables(conn)
    ensure_raw_tables(conn)
    return conn


# ------------------------------------------------------------------ rows


def batch_id(sha: str, now: datetime) -> str:
    return f"{now.strftime('%Y%m%dT%H%M%S%fZ')}-{sha[:12]}"


def stored_name(extension: str, sha: str) -> str:
    """The archive's name for a loaded content: `<sha256>.<ext>`."""
    return f"{sha}.{extension}"


def already_loaded(conn, sha: str) -> str | None:
    """The batch that loaded this content, if any (a second copy is a duplicate: nothing is written)."""
    row = conn.execute(
        "SELECT batch_id FROM raw._load_log WHERE sha256 = ? AND status = 'loaded' LIMIT 1", [sha]
    ).fetchone()
    return row[0] if row else None


def record_loaded(conn, result: LoadResult, *, encoding: str | None, period_start, period_end) -> None:
    """The log row of a loaded file (inside the file's transaction)."""
    conn.execute(
        "INSERT INTO raw._load_log VALUES (?, ?, ?, ?, ?, 'loaded', ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?)",
        [result.batch_id, result.file, result.kind, result.content_sha256, result.loaded_at, result.rows_read,
         result.rows_loaded, result.rows_quarantined, result.message, period_start, period_end,
         result.exported_at, encoding, result.stored_as],
    )


def record_rejection(conn, result: LoadResult, info_encoding: str | None, now: datetime) -> None:
    """The log row of a refused file (after its transaction was rolled back)."""
    ensure_log_tables(conn)
    conn.execute(
        "INSERT INTO raw._load_log (batch_id, file_name, kind, sha256, loaded_at, status, rows_read, rows_loaded, "
        "rows_quarantined, message, rule, period_start, period_end, encoding, stored_as) "
        "VALUES (?, ?, ?, ?, ?, 'quarantined_file', ?, 0, ?, ?, ?, ?, ?, ?, ?)",
        [result.batch_id, result.file, result.kind, result.content_sha256, now, result.rows_read,
         result.rows_read, result.message, result.rule,
         result.period[0] if result.period else None, result.period[1] if result.period else None,
         info_encoding, result.stored_as],
    )


def record_filed_as(conn, result: LoadResult) -> None:
    """Where a refused file was put aside (known only after it was moved into quarantine/)."""
    conn.execute("UPDATE raw._load_log SET stored_as = ? WHERE batch_id = ? AND status = 'quarantined_file'",
                 [result.stored_as, result.batch_id])
