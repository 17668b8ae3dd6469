"""Reading one export into the temporary table `_src`: one row per record, the canonical columns as text.

CSV/TSV through DuckDB's `read_csv` (dialect known from the header line, the sniffer off, every record's
field count measured), XLSX through the streamed reader (`readers.read_xlsx`). A header written twice is
tolerated when both columns agree on every row and refuses the file otherwise; a quoted cell that never
closes refuses it as truncated. Columns whose personal data is dropped are never read past the header.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

from orchestration.formats import FormatDefinition, normalize_header
from orchestration.ingest import readers, sqlgen
from orchestration.ingest.errors import FileRejected, UnknownFormatError
from orchestration.ingest.sqlgen import q

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


def load_text(conn, path: Path, info: readers.FileInfo, fmt: FormatDefinition, workdir: Path,
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


def load_xlsx(conn, path: Path, headers: list[str], fmt: FormatDefinition, sha: str,
               warnings: list[str]) -> tuple[dict, dict]:
    mapping = fmt.match_headers(headers)
    index = {c: headers.index(src) for c, src in mapping.items() if fmt.column(c).pii != "drop"}
    dups = _duplicate_headers(fmt, _column_names(tuple(headers)), headers)
    compare: dict[str, int] = {}
    for k, (canonical, cols) in enumerate(dups):
        if fmt.column(canonical).pii == "drop":
            warnings.append(f"header {cols[0]!r} appears {len(cols)} times (a dropped personal-data column; not compared)")
            continue
        positions = [i for i, h in enumerate(headers) if h.strip() and normalize_header(h) == normalize_header(cols[0])]
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
