"""Loading seller exports into raw.* — one file, one transaction, nothing lost.

For each file: hash + encoding sniff (one streaming pass), detection by header signature,
duplicate check on the content hash, then inside BEGIN … COMMIT:
  read (DuckDB read_csv, all text; or openpyxl for XLSX) -> `_src`
  parse every value in SQL (sqlgen)                      -> `_parsed` with a per-row `_rule`
  Great Expectations gate on bounded frames (validation)
  append loadable rows to raw.<table>, the others to raw._quarantined_rows, one row to raw._load_log.
Any rule that condemns the whole file rolls the transaction back and records the file as
`quarantined_file`; an unexpected error rolls back and propagates (the file stays in the inbox).
"""

from __future__ import annotations

import csv
import hashlib
import os
import re
import shutil
import stat
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import duckdb

from orchestration import settings
from orchestration.formats import FormatDefinition, load_formats
from orchestration.ingest import period as periods
from orchestration.ingest import readers, sqlgen
from orchestration.ingest.errors import FileRejected, UnknownFormatError, display_name, safe_file_name
from orchestration.ingest.pii import buyer_salt_hex
from orchestration.ingest.sqlgen import ParsePlan, q
from orchestration.ingest.validation import validate_parsed
from orchestration.lib.recovery import scratch_dir

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
SKIPPED_SUFFIXES = (".reason.txt", ".crdownload", ".part", ".tmp", ".partial")


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

    @property
    def ok(self) -> bool:
        return self.status in ("loaded", "duplicate")


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


Progress = Callable[[int], None]  # called with the number of rows just processed (tqdm's bar.update)
EventSink = Callable[[ProgressEvent], None]


# ------------------------------------------------------------------ detection


def _detect(path: Path, info: readers.FileInfo) -> tuple[FormatDefinition, list[str], str | None]:
    """(definition, headers as written, A1-style period text) — by header signature only."""
    candidates: list[tuple[FormatDefinition, list[str], str | None]] = []
    seen: list[str] = []
    formats = load_formats()
    if info.container == "xlsx":
        sha = info.sha256 or readers.content_sha256(path)
        cache: dict[tuple, readers.XlsxHeader] = {}
        for fmt in formats:
            if fmt.xlsx is None:
                continue
            key = (fmt.xlsx.sheet, fmt.xlsx.header_row, fmt.xlsx.section_row, fmt.xlsx.period_cell)
            if key not in cache:
                cache[key] = readers.xlsx_headers(path, fmt.xlsx, sha)
            found = cache[key]
            if not seen:
                seen = found.headers
            if fmt.signature_matches(found.headers):
                candidates.append((fmt, found.headers, found.period_text))
    else:
        seen = list(info.headers)
        for fmt in formats:
            if {"csv", "tsv"} & set(fmt.file_types) and fmt.signature_matches(seen):
                candidates.append((fmt, seen, None))
    if not candidates:
        raise UnknownFormatError(path, seen)
    candidates.sort(key=lambda c: len(c[0].signature), reverse=True)
    if len(candidates) > 1 and len(candidates[0][0].signature) == len(candidates[1][0].signature):
        kinds = [c[0].kind for c in candidates]
        raise UnknownFormatError(path, seen, f"The headers match several definitions ({kinds}); make signatures distinct.")
    return candidates[0]


def detect_kind(path: Path | str) -> FormatDefinition:
    """The export definition whose header signature the file carries (never by name or position)."""
    path = Path(path)
    return _detect(path, readers.peek(path))[0]


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


def _already_loaded(conn, sha: str) -> str | None:
    row = conn.execute(
        "SELECT batch_id FROM raw._load_log WHERE sha256 = ? AND status = 'loaded' LIMIT 1", [sha]
    ).fetchone()
    return row[0] if row else None


# ------------------------------------------------------------------ one file


def _batch_id(sha: str, now: datetime) -> str:
    return f"{now.strftime('%Y%m%dT%H%M%S%fZ')}-{sha[:12]}"


_DUCKDB_LINE = re.compile(r"[Ll]ine:? ?(\d+)")


def _csv_error(path: Path, exc: Exception) -> FileRejected:
    text = str(exc)
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    m = _DUCKDB_LINE.search(text)
    line = int(m.group(1)) if m else None
    if "unterminated quote" in text.lower():
        return FileRejected(
            path, "truncated_or_malformed",
            f"a quoted cell is never closed{f' (starting near line {line})' if line else ''}: the file looks "
            f"truncated (cut during download or copy); re-download the export. Reader said: {first}", line,
        )
    return FileRejected(
        path, "malformed_csv",
        f"the delimited text cannot be read{f' at line {line}' if line else ''}: {first}", line,
    )


def _column_names(headers: tuple[str, ...]) -> list[str]:
    """Header cells as DuckDB column names: blanks named by position, duplicates suffixed."""
    names: list[str] = []
    for i, header in enumerate(headers):
        name = header if header.strip() else f"column{i + 1}"
        while name in names:
            name += f"__{i + 1}"
        names.append(name)
    return names


EXTRA_FIELDS = 8  # fields a record may carry beyond the header's and still be counted (more: the file is refused)
_NO_NULL = "\x1f\x1e<no null>\x1e\x1f"  # DuckDB nullstr that no export holds: an empty field stays '', a missing one is NULL


def _duplicate_headers(fmt: FormatDefinition, names: list[str], headers: list[str]) -> list[tuple[str, list[str]]]:
    """(canonical column, the column names carrying it) for every known header that appears more than once."""
    from orchestration.formats import normalize_header

    mapping = fmt.match_headers(names)
    out = []
    for canonical, first in mapping.items():
        norm = normalize_header(first)
        same = [n for n, h in zip(names, headers) if normalize_header(h) == norm]
        if len(same) > 1:
            out.append((canonical, same))
    return out


def _check_duplicates(conn, path: Path, fmt: FormatDefinition, dups, warnings: list[str]) -> None:
    """A header twice: identical values everywhere are tolerated (noted), different values refuse the file."""
    for k, (canonical, cols) in enumerate(dups):
        flags = [f"_dup{k}_{j}" for j in range(1, len(cols))]
        row = conn.execute(
            f"SELECT {', '.join(f'min(_row_number) FILTER (WHERE {q(f)})' for f in flags)} FROM _src"
        ).fetchone()
        header = cols[0]
        first_conflict = min((r for r in row if r is not None), default=None)
        if first_conflict is not None:
            raise FileRejected(
                path, "duplicate_header_conflict",
                f"the header {header!r} appears {len(cols)} times with different values (first difference at row "
                f"{first_conflict}); an export never repeats a column, so which one is right cannot be known — "
                "check the file was not edited, or re-download it",
                first_conflict,
            )
        warnings.append(f"header {header!r} appears {len(cols)} times with identical values; the first is used")


def _check_quotes_closed(path: Path, source: Path, quote: str) -> None:
    """A quoted cell never closed means the file was cut (download or copy): refuse it whole.

    With RFC 4180 quoting ("" inside a quoted cell) a complete file holds an even number of quote
    characters. DuckDB's serial reader (needed to pad short records) would close the quote at the end
    of the file and load what it has, so the parity is counted here, in one streaming pass."""
    mark = quote.encode("utf-8")
    count = 0
    with readers.open_regular(source) as fh:
        for chunk in iter(lambda: fh.read(readers.CHUNK), b""):
            count += chunk.count(mark)
    if count % 2 == 0:
        return
    # Where the unclosed quote opened: the record (spreadsheet row, header = 1) of the last quote seen
    # while outside a quoted cell; newlines inside quoted cells do not start records.
    line, inside, opened = 1, False, 1
    with readers.open_regular(source) as fh:
        for chunk in iter(lambda: fh.read(readers.CHUNK), b""):
            for m in re.finditer(re.escape(mark) + b"|\n", chunk):
                if m.group(0) == b"\n":
                    line += 0 if inside else 1
                else:
                    inside = not inside
                    if inside:
                        opened = line
    raise FileRejected(
        path, "truncated_or_malformed",
        f"a quoted cell is never closed (starting near line {opened}): the file looks truncated (cut during "
        "download or copy); re-download the export", opened,
    )


def _load_text(conn, path: Path, info: readers.FileInfo, fmt: FormatDefinition, workdir: Path,
               warnings: list[str]) -> tuple[dict, dict]:
    source = path
    if info.encoding != "utf-8":
        source = readers.utf8_copy(info, workdir / "utf8.csv")
    names = _column_names(info.headers)
    mapping = fmt.match_headers(names)
    if not mapping:
        raise UnknownFormatError(path, names)
    # The dialect is known (delimiter from the header line, RFC 4180 quoting), so DuckDB's sniffer
    # is switched off: a damaged file then fails with the line that is wrong, not "cannot sniff".
    # EXTRA_FIELDS spare columns and null padding let every record's field count be measured: with a
    # nullstr no export holds, only fields a record lacks are NULL.
    extras = [f"__extra{i + 1}" for i in range(EXTRA_FIELDS)]
    declared = names + extras
    columns = "{" + ", ".join(f"{sqlgen.lit(n)}: 'VARCHAR'" for n in declared) + "}"
    if fmt.csv_quote:
        # DuckDB's parallel scanner cannot pad records whose quoted cells hold newlines.
        quoting = f"quote = {sqlgen.lit(fmt.csv_quote)}, escape = {sqlgen.lit(fmt.csv_quote)}, parallel = false"
    else:
        # Amazon flat files never quote: a lone " in a product name is a character, not a quote.
        quoting = "quote = '', escape = ''"
    reader = (
        f"read_csv({sqlgen.lit(str(source))}, delim = {sqlgen.lit(info.delimiter or ',')}, {quoting}, "
        f"header = true, skip = {int(info.preamble_lines)}, auto_detect = false, columns = {columns}, "
        f"encoding = 'utf-8', strict_mode = true, null_padding = true, nullstr = {sqlgen.lit(_NO_NULL)})"
    )
    if fmt.csv_quote:
        _check_quotes_closed(path, source, fmt.csv_quote)
    # Columns whose personal data is dropped are never read past the header: not even into temp tables
    # (they are only counted, and compared with a duplicate of themselves).
    kept = {c: src for c, src in mapping.items() if fmt.column(c).pii != "drop"}
    select = ", ".join(f"{q(src)} AS {q(canonical)}" for canonical, src in kept.items())
    fields = " + ".join(f"CAST({q(n)} IS NOT NULL AS INTEGER)" for n in declared)
    dups = _duplicate_headers(fmt, names, list(info.headers))
    dup_flags = [
        f"(NULLIF(trim({q(cols[0])}, {sqlgen.WS}), '') IS DISTINCT FROM NULLIF(trim({q(other)}, {sqlgen.WS}), '')) "
        f"AS {q(f'_dup{k}_{j}')}"
        for k, (_, cols) in enumerate(dups) for j, other in enumerate(cols[1:], start=1)
    ]
    try:
        # row_number() OVER () is computed by DuckDB's order-preserving streaming window: it is the
        # 1-based record number in the file (records, not physical lines: quoted newlines count once).
        conn.execute(
            f"CREATE OR REPLACE TEMP TABLE _src AS SELECT row_number() OVER () AS _row_number, "
            f"CAST({fields} AS INTEGER) AS _fields, {', '.join([select, *dup_flags])} FROM {reader}"
        )
    except duckdb.Error as exc:
        raise _csv_error(path, exc) from exc
    _check_duplicates(conn, path, fmt, dups, warnings)
    extra = [n for n, h in zip(names, info.headers) if n not in mapping.values() and h.strip()
             and not any(n in cols for _, cols in dups)]
    return {c: c for c in kept}, {"headers": mapping, "ignored": extra, "header_fields": len(names)}


def _load_xlsx(conn, path: Path, headers: list[str], fmt: FormatDefinition, sha: str,
               warnings: list[str]) -> tuple[dict, dict]:
    mapping = fmt.match_headers(headers)
    index = {c: headers.index(src) for c, src in mapping.items() if fmt.column(c).pii != "drop"}
    dups = _duplicate_headers(fmt, _column_names(tuple(headers)), headers)
    compare: dict[str, int] = {}
    for k, (canonical, cols) in enumerate(dups):
        if fmt.column(canonical).pii == "drop":
            warnings.append(f"header {cols[0]!r} appears {len(cols)} times (a dropped personal-data column; not compared)")
            continue
        positions = [i for i, h in enumerate(headers) if h.strip() and _norm(h) == _norm(cols[0])]
        for j, pos in enumerate(positions[1:], start=1):
            compare[f"_dupval{k}_{j}"] = pos
    table, _ = readers.read_xlsx(path, fmt, {**index, **compare}, sha)
    conn.register("_xlsx_rows", table)
    try:
        flags = [
            f"(NULLIF(trim({q(dups[int(name[7:].split('_')[0])][0])}, {sqlgen.WS}), '') IS DISTINCT FROM "
            f"NULLIF(trim({q(name)}, {sqlgen.WS}), '')) AS {q(name.replace('_dupval', '_dup'))}"
            for name in compare
        ]
        conn.execute(
            f"CREATE OR REPLACE TEMP TABLE _src AS SELECT * EXCLUDE ({', '.join(q(n) for n in compare) or '_none'}) "
            f"{''.join(', ' + f for f in flags)} FROM _xlsx_rows" if compare else
            "CREATE OR REPLACE TEMP TABLE _src AS SELECT * FROM _xlsx_rows"
        )
    finally:
        conn.unregister("_xlsx_rows")
    checked = [d for d in dups if fmt.column(d[0]).pii != "drop"]
    _check_duplicates(conn, path, fmt, checked, warnings)
    extra = [h for h in headers if h and h not in mapping.values()]
    return {c: c for c in index}, {"headers": mapping, "ignored": extra, "header_fields": None}


def _norm(text: str) -> str:
    from orchestration.formats import normalize_header

    return normalize_header(text)


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


# What a file's bytes can make a reader raise (as opposed to the machine: disk full, memory, interrupts).
# OSError is the machine's; a damaged zip or XML, a stray byte, a parser's ValueError are the file's.
_CONTENT_ERRORS: tuple[type[BaseException], ...] = (
    FileRejected, ValueError, LookupError, ArithmeticError, TypeError, AttributeError, EOFError,
    SyntaxError,  # xml.etree's ParseError
    zipfile.BadZipFile, zlib.error, csv.Error,
)


def _as_rejection(path: Path, exc: BaseException) -> FileRejected:
    """A content error as the file's rejection. Only the exception's type is kept: its text may quote the file."""
    if isinstance(exc, FileRejected):
        return exc
    what = "damaged_xlsx" if isinstance(exc, (SyntaxError, zipfile.BadZipFile, zlib.error)) else "unreadable_file"
    return FileRejected(
        path, what,
        f"the file cannot be read ({type(exc).__name__}); it is probably damaged (cut or corrupted during "
        "download or copy) — re-download the export",
    )


def _record_rejection(conn, result: LoadResult, info_encoding: str | None, now: datetime) -> None:
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


def _stored_name(info_ext: str, sha: str) -> str:
    return f"{sha}.{info_ext}"


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
    result = _ingest_file(conn, path, period, now, emit, source_name or path.name, exported_at)
    if progress:
        progress(result.rows_read)
    return result


def _ingest_file(conn, path: Path, period, now: datetime, emit: EventSink, name: str,
                 given_exported_at: datetime | None) -> LoadResult:
    conn.execute("SET TimeZone = 'UTC'")  # TIMESTAMPTZ -> DATE casts must not depend on the machine
    conn.execute("SET enable_progress_bar = false")  # progress goes through `progress`, not stdout
    ensure_log_tables(conn)

    shown = display_name(name)  # the name as messages and tables may show it (no control characters, bounded)
    sha = ""
    fmt: FormatDefinition | None = None
    rows_read = 0
    resolved_period = None
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
            fmt, headers, period_text = _detect(path, info)
        except UnknownFormatError as exc:
            raise FileRejected(path, "unknown_format", str(exc).split(": ", 1)[1]) from exc
    except _CONTENT_ERRORS as exc:
        exc = _as_rejection(path, exc)
        if not sha and exc.rule != "not_a_regular_file":
            sha = readers.file_sha256(path)
        batch = _batch_id(sha or hashlib.sha256(str(path).encode("utf-8", "surrogateescape")).hexdigest(), now)
        result = LoadResult(shown, fmt.kind if fmt else None, batch, sha, "quarantined_file",
                            message=str(exc), rule=exc.rule, stored_as=str(settings.quarantine_dir() / shown))
        _record_rejection(conn, result, info.encoding if info else None, now)
        return result

    previous = _already_loaded(conn, sha)
    if previous:
        return LoadResult(shown, fmt.kind, previous, sha, "duplicate",
                          message=f"{shown}: same content already loaded (batch {previous}); nothing written",
                          stored_as=str(settings.archive_dir() / _stored_name(info.extension, sha)))

    batch_id = _batch_id(sha, now)
    warnings: list[str] = []
    exported_at = given_exported_at or periods.exported_at_from_filename(fmt, name)
    # Outside the file's transaction: the (empty) table must exist for dbt even if this file is refused.
    ensure_raw_table(conn, fmt)
    conn.execute("BEGIN TRANSACTION")
    try:
        with scratch_dir("tsw-ingest") as tmp:  # under $TSW_HOME/tmp; a killed run's is removed next start
            resolved_period = _resolve_period(fmt, path, period, period_text, name)
            emit(ProgressEvent(shown, "reading"))
            try:
                if info.container == "xlsx":
                    mapping, seen = _load_xlsx(conn, path, headers, fmt, sha, warnings)
                else:
                    mapping, seen = _load_text(conn, path, info, fmt, Path(tmp), warnings)
            except (FileRejected, UnknownFormatError):
                raise
            except _CONTENT_ERRORS as exc:
                raise _as_rejection(path, exc) from exc
            rows_read = conn.execute("SELECT count(*) FROM _src").fetchone()[0]
            if seen["ignored"]:
                warnings.append(f"columns not in formats/{fmt.kind}.yaml were ignored: {seen['ignored'][:10]}")
            absent = [c.aliases[0] for c in fmt.columns if c.name not in seen["headers"] and not c.required]
            if absent:
                shown_absent = ", ".join(repr(a) for a in absent[:12]) + (f" (+{len(absent) - 12} more)" if len(absent) > 12 else "")
                warnings.append(f"optional columns absent from this file, loaded as empty: {shown_absent}")

            emit(ProgressEvent(shown, "parsing"))
            upper = None
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
            sql = sqlgen.parse_sql(fmt, plan)
            if fmt.has_buyer_key and any(c.pii == "hash_buyer" and c.name in mapping for c in fmt.columns):
                conn.execute(sql, {"salt": buyer_salt_hex()})
            else:
                conn.execute(sql.replace("$salt", "''"))

            emit(ProgressEvent(shown, "validating"))
            violations = validate_parsed(conn, fmt, plan, shown)
            if violations:
                first = violations[0]
                more = f" (+{len(violations) - 1} more: {'; '.join(str(v) for v in violations[1:4])})" if len(violations) > 1 else ""
                raise FileRejected(path, first.rule, first.detail + more, first.row)

            emit(ProgressEvent(shown, "writing"))
            currency = None
            if fmt.has_money or fmt.currency_column:
                currency = _file_currency(conn, fmt, mapping)
            stored = [c.name for c in fmt.columns if c.stored and c.name in mapping]
            extra_cols = []
            if fmt.has_buyer_key and any(c.pii == "hash_buyer" and c.name in mapping for c in fmt.columns):
                extra_cols.append("buyer_key")
            if fmt.order_key and fmt.order_key in mapping:
                extra_cols.append("_line_in_order")
            if fmt.status_column and fmt.status_column in mapping:
                extra_cols.append(f"{fmt.status_column}_canonical")
            meta = {
                "_batch_id": batch_id, "_source_file": shown,
                "_file_period_start": resolved_period[0] if resolved_period else None,
                "_file_period_end": resolved_period[1] if resolved_period else None,
                "_file_exported_at": exported_at, "_loaded_at": now,
            }
            if fmt.has_money or fmt.currency_column:
                meta["_currency"] = currency
            select = [q(c) for c in stored + extra_cols] + ["_row_number"] + [
                f"CAST(${k[1:]} AS {dict(sqlgen.raw_table_columns(fmt))[k]}) AS {q(k)}" for k in meta
            ]
            conn.execute(
                f"INSERT INTO raw.{q(fmt.raw_table)} BY NAME SELECT {', '.join(select)} FROM _parsed "
                "WHERE _rule IS NULL ORDER BY _row_number",
                {k[1:]: v for k, v in meta.items()},
            )
            conn.execute(
                "INSERT INTO raw._quarantined_rows SELECT $batch, $file, $kind, _row_number, _rule, _reason, "
                f"{sqlgen.quarantine_json_sql(fmt, plan)}, $now FROM _parsed WHERE _rule IS NOT NULL ORDER BY _row_number",
                {"batch": batch_id, "file": shown, "kind": fmt.kind, "now": now},
            )
            loaded, quarantined = conn.execute(
                "SELECT count(*) FILTER (WHERE _rule IS NULL), count(*) FILTER (WHERE _rule IS NOT NULL) FROM _parsed"
            ).fetchone()
            if loaded + quarantined != rows_read:
                raise RuntimeError(f"{shown}: row accounting broken: read {rows_read}, loaded {loaded}, "
                                   f"quarantined {quarantined}")
            message = _summary(conn, shown, loaded, quarantined, warnings)
            stored_as = str(settings.archive_dir() / _stored_name(info.extension, sha))
            conn.execute(
                "INSERT INTO raw._load_log VALUES (?, ?, ?, ?, ?, 'loaded', ?, ?, ?, ?, NULL, ?, ?, ?, ?, ?)",
                [batch_id, shown, fmt.kind, sha, now, rows_read, loaded, quarantined, message,
                 meta["_file_period_start"], meta["_file_period_end"], exported_at, info.encoding, stored_as],
            )
            _drop_work_tables(conn)
        conn.execute("COMMIT")
    except FileRejected as exc:
        conn.execute("ROLLBACK")
        result = LoadResult(shown, fmt.kind, batch_id, sha, "quarantined_file", rows_read=rows_read,
                            rows_quarantined=rows_read, message=str(exc), rule=exc.rule, period=resolved_period,
                            stored_as=str(settings.quarantine_dir() / shown))
        _record_rejection(conn, result, info.encoding, now)
        return result
    except UnknownFormatError as exc:
        conn.execute("ROLLBACK")
        result = LoadResult(shown, None, batch_id, sha, "quarantined_file", message=str(exc),
                            rule="unknown_format", stored_as=str(settings.quarantine_dir() / shown))
        _record_rejection(conn, result, info.encoding, now)
        return result
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    emit(ProgressEvent(shown, "done"))
    return LoadResult(shown, fmt.kind, batch_id, sha, "loaded", rows_read, loaded, quarantined, message,
                      period=resolved_period, stored_as=stored_as, warnings=warnings, exported_at=exported_at,
                      original_name=name, loaded_at=now)


def _drop_work_tables(conn) -> None:
    kinds = dict(conn.execute(
        "SELECT table_name, table_type FROM information_schema.tables WHERE table_name IN ('_parsed', '_src', '_src0')"
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


# ------------------------------------------------------------------ many files


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def _inside_lexically(path: Path, folder: Path) -> bool:
    """`path` sits in `folder` by name (its last part is not resolved: a link stays a link)."""
    try:
        Path(os.path.abspath(path)).parent.resolve().relative_to(folder.resolve())
        return True
    except (ValueError, OSError):
        return False


def _unique_target(folder: Path, name: str, sha: str) -> Path:
    target = folder / name
    n = 0
    while os.path.lexists(target) or os.path.lexists(target.with_name(target.name + ".reason.txt")):
        n += 1
        stem, dot, ext = name.partition(".")
        target = folder / f"{stem}-{(sha or 'x' * 8)[:8]}{f'-{n}' if n > 1 else ''}{dot}{ext}"
    return target


def entry_kind(path: Path) -> str | None:
    """None for a regular file; otherwise what the entry is, found without following a link."""
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return "missing file (it was moved or deleted)"
    mode = st.st_mode
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISLNK(mode):
        return "symbolic link"
    if stat.S_ISDIR(mode):
        return "folder"
    if stat.S_ISFIFO(mode):
        return "named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "socket"
    return "device or other special file"


def _file_away(path: Path, result: LoadResult, move: bool) -> None:
    """Loaded/duplicate -> archive/<sha>.<ext>; rejected -> quarantine/<name> + <name>.reason.txt.

    Files inside the inbox are moved; files given from elsewhere are copied (the user's own
    folder is left as it was).
    """
    transfer = shutil.move if move and _inside(path, settings.inbox_dir()) else shutil.copy2
    if result.status in ("loaded", "duplicate"):
        from orchestration.ingest import archive

        archive.store(path, Path(result.stored_as), result.content_sha256, result if result.status == "loaded" else None,
                      move=transfer is shutil.move)
        return
    settings.quarantine_dir().mkdir(parents=True, exist_ok=True)
    target = _unique_target(settings.quarantine_dir(), safe_file_name(path.name), result.content_sha256 or "00000000")
    if result.rule == "not_a_regular_file":
        # A link, folder or pipe: never opened or followed. One in the inbox is moved aside as it is (rename
        # moves the link itself), so it is reported once; one given from elsewhere is left where it is.
        if not (move and _inside_lexically(path, settings.inbox_dir())):
            result.stored_as = None
            return
        os.rename(path, target)
    else:
        transfer(str(path), str(target))
    result.stored_as = str(target)
    reason = target.with_name(target.name + ".reason.txt")
    reason.write_text(
        f"file: {display_name(path)}\nsha256: {result.content_sha256}\nkind: {result.kind or 'unknown'}\n"
        f"rule: {result.rule}\nreason: {result.message}\n"
        "What to do: fix the cause above (or re-download the export), then drop the file into the inbox again.\n",
        encoding="utf-8",
    )


def open_warehouse(warehouse: Path | str | None = None) -> duckdb.DuckDBPyConnection:
    path = Path(warehouse) if warehouse else settings.warehouse_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = duckdb.connect(str(path))
    ensure_log_tables(conn)
    ensure_raw_tables(conn)
    return conn


def ensure_raw_tables(conn: duckdb.DuckDBPyConnection) -> None:
    """Every raw table of every definition, so dbt sources exist before the first file of a kind."""
    for fmt in load_formats():
        ensure_raw_table(conn, fmt)


def ingest_paths(paths: Iterable[Path | str], *, warehouse: Path | str | None = None, period=None,
                 move_files: bool = True, progress: Progress | None = None,
                 on_event: EventSink | None = None, expand_folders: bool = True) -> list[LoadResult]:
    """Load each file in its own transaction; then file it away (archive or quarantine).

    A folder stands for the regular files directly inside it (`expand_folders`); links, pipes and
    other special entries are refused with a reason and never opened."""
    paths = [Path(p) for p in paths]
    if expand_folders:
        paths = _expand(paths)
    results: list[LoadResult] = []
    failure: BaseException | None = None
    conn = open_warehouse(warehouse)
    try:
        for i, path in enumerate(paths):
            def relay(event: ProgressEvent, _i=i) -> None:
                if on_event:
                    on_event(ProgressEvent(event.file, event.stage, _i, len(paths), event.bytes_done, event.bytes_total))

            try:
                result = ingest_file(conn, path, period=period, progress=progress, on_event=relay)
            except Exception as exc:  # noqa: BLE001 — re-raised below, after the other files
                # The machine failed (disk, memory), not the file: it stays in the inbox for a retry, and
                # the other files still load; the first such error is raised once all were tried.
                failure = failure or exc
                continue
            if move_files:
                _file_away(path, result, move=True)
                if result.status == "quarantined_file":
                    conn.execute("UPDATE raw._load_log SET stored_as = ? WHERE batch_id = ? AND status = 'quarantined_file'",
                                 [result.stored_as, result.batch_id])
            results.append(result)
            if on_event:
                on_event(ProgressEvent(display_name(path), "filed", i + 1, len(paths)))
    finally:
        conn.close()
    if failure is not None:
        raise failure
    return results


def _inbox_entries() -> tuple[list[Path], list[Path]]:
    """(regular files, everything else) in the inbox, by lstat: nothing is followed or opened."""
    inbox = settings.inbox_dir()
    if not inbox.exists():
        return [], []
    files: list[tuple[int, str, Path]] = []
    others: list[Path] = []
    with os.scandir(inbox) as it:
        for entry in it:
            if entry.name.startswith(".") or entry.name.endswith(SKIPPED_SUFFIXES):
                continue
            path = Path(entry.path)
            try:
                st = entry.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue
            if stat.S_ISREG(st.st_mode):
                files.append((st.st_mtime_ns, entry.name, path))
            else:
                others.append(path)
    return [p for _, _, p in sorted(files)], sorted(others)


def inbox_files() -> list[Path]:
    """Regular files waiting in the inbox (links, folders, pipes are not files: see ingest_inbox)."""
    return _inbox_entries()[0]


def _expand(paths: list[Path]) -> list[Path]:
    """A folder given on the command line stands for the regular files directly inside it."""
    out: list[Path] = []
    for path in paths:
        if entry_kind(path) == "folder":
            out.extend(sorted(p for p in path.iterdir() if entry_kind(p) is None and not p.name.startswith(".")
                              and not p.name.endswith(SKIPPED_SUFFIXES)))
        else:
            out.append(path)
    return out


def ingest_inbox(*, warehouse: Path | str | None = None, kinds: Iterable[str] | None = None,
                 progress: Progress | None = None, on_event: EventSink | None = None) -> list[LoadResult]:
    """Everything waiting in settings.inbox_dir().

    With `kinds`, only files of those kinds are loaded (one Dagster asset per raw table); files no
    definition recognises are quarantined whatever `kinds` says — they belong to nobody.
    """
    wanted = set(kinds) if kinds is not None else None
    files, refused = _inbox_entries()
    selected = list(refused)  # links, folders, pipes: refused (with a reason) by whichever asset runs first
    for path in files:
        if wanted is None:
            selected.append(path)
            continue
        try:
            kind = detect_kind(path).kind
        except (UnknownFormatError, *_CONTENT_ERRORS):
            selected.append(path)  # refused by whichever asset meets it first, with its reason
            continue
        if kind in wanted:
            selected.append(path)
    return ingest_paths(selected, warehouse=warehouse, progress=progress, on_event=on_event, expand_folders=False)
