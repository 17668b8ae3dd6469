"""The export gate's file-level rules, one by one, on a parsed TikTok orders file (DuckDB's `_parsed`, as the
loader leaves it): required columns present, keys non-null, known statuses, one currency per file, dates inside
the file's range — each rejects the file with its rule and a message naming the column, value and row."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from orchestration.formats import load_formats
from orchestration.ingest.sqlgen import ParsePlan
from orchestration.ingest.validation import validate_parsed

FMT = next(f for f in load_formats() if f.kind == "tiktok_orders")
HEADERS = {"order_id": "Order ID", "order_status": "Order Status", "sku_id": "SKU ID", "seller_sku": "Seller SKU",
           "quantity": "Quantity", "order_amount": "Order Amount", "created_time": "Created Time"}
ROWS = [  # _row_number, order_id, status, sku_id, currency of the amount, created day, _rule
    (1, "576000000000000001", "Delivered", "1729000000000000001", "USD", date(2025, 10, 3), None),
    (2, "576000000000000002", "Shipped", "1729000000000000002", "USD", date(2025, 10, 9), None),
    (3, "576000000000000003", "Delivered", "1729000000000000003", "USD", date(2025, 10, 20), None),
]


def parsed(rows=ROWS, columns=tuple(HEADERS)) -> duckdb.DuckDBPyConnection:
    conn = duckdb.connect()
    conn.execute("""create table _parsed (_row_number bigint, order_id varchar, order_status varchar,
        order_status__v varchar, sku_id varchar, seller_sku varchar, quantity bigint, order_amount double,
        order_amount__cur varchar, created_time timestamp, _rule varchar)""")
    for n, order, status, sku, currency, day, rule in rows:
        conn.execute("insert into _parsed values (?, ?, ?, ?, ?, 'TS-1', 1, 10.0, ?, ?, ?)",
                     [n, order, status, status, sku, currency, day, rule])
    return conn


def plan(columns=tuple(HEADERS)) -> ParsePlan:
    return ParsePlan(mapping={c: HEADERS[c] for c in columns}, headers={c: HEADERS[c] for c in columns},
                     date_lower=date(2025, 10, 1), date_upper=date(2025, 10, 31))


def rules(conn, the_plan=None) -> list[tuple[str, int | None, str]]:
    return [(v.rule, v.row, v.detail) for v in validate_parsed(conn, FMT, the_plan or plan(), "orders.csv")]


def test_a_clean_file_passes():
    assert rules(parsed()) == []


def test_a_missing_required_column_names_the_headers_expected():
    columns = tuple(c for c in HEADERS if c != "seller_sku")
    (found,) = rules(parsed(), plan(columns))
    assert found[:2] == ("required_column_missing", None)
    assert "'seller_sku' is missing" in found[2] and "expected a header like" in found[2]


def test_an_empty_key_names_its_header_and_first_row():
    rows = [ROWS[0], (2, None, "Shipped", "1729000000000000002", "USD", date(2025, 10, 9), None), ROWS[2],
            (4, None, "Shipped", "1729000000000000004", "USD", date(2025, 10, 9), None)]
    assert rules(parsed(rows)) == [("key_not_null", 2, "column 'Order ID' is empty")]


def test_a_quarantined_row_is_not_held_against_the_file():
    rows = [*ROWS, (4, None, "Teleported", "1729000000000000004", "EUR", date(2024, 1, 1), "order_id_present")]
    assert rules(parsed(rows)) == []


def test_an_unknown_status_is_listed_with_its_count_and_first_row():
    rows = [*ROWS, (4, "576000000000000004", "Teleported", "1729000000000000004", "USD", date(2025, 10, 9), None),
            (5, "576000000000000005", "Teleported", "1729000000000000005", "USD", date(2025, 10, 9), None)]
    (found,) = rules(parsed(rows))
    assert found[:2] == ("unknown_status", 4)
    assert "'Order Status'" in found[2] and "'Teleported' (2 rows, first at row 4)" in found[2]
    assert "formats/tiktok_orders.yaml" in found[2]


def test_two_currencies_reject_the_file_at_the_first_row_of_the_second():
    rows = [*ROWS, (4, "576000000000000004", "Shipped", "1729000000000000004", "GBP", date(2025, 10, 9), None)]
    detail = ("amounts in several currencies: USD (first at row 1), GBP (first at row 4); "
              "export one marketplace/currency per file")
    assert rules(parsed(rows)) == [("one_currency_per_file", 4, detail)]


@pytest.mark.parametrize("day", [date(2025, 9, 30), date(2025, 11, 1)])
def test_a_loaded_date_outside_the_files_range_rejects_it(day):
    rows = [*ROWS, (4, "576000000000000004", "Shipped", "1729000000000000004", "USD", day, None)]
    assert rules(parsed(rows)) == [("date_out_of_range", None, "loaded dates fall outside 2025-10-01..2025-10-31")]


@pytest.mark.slow  # loads a file in a fresh Python process: 3.8 s in a loaded unit lane
def test_loading_a_new_file_does_not_import_great_expectations(tmp_path):
    """GX's import cost a new file's `tsw ingest` 5-7 s of CPU; the gate no longer needs it."""
    import os
    import subprocess
    import sys

    from orchestration import settings

    export = settings.REPO_ROOT / "tests" / "fixtures" / "exports" / "tiktok" / "affiliate_orders_2025-10.csv"
    probe = ("import sys\nfrom pathlib import Path\nfrom orchestration.ingest import ingest_paths\n"
             f"(r,) = ingest_paths([Path({str(export)!r})])\n"
             "print(r.status, r.rows_loaded > 0, 'great_expectations' in sys.modules)")
    env = {**os.environ, "TSW_HOME": str(tmp_path / "home")}
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.split() == ["loaded", "True", "False"], out.stderr[-2000:]
