"""Loading one file into raw.* in one transaction — nothing lost, nothing half-written.

    identify     entry kind (regular files only), hash + encoding sniff (one streaming pass), detection
    duplicate?   the content hash already in the load log: nothing written
    BEGIN
      read       the file -> `_src` (source_table.py)
      parse      every value in SQL (sqlgen) -> `_parsed` with a per-row `_rule`
      gate       Great Expectations on bounded frames (validation.py)
      write      loadable rows to raw.<table>, the others to raw._quarantined_rows, one row to raw._load_log
    COMMIT
A rule that condemns the whole file rolls back and records the file as `quarantined_file`; an unexpected
error rolls back and propagates (the file stays in the inbox). Never moves the file (filing.py does).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from orchestration import settings
from orchestration.formats import FormatDefinition
from orchestration.ingest import load_log, readers, source_table, sqlgen
from orchestration.ingest import period as periods
from orchestration.ingest.detect import detect
from orchestration.ingest.errors import (
    CONTENT_ERRORS,
    FileRejected,
    UnknownFormatError,
    as_rejection,
    display_name,
)
from orchestration.ingest.filing import entry_kind
from orchestration.ingest.load_log import LoadResult
from orchestration.ingest.pii import buyer_salt_hex
from orchestration.ingest.sqlgen import ParsePlan, q
from orchestration.ingest.validation import validate_parsed
from orchestration.lib.recovery import scratch_dir


@dataclass(frozen=True)
class ProgressEvent:
    """Stage-level detail for `on_event` (benchmarks, logs). `stage`: hashing | reading | parsing |
    validating | writing | done. The CLI's tqdm bar uses the simpler `progress(rows)` callback."""

    file: str
    stage: str
    files_done: int = 0
    files_total: int = 1
    bytes_done: int = 0
    bytes_total: int = 0


# DuckDB's memory budget while one file loads (temporary tables beyond it spill to disk). With Python,
# Great Expectations and the engine's untracked allocations, the process stays under 4 GB resident
# (benchmarks/bench_ingest.py measures it).
INGEST_MEMORY_LIMIT = "2GB"

Progress = Callable[[int], None]  # called with the number of rows just processed (tqdm's bar.update)
EventSink = Callable[[ProgressEvent], None]


@dataclass(frozen=True)
class _Identified:
    info: readers.FileInfo
    fmt: FormatDefinition
    headers: list[str]
    period_text: str | None


def ingest_file(conn: duckdb.DuckDBPyConnection, path: Path | str, *, period=None,
                progress: Progress | None = None, on_event: EventSink | None = None,
                source_name: str | None = None, exported_at: datetime | None = None) -> LoadResult:
    """Load one file in one transaction. Never moves the file (ingest_paths does).

    `progress(n)` receives the file's row count once it is processed (loaded, quarantined or
    refused); `on_event` receives each stage as it starts. `source_name` / `exported_at` stand in
    for what the file's original name carried (a rebuild reads an archived `<sha>.<ext>`).
    """
    path = Path(path)
    now = datetime.now(UTC)
    emit = on_event or (lambda event: None)
    # DuckDB's default budget is 80 % of the machine: a 1M-line file then held 5 GB of temporary tables.
    # Within the budget the engine spills to the warehouse's `.tmp` folder instead; the caller's setting
    # is restored afterwards.
    restore = _memory_limit_restorer(conn)
    conn.execute(f"SET memory_limit = '{INGEST_MEMORY_LIMIT}'")
    try:
        result = _ingest_file(conn, path, period, now, emit, source_name or path.name, exported_at)
    finally:
        conn.execute(restore)
    if progress:
        progress(result.rows_read)
    return result


def _memory_limit_restorer(conn) -> str:
    """The statement giving the connection its memory limit back. DuckDB shows the limit rounded
    ("18.8 GiB"), so the default is restored with RESET, not by writing the rounded figure back."""
    current = conn.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    conn.execute("RESET memory_limit")
    if conn.execute("SELECT current_setting('memory_limit')").fetchone()[0] == current:
        return "RESET memory_limit"
    conn.execute(f"SET memory_limit = '{current}'")
    return f"SET memory_limit = '{current}'"


def _ingest_file(conn, path: Path, period, now: datetime, emit: EventSink, name: str,
                 given_exported_at: datetime | None) -> LoadResult:
    conn.execute("SET TimeZone = 'UTC'")  # TIMESTAMPTZ -> DATE casts must not depend on the machine
    conn.execute("SET enable_progress_bar = false")  # progress goes through `progress`, not stdout
    load_log.ensure_log_tables(conn)

    shown = display_name(name)  # the name as messages and tables may show it (no control characters, bounded)
    found = _identify(conn, path, shown, now, emit)
    if isinstance(found, LoadResult):
        return found
    info, fmt = found.info, found.fmt
    sha = info.sha256

    previous = load_log.already_loaded(conn, sha)
    if previous:
        return LoadResult(shown, fmt.kind, previous, sha, "duplicate",
                          message=f"{shown}: same content already loaded (batch {previous}); nothing written",
                          stored_as=str(settings.archive_dir() / load_log.stored_name(info.extension, sha)))

    batch_id = load_log.batch_id(sha, now)
    exported_at = given_exported_at or periods.exported_at_from_filename(fmt, name)
    rows_read = 0
    resolved_period = None
    gate = None  # the Great Expectations gate: None (not reached), "failed" or "passed"
    # Outside the file's transaction: the (empty) table must exist for dbt even if this file is refused.
    load_log.ensure_raw_table(conn, fmt)
    conn.execute("BEGIN TRANSACTION")
    try:
        with scratch_dir("tsw-ingest") as tmp:  # under $TSW_HOME/tmp; a killed run's is removed next start
            resolved_period = _resolve_period(fmt, path, period, found.period_text, name)
            emit(ProgressEvent(shown, "reading"))
            warnings: list[str] = []
            mapping, seen = _read(conn, path, found, Path(tmp), warnings)
            rows_read = conn.execute("SELECT count(*) FROM _src").fetchone()[0]

            emit(ProgressEvent(shown, "parsing"))
            plan = _parse(conn, path, fmt, mapping, seen, resolved_period, exported_at, now, warnings)

            emit(ProgressEvent(shown, "validating"))
            gate = "failed"
            _gate(conn, path, fmt, plan, shown)
            gate = "passed"

            emit(ProgressEvent(shown, "writing"))
            result = LoadResult(shown, fmt.kind, batch_id, sha, "loaded", rows_read, period=resolved_period,
                                stored_as=str(settings.archive_dir() / load_log.stored_name(info.extension, sha)),
                                warnings=warnings, exported_at=exported_at, original_name=name, loaded_at=now,
                                gate=gate)
            _write(conn, fmt, mapping, plan, result, info.encoding)
            _drop_work_tables(conn)
        conn.execute("COMMIT")
    except FileRejected as exc:
        conn.execute("ROLLBACK")
        result = LoadResult(shown, fmt.kind, batch_id, sha, "quarantined_file", rows_read=rows_read,
                            rows_quarantined=rows_read, message=str(exc), rule=exc.rule, period=resolved_period,
                            stored_as=str(settings.quarantine_dir() / shown), gate=gate)
        load_log.record_rejection(conn, result, info.encoding, now)
        return result
    except UnknownFormatError as exc:
        conn.execute("ROLLBACK")
        result = LoadResult(shown, None, batch_id, sha, "quarantined_file", message=str(exc),
                            rule="unknown_format", stored_as=str(settings.quarantine_dir() / shown))
        load_log.record_rejection(conn, result, info.encoding, now)
        return result
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    emit(ProgressEvent(shown, "done"))
    return result


# ------------------------------------------------------------------ steps


def _identify(conn, path: Path, shown: str, now: datetime, emit: EventSink) -> _Identified | LoadResult:
    """The file's sniff and definition; or, for a file that is not a readable export, its recorded rejection."""
    sha = ""
    info = None
    try:
        what = entry_kind(path)
        if what is not None:
            raise FileRejected(
                path, "not_a_regular_file",
                f"this is a {what}, not an export file; the inbox takes regular files only and never follows links "
                "or opens folders and pipes — copy the export file itself into the inbox",
            )
        info = readers.sniff(path, progress=lambda d, t: emit(ProgressEvent(shown, "hashing", bytes_done=d, bytes_total=t)))
        sha = info.sha256
        try:
            fmt, headers, period_text = detect(path, info)
        except UnknownFormatError as exc:
            raise FileRejected(path, "unknown_format", str(exc).split(": ", 1)[1]) from exc
    except CONTENT_ERRORS as exc:
        exc = as_rejection(path, exc)
        if not sha and exc.rule != "not_a_regular_file":
            sha = readers.file_sha256(path)
        batch = load_log.batch_id(sha or hashlib.sha256(str(path).encode("utf-8", "surrogateescape")).hexdigest(), now)
        result = LoadResult(shown, None, batch, sha, "quarantined_file",
                            message=str(exc), rule=exc.rule, stored_as=str(settings.quarantine_dir() / shown))
        load_log.record_rejection(conn, result, info.encoding if info else None, now)
        return result
    return _Identified(info, fmt, headers, period_text)


def _read(conn, path: Path, found: _Identified, workdir: Path, warnings: list[str]) -> tuple[dict, dict]:
    """The file into `_src`; notes on ignored and absent columns."""
    fmt, info = found.fmt, found.info
    try:
        if info.container == "xlsx":
            mapping, seen = source_table.load_xlsx(conn, path, found.headers, fmt, info.sha256, warnings)
        else:
            mapping, seen = source_table.load_text(conn, path, info, fmt, workdir, warnings)
    except (FileRejected, UnknownFormatError):
        raise
    except CONTENT_ERRORS as exc:
        raise as_rejection(path, exc) from exc
    if seen["ignored"]:
        warnings.append(f"columns not in formats/{fmt.kind}.yaml were ignored: {seen['ignored'][:10]}")
    absent = [c.aliases[0] for c in fmt.columns if c.name not in seen["headers"] and not c.required]
    if absent:
        shown_absent = ", ".join(repr(a) for a in absent[:12]) + (f" (+{len(absent) - 12} more)" if len(absent) > 12 else "")
        warnings.append(f"optional columns absent from this file, loaded as empty: {shown_absent}")
    return mapping, seen


def _parse(conn, path: Path, fmt: FormatDefinition, mapping: dict, seen: dict, resolved_period,
           exported_at: datetime | None, now: datetime, warnings: list[str]) -> ParsePlan:
    """Every value parsed in SQL: `_src` -> `_parsed`, each row with its `_rule` (NULL: loadable)."""
    if resolved_period:
        upper = resolved_period[1]
    elif exported_at:
        upper = exported_at.date() + timedelta(days=1)  # export time is local; allow a day of zone shift
    else:
        upper = now.date() + timedelta(days=1)
    plan = ParsePlan(
        mapping=mapping,
        headers={c: seen["headers"][c] for c in mapping},
        slash_family=_slash_family(conn, fmt, mapping, path, warnings),
        date_lower=date.fromisoformat(fmt.earliest_plausible_date),
        date_upper=upper,
        header_fields=seen["header_fields"],
    )
    lines = sqlgen.line_numbers_sql(fmt, plan)
    if lines:
        conn.execute(lines)
    sql = sqlgen.parse_sql(fmt, plan)
    if _hashes_buyers(fmt, mapping):
        conn.execute(sql, {"salt": buyer_salt_hex()})
    else:
        conn.execute(sql.replace("$salt", "''"))
    return plan


def _gate(conn, path: Path, fmt: FormatDefinition, plan: ParsePlan, shown: str) -> None:
    """The Great Expectations gate: any violation refuses the whole file (first one named, a few more listed)."""
    violations = validate_parsed(conn, fmt, plan, shown)
    if violations:
        first = violations[0]
        more = f" (+{len(violations) - 1} more: {'; '.join(str(v) for v in violations[1:4])})" if len(violations) > 1 else ""
        raise FileRejected(path, first.rule, first.detail + more, first.row)


def _write(conn, fmt: FormatDefinition, mapping: dict, plan: ParsePlan, result: LoadResult,
           encoding: str | None) -> None:
    """Loadable rows to raw.<table>, the others to raw._quarantined_rows, the file's row to the load log;
    fills in `result`'s counts and message. Every row read ends loaded or quarantined (checked)."""
    currency = None
    if fmt.has_money or fmt.currency_column:
        currency = _file_currency(conn, fmt, mapping)
    stored = [c.name for c in fmt.columns if c.stored and c.name in mapping]
    extra_cols = []
    if _hashes_buyers(fmt, mapping):
        extra_cols.append("buyer_key")
    if fmt.order_key and fmt.order_key in mapping:
        extra_cols.append("_line_in_order")
    if fmt.status_column and fmt.status_column in mapping:
        extra_cols.append(f"{fmt.status_column}_canonical")
    period = result.period
    meta = {
        "_batch_id": result.batch_id, "_source_file": result.file,
        "_file_period_start": period[0] if period else None,
        "_file_period_end": period[1] if period else None,
        "_file_exported_at": result.exported_at, "_loaded_at": result.loaded_at,
    }
    if fmt.has_money or fmt.currency_column:
        meta["_currency"] = currency
    types = dict(sqlgen.raw_table_columns(fmt))
    select = [q(c) for c in stored + extra_cols] + ["_row_number"] + [
        f"CAST(${k[1:]} AS {types[k]}) AS {q(k)}" for k in meta
    ]
    conn.execute(
        # `_parsed` is in record order (DuckDB preserves insertion order): no sort of the whole file here.
        f"INSERT INTO raw.{q(fmt.raw_table)} BY NAME SELECT {', '.join(select)} FROM _parsed "
        "WHERE _rule IS NULL",
        {k[1:]: v for k, v in meta.items()},
    )
    conn.execute(
        "INSERT INTO raw._quarantined_rows SELECT $batch, $file, $kind, _row_number, _rule, _reason, "
        "_original, $now FROM _parsed WHERE _rule IS NOT NULL ORDER BY _row_number",
        {"batch": result.batch_id, "file": result.file, "kind": fmt.kind, "now": result.loaded_at},
    )
    loaded, quarantined = conn.execute(
        "SELECT count(*) FILTER (WHERE _rule IS NULL), count(*) FILTER (WHERE _rule IS NOT NULL) FROM _parsed"
    ).fetchone()
    if loaded + quarantined != result.rows_read:
        raise RuntimeError(f"{result.file}: row accounting broken: read {result.rows_read}, loaded {loaded}, "
                           f"quarantined {quarantined}")
    result.rows_loaded, result.rows_quarantined = loaded, quarantined
    result.message = _summary(conn, result.file, loaded, quarantined, result.warnings)
    load_log.record_loaded(conn, result, encoding=encoding, period_start=meta["_file_period_start"],
                           period_end=meta["_file_period_end"])


def _hashes_buyers(fmt: FormatDefinition, mapping: dict) -> bool:
    return fmt.has_buyer_key and any(c.pii == "hash_buyer" and c.name in mapping for c in fmt.columns)


def _resolve_period(fmt, path: Path, period, period_text, name: str) -> tuple[date, date] | None:
    explicit = periods.coerce_period(period)
    if explicit:
        return explicit
    found = periods.period_from_text(period_text) or periods.period_from_filename(fmt, name)
    if found is None and fmt.period == "required":
        if fmt.kind == "amazon_business_report":
            why = (
                "the file has no date column and its name carries no date range (Amazon names Business "
                "Reports after the download day, which is not the period they cover)"
            )
        else:
            where = f"cell {fmt.xlsx.period_cell}" if fmt.xlsx and fmt.xlsx.period_cell else "the file name"
            why = f"no date range found in {where}"
        raise FileRejected(
            path, "unknown_period",
            f"the reporting period of this {fmt.kind} file cannot be known: {why}. Give it explicitly, e.g. "
            f"`tsw ingest --period 2025-01-01..2025-01-31 \"{display_name(path)}\"`, or put the range in the file name "
            f"(e.g. BusinessReport-1-1-25_1-31-25.csv)",
        )
    return found


def _slash_family(conn, fmt, mapping, path: Path, warnings: list[str]) -> str:
    sql = sqlgen.slash_detection_sql(fmt, mapping)
    if sql is None:
        return "mdy"
    first_gt, first_row, second_gt, second_row, ampm, total = conn.execute(sql).fetchone()
    if first_gt and second_gt:
        raise FileRejected(
            path, "mixed_date_order",
            f"dates are written both day-first (row {first_row}) and month-first (row {second_row}); "
            "one export never mixes them: check the file was not edited",
            min(first_row, second_row),
        )
    if first_gt:
        return "dmy"
    if second_gt or ampm:
        return "mdy"
    if total:
        warnings.append("day/month order cannot be told from the values (no day above 12); read as MM/DD/YYYY")
    return "mdy"


def _drop_work_tables(conn) -> None:
    kinds = dict(conn.execute(
        "SELECT table_name, table_type FROM information_schema.tables WHERE table_name IN ('_parsed', '_src', '_src0', '_lines')"
    ).fetchall())
    for name, table_type in kinds.items():
        conn.execute(f"DROP {'VIEW' if table_type == 'VIEW' else 'TABLE'} IF EXISTS {name}")


def _file_currency(conn, fmt: FormatDefinition, mapping) -> str:
    parts = [q(c.name + "__cur") for c in fmt.columns if c.type == "money" and c.name in mapping]
    if fmt.currency_column and fmt.currency_column in mapping:
        parts.append(f"upper({q(fmt.currency_column)})")
    if parts:
        row = conn.execute(
            f"SELECT coalesce({', '.join(f'max({p})' for p in parts)}) FROM _parsed WHERE _rule IS NULL"
        ).fetchone()
        if row and row[0]:
            return row[0]
    return fmt.default_currency or "USD"


def _summary(conn, name: str, loaded: int, quarantined: int, warnings: list[str]) -> str:
    text = f"{name}: {loaded} rows loaded, {quarantined} quarantined"
    if quarantined:
        rules = conn.execute(
            "SELECT _rule, count(*), min(_row_number) FROM _parsed WHERE _rule IS NOT NULL GROUP BY 1 ORDER BY 2 DESC"
        ).fetchall()
        text += " (" + "; ".join(f"{r}: {n} rows, first at row {first}" for r, n, first in rules) + ")"
    if warnings:
        text += ". Notes: " + "; ".join(warnings)
    return text
