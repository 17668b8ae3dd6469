"""A TikTok orders file large enough to cross DuckDB's vector and row-group sizes, written in the real layout
by the ingest benchmark's generator: the narrow `_parsed`, the positional `_lines` join and the unsorted
raw insert must keep record numbers, line positions, row accounting and hashing exactly as before."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from orchestration.ingest import ingest_file, open_warehouse

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_ingest.py"
ROWS = 130_000  # > one DuckDB row group (122,880 rows); holds Excel-damaged IDs at records 50,000 and 100,000


def _writer():
    spec = importlib.util.spec_from_file_location("bench_ingest", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.write_orders_csv


@pytest.fixture(scope="module")
def big_csv(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("big") / "All order-2025-10-31-09_15.csv"
    _writer()(path, ROWS)
    return path


@pytest.mark.slow  # writes and loads a large file: 75 s with its setup in a loaded unit lane
def test_large_file_keeps_record_order_lines_and_accounting(big_csv, home):
    conn = open_warehouse(home / "warehouse.duckdb")
    try:
        before = conn.execute("SELECT current_setting('memory_limit')").fetchone()[0]
        result = ingest_file(conn, big_csv)
        # The ingest's memory budget is its own: the caller's connection gets its setting back.
        assert conn.execute("SELECT current_setting('memory_limit')").fetchone()[0] == before
        assert (result.status, result.rows_read, result.rows_loaded, result.rows_quarantined) == (
            "loaded", ROWS, ROWS - 2, 2)
        # Tracking ID carries the record number: `_row_number` is the file's record order, every row.
        assert conn.execute(
            "SELECT count(*) FROM raw.tiktok_orders WHERE CAST(tracking_id AS BIGINT) <> _row_number"
        ).fetchone() == (0,)
        # Stored in record order too (the raw insert no longer sorts).
        assert conn.execute(
            "SELECT count(*) FROM (SELECT _row_number, lag(_row_number) OVER () AS prev FROM raw.tiktok_orders) "
            "WHERE _row_number <= prev"
        ).fetchone() == (0,)
        # Each line's position within its order, recomputed independently from the loaded rows.
        assert conn.execute(
            "SELECT count(*) FROM (SELECT _line_in_order, row_number() OVER (PARTITION BY order_id ORDER BY "
            "_row_number) AS expected FROM raw.tiktok_orders) WHERE _line_in_order IS DISTINCT FROM expected"
        ).fetchone() == (0,)
        assert conn.execute("SELECT max(_line_in_order), count(*) FILTER (WHERE _line_in_order = 2) "
                            "FROM raw.tiktok_orders").fetchone()[0] == 2
        # The quarantined rows: named by record and rule, original cells kept, personal data left out.
        rows = conn.execute(
            "SELECT row_number, rule, reason, original_values::VARCHAR FROM raw._quarantined_rows ORDER BY 1"
        ).fetchall()
        assert [(r[0], r[1]) for r in rows] == [(50_000, "excel_damaged_id"), (100_000, "excel_damaged_id")]
        assert "9.43461E+21" in rows[0][2] and json.loads(rows[0][3])["Order ID"] == "9.43461E+21"
        assert not any(s in rows[0][3] for s in ("Jane Roe", "555-0100", "buyer_", "1 Main St"))
        # Buyers hashed, never in clear.
        assert conn.execute(
            "SELECT count(*) FROM raw.tiktok_orders WHERE NOT regexp_full_match(buyer_key, '[0-9a-f]{64}')"
        ).fetchone() == (0,)
        assert conn.execute("SELECT count(DISTINCT buyer_key) FROM raw.tiktok_orders").fetchone() == (99_998,)  # buyer_0 and buyer_50000 sit on the two quarantined rows only
        assert not conn.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_name IN ('_src', '_parsed', '_lines')"
        ).fetchone()[0]
    finally:
        conn.close()
