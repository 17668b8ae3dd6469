"""Ingest cost versus a plain DuckDB read of the same file (a benchmark, not a test).

    .venv/bin/python benchmarks/bench_ingest.py [--rows 1000000] [--workdir /tmp/bench-ingest]

Writes a TikTok "All order" CSV in the real layout (BOM, CRLF, TAB after IDs and times, quoted
multi-line Shipping Information, order-level amounts repeated per SKU line, one Excel-damaged ID
every 50,000 rows), then measures side by side in one run:
  plain  = CREATE TABLE AS SELECT * FROM read_csv(all_varchar) into a fresh DuckDB file
  ingest = orchestration.ingest.ingest_file into a fresh warehouse (hash + encoding pass, detection,
           SQL parsing of every value, GX gate, raw insert, quarantine, load log)
and prints ingest/plain. It also checks that `_row_number` is the file's record order (Tracking ID
carries the record number), which the quarantine messages rely on.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import sys
import time
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from orchestration.formats import get_format


def write_orders_csv(path: Path, rows: int) -> None:
    headers = [c for c in get_format("tiktok_orders").columns]
    names = [c.aliases[0] for c in headers]
    names[names.index("Virtual Bundle Seller SKU")] = " Virtual Bundle Seller SKU"
    tabbed = {"Order ID", "SKU ID", "Product ID", "Package ID", "Zipcode"} | {n for n in names if n.endswith(" Time")}
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\r\n")
        writer.writerow(names)
        order = 576461234500000000
        i = 0
        while i < rows:
            order += 1
            lines = 1 + (order % 3 == 0)
            for line in range(lines):
                if i >= rows:
                    break
                i += 1
                day = 1 + i % 28
                hour = 1 + i % 12
                values = {
                    "Order ID": str(order) if i % 50_000 else "9.43461E+21", "Order Status": "Completed",
                    "Normal or Pre-order": "Normal", "SKU ID": str(1729384756102938475 + line + (i % 40)),
                    "Seller SKU": f"SKU-{i % 40:03d}", "Product ID": str(1729000000000000001 + i % 40),
                    "Product Name": f"Product {i % 40}, 30ml", "Variation": "Default", "Quantity": str(1 + i % 3),
                    "SKU Unit Original Price": "19.99", "SKU Subtotal Before Discount": "39.98",
                    "SKU Platform Discount": "2", "SKU Seller Discount": "0", "SKU Subtotal After Discount": "37.98",
                    "Shipping Fee After Discount": "5.99", "Original Shipping Fee": "5.99", "Taxes": "3.10",
                    "Order Amount": "47.07", "Order Refund Amount": "0",
                    "Created Time": f"10/{day:02d}/2025 {hour}:14:02 PM", "Paid Time": f"10/{day:02d}/2025 {hour}:15:40 PM",
                    "Shipped Time": f"10/{min(day + 1, 28):02d}/2025 9:00:00 AM", "Delivered Time": "",
                    "Fulfillment Type": "Fulfillment by seller", "Tracking ID": str(i),
                    "Buyer Username": f"buyer_{i % 100_000}", "Buyer Nickname": "B**** U****", "Recipient": "Jane Roe",
                    "Phone #": "(213) 555-0100", "Country": "United States", "State": "California", "City": "Pasadena",
                    "Zipcode": "91101", "Address Line 1": "1 Main St", "Payment Method": "Credit card",
                    "Weight(kg)": "0.25", "Package ID": str(1154433221100000000 + i),
                    "Shipping Information": "Jane Roe\n1 Main St\nPasadena, CA 91101", "Order Channel": "TikTok",
                }
                writer.writerow([
                    (values.get(n.strip(), "") + "\t") if n in tabbed else values.get(n.strip(), "") for n in names
                ])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--workdir", default="/tmp/bench-ingest")
    parser.add_argument("--reuse-file", action="store_true", help="keep a CSV already written in workdir")
    args = parser.parse_args()
    work = Path(args.workdir)
    src = work / "All order-2025-10-31-09_15.csv"
    keep = args.reuse_file and src.exists()
    for child in (work.iterdir() if work.exists() else []):
        if not (keep and child == src):
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    work.mkdir(parents=True, exist_ok=True)
    os.environ["TSW_HOME"] = str(work / "home")
    if not keep:
        t = time.perf_counter()
        write_orders_csv(src, args.rows)
        print(f"wrote {args.rows:,} rows, {src.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - t:.1f}s")

    from orchestration.ingest import ProgressEvent, ingest_file, open_warehouse
    from orchestration.ingest.validation import _gx

    _gx()  # GX's one-off import cost (seconds) is paid once per process, not per file: keep it out

    plain_db = work / "plain.duckdb"
    t = time.perf_counter()
    with duckdb.connect(str(plain_db)) as conn:
        conn.execute(
            f"CREATE TABLE t AS SELECT * FROM read_csv('{src}', delim = ',', quote = '\"', escape = '\"', "
            "header = true, all_varchar = true)"
        )
        plain_rows = conn.execute("SELECT count(*) FROM t").fetchone()[0]
    plain = time.perf_counter() - t

    stages: dict[str, float] = {}
    last = [time.perf_counter(), "start"]

    def progress(event: ProgressEvent) -> None:
        if event.stage != last[1]:
            now = time.perf_counter()
            stages[last[1]] = stages.get(last[1], 0.0) + now - last[0]
            last[:] = [now, event.stage]

    conn = open_warehouse(work / "home" / "warehouse.duckdb")
    t = time.perf_counter()
    result = ingest_file(conn, src, on_event=progress)
    ingest = time.perf_counter() - t
    stages[last[1]] = stages.get(last[1], 0.0) + time.perf_counter() - last[0]
    misordered = conn.execute(
        "SELECT count(*) FROM raw.tiktok_orders WHERE CAST(tracking_id AS BIGINT) <> _row_number"
    ).fetchone()[0]
    conn.close()

    print(f"plain read_csv: {plain_rows:,} rows in {plain:.1f}s")
    print(f"ingest_file:    {result.rows_read:,} read, {result.rows_loaded:,} loaded, "
          f"{result.rows_quarantined:,} quarantined in {ingest:.1f}s ({result.status})")
    print("stages: " + ", ".join(f"{k} {v:.1f}s" for k, v in stages.items() if k != "start"))
    print(f"_row_number out of file order: {misordered}")
    print(f"RATIO ingest/plain = {ingest / plain:.2f}")


if __name__ == "__main__":
    main()
