"""Property-based: every export fixture, mutated the ways real files go wrong (and hostile ones), through ingest.

Whatever the bytes: no unhandled exception, every file loaded or quarantined with a reason, rows read =
loaded + quarantined (and the raw tables hold exactly the loaded rows), no buyer's personal data anywhere under
$TSW_HOME outside inbox/, archive/ and quarantine/, nothing left in the system's temporary folder, memory bounded.

Fast lane (CI): a bounded, derandomized number of examples (TSW_HYPOTHESIS_EXAMPLES, default 12) with no
deadline; fixtures are found on disk, so a new export kind's fixture is mutated too.
"""

from __future__ import annotations

import csv
import io
import os
import random
import resource
import shutil
import tempfile
from pathlib import Path

import duckdb
import hostile
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "exports"
FILES = sorted(p for p in FIXTURES.rglob("*") if p.is_file() and p.suffix in (".csv", ".txt", ".tsv", ".xlsx"))
TEXT = [p for p in FILES if p.suffix != ".xlsx"]
XLSX = [p for p in FILES if p.suffix == ".xlsx"]
CANARIES = ("Canary Okonkwo-Lindqvist", "canary.person@example.test", "+1 (555) 010-9999", "1 Canary Wharf Rd")
EXAMPLES = int(os.environ.get("TSW_HYPOTHESIS_EXAMPLES", "12"))


def _pii_values() -> tuple[str, ...]:
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_fixtures", FIXTURES / "build_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return tuple(module.PII_VALUES) + CANARIES


PII = _pii_values()


# ------------------------------------------------------------------ mutations of delimited text


def _split(data: bytes) -> tuple[str, str, list[list[str]], str]:
    text = data.decode("utf-8-sig", errors="replace") if not data.startswith(b"\xff\xfe") else data.decode("utf-16")
    first = text.split("\n", 1)[0]
    delim = "\t" if first.count("\t") >= first.count(",") else ","
    quoting = csv.QUOTE_NONE if delim == "\t" and '"' not in first else csv.QUOTE_MINIMAL
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delim, quoting=quoting))
    return text, delim, rows, "\r\n" if "\r\n" in text else "\n"


def _join(rows: list[list[str]], delim: str, newline: str, encoding: str = "utf-8-sig") -> bytes:
    out = io.StringIO()
    quoting = csv.QUOTE_NONE if delim == "\t" else csv.QUOTE_MINIMAL
    csv.writer(out, delimiter=delim, lineterminator=newline, quoting=quoting, escapechar="\\", quotechar='"').writerows(rows)
    return out.getvalue().encode(encoding, errors="replace")


def _text_mutation(data: bytes, how: str, rng: random.Random) -> bytes:
    if not data:
        return data
    if how == "truncate":
        return data[: rng.randrange(0, max(1, len(data)))]
    if how == "random_bytes":
        out = bytearray(data)
        for _ in range(rng.randint(1, 64)):
            out[rng.randrange(len(out))] = rng.randrange(256)
        return bytes(out)
    text, delim, rows, nl = _split(data)
    if len(rows) < 2 or not rows[0]:
        return data
    width = len(rows[0])
    body = [r for r in rows[1:] if r]
    j = rng.randrange(width)
    if how == "drop_column":
        rows = [r[:j] + r[j + 1:] for r in rows]
    elif how in ("duplicate_column", "conflicting_column"):
        rows = [r + [r[j] if j < len(r) else ""] for r in rows]
        if how == "conflicting_column" and body:
            rows[rng.randrange(1, len(rows))][-1] = "7"
    elif how == "wrong_delimiter":
        return text.replace(delim, rng.choice([";", "|", " "])).encode("utf-8")
    elif how == "embedded_delimiter" and body:
        r = rng.randrange(1, len(rows))
        if rows[r]:
            k = rng.randrange(len(rows[r]))
            rows[r][k] = rows[r][k][:2] + delim + rows[r][k][2:]
            return (delim.join(rows[0]) + nl + nl.join(delim.join(x) for x in rows[1:]) + nl).encode("utf-8")
    elif how == "encoding":
        return text.encode(rng.choice(["utf-16", "cp1252", "latin-1", "utf-16-be"]), errors="replace")
    elif how == "huge_cell" and body:
        r = rng.randrange(1, len(rows))
        if rows[r]:
            rows[r][rng.randrange(len(rows[r]))] = "x" * 1_000_000
    elif how == "formula_cells" and body:
        for _ in range(3):
            r = rng.randrange(1, len(rows))
            if rows[r]:
                rows[r][rng.randrange(len(rows[r]))] = rng.choice(
                    ['=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3+cmd|x", "=1+1"])
    elif how == "headerless_personal_data":
        rows = rows[1:]
        if rows and rows[0]:
            for k, canary in enumerate(CANARIES):
                rows[0][k % len(rows[0])] = canary
    return _join(rows, delim, nl)


# ------------------------------------------------------------------ mutations of workbooks


def _xlsx_mutation(data: bytes, how: str, rng: random.Random) -> bytes:
    if how == "truncate":
        return data[: rng.randrange(0, max(1, len(data)))]
    if how == "flip_bytes":
        return hostile.flip_compressed_sheet_bytes(data, rng.randint(1, 64), rng.randrange(1000))
    if how == "garble_xml":
        return hostile.garble_sheet_xml(data, rng.randint(1, 64), rng.randrange(1000))
    if how == "shared_strings_bomb":
        return hostile.shared_strings_bomb(["Order ID", "SKU ID", "Quantity", "Created Time"], 40_000)
    if how == "far_cell":
        return hostile.far_cell_sheet(["Order ID", "SKU ID", "Quantity"], rng.choice(["XFD", "AMK"]), rng.randint(2, 50))
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    cells = [c for row in ws.iter_rows() for c in row]
    if how == "headerless_personal_data":
        ws.delete_rows(1)
        for k, canary in enumerate(CANARIES):
            ws.cell(row=1, column=k + 1).value = canary
    elif how in ("huge_cell", "formula_cells") and cells:
        cell = rng.choice(cells)
        cell.value = "x" * 1_000_000 if how == "huge_cell" else '=HYPERLINK("http://evil.example","x")'
    elif how == "duplicate_column":
        col = rng.randint(1, max(1, ws.max_column))
        for r in range(1, ws.max_row + 1):
            ws.cell(row=r, column=ws.max_column + 1).value = ws.cell(row=r, column=col).value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


TEXT_HOW = ["truncate", "random_bytes", "drop_column", "duplicate_column", "conflicting_column", "wrong_delimiter",
            "embedded_delimiter", "encoding", "huge_cell", "formula_cells", "headerless_personal_data"]
XLSX_HOW = ["truncate", "flip_bytes", "garble_xml", "shared_strings_bomb", "far_cell", "headerless_personal_data",
            "huge_cell", "formula_cells", "duplicate_column"]

mutation = st.one_of(
    st.tuples(st.sampled_from(TEXT), st.sampled_from(TEXT_HOW), st.integers(0, 2**32)),
    st.tuples(st.sampled_from(XLSX), st.sampled_from(XLSX_HOW), st.integers(0, 2**32)),
)


def _mutated(fixture: Path, how: str, seed: int) -> bytes:
    rng = random.Random(seed)
    data = fixture.read_bytes()
    return (_xlsx_mutation if fixture.suffix == ".xlsx" else _text_mutation)(data, how, rng)


# ------------------------------------------------------------------ the property


def _leaks(home: Path) -> list[str]:
    """Personal data found under home outside inbox/archive/quarantine: in any table, or in any other file's bytes."""
    found = []
    allowed = {home / "inbox", home / "archive", home / "quarantine"}
    for path in home.rglob("*"):
        if not path.is_file() or any(a in path.parents for a in allowed) or path.suffix == ".duckdb":
            continue
        body = path.read_bytes()
        found += [f"{path.name}: {v}" for v in PII if v.encode() in body]
    with duckdb.connect(str(home / "warehouse.duckdb"), read_only=True) as conn:
        cols = conn.execute("SELECT table_schema, table_name, list(column_name) FROM information_schema.columns "
                            "WHERE data_type IN ('VARCHAR', 'JSON') GROUP BY ALL").fetchall()
        needles = [v.lower() for v in PII]
        for schema, table, columns in cols:
            joined = ", ".join(f'CAST("{c}" AS VARCHAR)' for c in columns)
            for (text,) in conn.execute(f'SELECT lower(concat_ws(chr(31), {joined})) FROM "{schema}"."{table}"').fetchall():
                found += [f"{table}: {v}" for v in needles if text and v in text]
    return found


@pytest.mark.slow  # Hypothesis over every fixture, each example a load: 92 s in a loaded unit lane
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture, HealthCheck.data_too_large])
@given(st.lists(mutation, min_size=1, max_size=3))
def test_mutated_exports_end_loaded_or_quarantined(tmp_path_factory, monkeypatch, mutations):
    from orchestration import settings as tsw
    from orchestration.formats import load_formats
    from orchestration.ingest import ingest_paths

    base = tmp_path_factory.mktemp("mut")
    home, scratch = base / "home", base / "system-tmp"
    scratch.mkdir()
    monkeypatch.setenv("TSW_HOME", str(home))
    monkeypatch.setenv("TSW_XLSX_MAX_SHARED_STRINGS", "20000")
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    tsw.inbox_dir().mkdir(parents=True)
    paths = []
    for i, (fixture, how, seed) in enumerate(mutations):
        path = tsw.inbox_dir() / f"{i}-{fixture.name}"
        path.write_bytes(_mutated(fixture, how, seed))
        paths.append(path)
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

    results = ingest_paths(paths)

    assert len(results) == len(paths)
    assert all(not p.exists() for p in paths)  # each filed away: archive or quarantine
    tables = {f.kind: f.raw_table for f in load_formats()}
    with duckdb.connect(str(tsw.warehouse_path()), read_only=True) as conn:
        log = conn.execute("SELECT status, rule, rows_read, rows_loaded, rows_quarantined FROM raw._load_log").fetchall()
        for r in results:
            assert r.status in ("loaded", "duplicate", "quarantined_file"), r
            if r.status == "quarantined_file":
                assert r.rule and r.message and r.file in r.message, r
                assert (tsw.quarantine_dir() / (Path(r.stored_as).name + ".reason.txt")).exists()
            assert r.rows_read == r.rows_loaded + r.rows_quarantined, r
            if r.status == "loaded":
                n = conn.execute(f'SELECT count(*) FROM raw."{tables[r.kind]}" WHERE _batch_id = ?', [r.batch_id]).fetchone()[0]
                q = conn.execute("SELECT count(*) FROM raw._quarantined_rows WHERE batch_id = ?", [r.batch_id]).fetchone()[0]
                assert (n, q) == (r.rows_loaded, r.rows_quarantined), r
    assert len(log) == sum(r.status != "duplicate" for r in results)
    assert all(row[2] == row[3] + row[4] for row in log)
    assert _leaks(home) == []
    assert list(scratch.iterdir()) == []  # nothing left behind outside the home
    assert (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss) / 1024 < 800  # MB
    shutil.rmtree(base, ignore_errors=True)
