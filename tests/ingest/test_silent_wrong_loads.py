"""Loads that used to be silently wrong: shifted rows, repeated headers, absent columns, UTF-16 exports."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from orchestration import settings
from orchestration.ingest import ingest_paths

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "exports"
AMAZON = "amazon/All Orders Report 2025-10.txt"
TT_CSV = "tiktok/All order-2025-10-31-09_15.csv"


def _drop(name: str, data: bytes) -> Path:
    settings.inbox_dir().mkdir(parents=True, exist_ok=True)
    path = settings.inbox_dir() / name
    path.write_bytes(data)
    return path


def _rows(rel: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO((FIXTURES / rel).read_text(encoding="utf-8-sig"), newline="")))


def _csv(rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue().encode("utf-8-sig")


@pytest.mark.slow  # a real file load through the whole ingest engine: 2.1 s in a loaded unit lane
def test_tab_inside_an_amazon_field_quarantines_the_shifted_row(home, query):
    data = (FIXTURES / AMAZON).read_bytes().replace(b"Hydrogel Eye Mask", b"Hydrogel\tEye Mask")
    (r,) = ingest_paths([_drop(Path(AMAZON).name, data)])
    assert (r.status, r.rows_read, r.rows_loaded, r.rows_quarantined) == ("loaded", 2, 1, 1)
    (rule, reason, original) = query("SELECT rule, reason, original_values FROM raw._quarantined_rows")[0]
    assert rule == "field_count_mismatch" and "34 fields where the header has 33" in reason
    assert original == "{}"  # its cells sit under the wrong headers: a dropped city would show as a state
    # Nothing shifted was loaded: every stored state is a state, every ZIP a ZIP3.
    assert query("SELECT ship_state, ship_zip3, ship_country FROM raw.amazon_all_orders") == [("CA", "911", "US")]
    assert "field_count_mismatch: 1 rows, first at row 2" in r.message


@pytest.mark.slow  # a real file load through the whole ingest engine: 3.8 s in a loaded unit lane
def test_short_row_is_quarantined_not_padded(home, query):
    rows = _rows(TT_CSV)
    rows[2] = rows[2][:20]  # a record cut short (its line ended early)
    (r,) = ingest_paths([_drop(Path(TT_CSV).name, _csv(rows))])
    assert r.status == "loaded" and r.rows_read == r.rows_loaded + r.rows_quarantined == 4
    assert ("field_count_mismatch", 2) in query("SELECT rule, row_number FROM raw._quarantined_rows")


def test_header_twice_with_different_values_rejects_the_file(home, query):
    rows = _rows(TT_CSV)
    i = rows[0].index("Quantity")
    for row in rows:
        row.append(row[i])
    rows[3][-1] = "9"
    (r,) = ingest_paths([_drop(Path(TT_CSV).name, _csv(rows))])
    assert (r.status, r.rule) == ("quarantined_file", "duplicate_header_conflict")
    assert "'Quantity' appears 2 times with different values (first difference at row 3)" in r.message
    assert query("SELECT count(*) FROM raw.tiktok_orders") == [(0,)]


@pytest.mark.slow  # a real file load through the whole ingest engine: 3.4 s in a loaded unit lane
def test_header_twice_with_identical_values_loads_with_a_note(home, query):
    rows = _rows(TT_CSV)
    i = rows[0].index("Quantity")
    for row in rows:
        row.insert(3, row[i])
    (r,) = ingest_paths([_drop(Path(TT_CSV).name, _csv(rows))])
    assert r.status == "loaded" and (r.rows_loaded, r.rows_quarantined) == (3, 1)
    assert "header 'Quantity' appears 2 times with identical values; the first is used" in r.message
    assert query("SELECT sum(quantity) FROM raw.tiktok_orders") == [(4,)]


@pytest.mark.slow  # a real file load through the whole ingest engine: 3.3 s in a loaded unit lane
def test_dropped_optional_column_is_noted_in_the_load_log(home, query):
    rows = _rows(TT_CSV)
    j = rows[0].index("SKU Seller Discount")
    for row in rows:
        del row[j]
    (r,) = ingest_paths([_drop(Path(TT_CSV).name, _csv(rows))])
    assert r.status == "loaded"
    (message,) = query("SELECT message FROM raw._load_log")[0]
    assert "optional columns absent from this file, loaded as empty: 'SKU Seller Discount'" in message


@pytest.mark.slow  # a real file load through the whole ingest engine: 6.4 s in a loaded unit lane
@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be-bom", "utf-16-le-bom"])
def test_utf16_exports_load(home, query, encoding):
    text = (FIXTURES / AMAZON).read_text(encoding="utf-8-sig")
    data = {
        "utf-16": text.encode("utf-16"),
        "utf-16-be-bom": b"\xfe\xff" + text.encode("utf-16-be"),
        "utf-16-le-bom": b"\xff\xfe" + text.encode("utf-16-le"),
    }[encoding]
    (r,) = ingest_paths([_drop(Path(AMAZON).name, data)])
    assert (r.status, r.rows_loaded) == ("loaded", 2), r.message
    names = [n for (n,) in query("SELECT product_name FROM raw.amazon_all_orders ORDER BY 1")]
    assert names[1] == "Vitamin C Serum “Glow” 30ml – café edition"
    assert query("SELECT encoding FROM raw._load_log")[0][0].startswith("utf-16")
