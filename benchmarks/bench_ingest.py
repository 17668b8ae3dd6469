"""Ingest cost versus DuckDB's own typed load of the same file (a benchmark, not a test).

    .venv/bin/python benchmarks/bench_ingest.py [--rows 1000000] [--repeat 3] [--workdir /tmp/bench-ingest]
                                                [--reuse-file] [--results benchmarks/RESULTS.md]

Writes a TikTok "All order" CSV in the real layout (BOM, CRLF, TAB after IDs and times, quoted
multi-line Shipping Information, order-level amounts repeated per SKU line, one Excel-damaged ID
every 50,000 rows), then measures side by side in one run, alternating, each in its own child process (peak RSS from wait4):
  typed  = ONE DuckDB statement: CREATE TABLE AS SELECT the stored columns (canonical names) FROM read_csv
           with the types the ingest stores (VARCHAR ids/texts, DECIMAL(18,2) money, BIGINT, DOUBLE,
           TIMESTAMP with the export's time format, a lone TAB read as NULL), into a fresh DuckDB file
  ingest = orchestration.ingest.ingest_file into a fresh warehouse (hash + encoding pass, detection,
           SQL parsing of every value, GX gate, raw insert, quarantine, load log)
Wall time is the work inside each child (imports and GX's one-off context, paid once per process, excluded);
the figure is the median of --repeat runs, peak RSS the largest. It also checks that `_row_number` is the
file's record order (Tracking ID carries the record number), which the quarantine messages rely on.
Target (issue 15): ingest <= 1.5x typed, peak RSS <= 4 GB. `--results` writes the figures into RESULTS.md
between `<!-- bench:ingest -->` markers (one table row per file size; other sections are left alone).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

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


TARGET_RATIO = 1.5
NOTES = """\
Before (landed code, issue 15): 1M lines peaked at 5.1 GB (4.9 GB in this session's profile), 2M at 9.4 GB, 10M
could not load on 24 GB; time 3.0-3.2x the issue's typed statement (this benchmark's reference types the values
in the CSV reader itself, which is faster); the ingest's own user CPU at 1M: 52 s before, 37-42 s after (same
file, profile runs). The memory target is met since the parse no longer
materialises a window over every parsed column and DuckDB is held to a 2 GB budget (DECISIONLOG 2026-12-02); peak
RSS no longer grows with the file (2.0 GB at 1M, 2.5 GB at 10M). The time target is not met: per the stage
column, parsing (one wide SQL statement cleaning and typing ~60 columns, regex and strptime fallbacks, into a
temporary table) is ~60 %, reading ~20 % (serial `read_csv`: `parallel = false` to count each record's fields
with quoted newlines, then a materialised `_src`), writing ~15 % (a second copy into raw). Left: parse straight
from the reader into the raw table (one pass, quarantine by a second filtered pass), a parallel read when no
field holds a newline, and fast paths for values already clean. Wall times were taken with load average 6-17 from
other sessions on the 2 cores; the CPU column is the steadier comparison."""
TARGET_RSS_GB = 4.0
TIME_FORMAT = "%m/%d/%Y %I:%M:%S %p"  # the TikTok export's times (the ingest reads them as the `us`/slash family)


def typed_load_sql(src: Path) -> str:
    """One statement reading the file into a typed table: the columns the ingest stores, with its types."""
    from orchestration.ingest.sqlgen import lit, q, sql_type

    fmt = get_format("tiktok_orders")
    with open(src, encoding="utf-8-sig", newline="") as fh:
        headers = next(csv.reader(fh))
    found = {canonical: header for canonical, header in fmt.match_headers([h.strip() for h in headers]).items()}
    by_header = {header: canonical for canonical, header in found.items()}
    declared, select = {}, []
    for header in headers:
        canonical = by_header.get(header.strip())
        col = fmt.column(canonical) if canonical else None
        declared[header] = sql_type(col) if col is not None and col.stored else "VARCHAR"
        if col is not None and col.stored:
            select.append(f"{q(header)} AS {q(canonical)}")
    columns = "{" + ", ".join(f"{lit(h)}: {lit(t)}" for h, t in declared.items()) + "}"
    return (
        f"CREATE TABLE t AS SELECT {', '.join(select)} FROM read_csv({lit(str(src))}, delim = ',', quote = '\"', "
        f"escape = '\"', header = true, auto_detect = false, columns = {columns}, "
        f"timestampformat = {lit(TIME_FORMAT)}, nullstr = ['', {lit(chr(9))}])"  # a lone TAB is an empty time
    )


def child_typed(work: Path, src: Path, run: int) -> dict:
    db = work / f"typed-{run}.duckdb"
    db.unlink(missing_ok=True)
    sql = typed_load_sql(src)
    with duckdb.connect(str(db)) as conn:
        t = time.perf_counter()
        conn.execute(sql)
        wall = time.perf_counter() - t
        rows = conn.execute("SELECT count(*) FROM t").fetchone()[0]
    db.unlink(missing_ok=True)
    return {"wall": wall, "rows": rows}


def child_ingest(work: Path, src: Path, run: int) -> dict:
    home = work / f"home-{run}"
    shutil.rmtree(home, ignore_errors=True)
    os.environ["TSW_HOME"] = str(home)
    from orchestration.ingest import ProgressEvent, ingest_file, open_warehouse
    from orchestration.quality.gx import _pandas_batch_definition

    _pandas_batch_definition()  # GX's import and context (seconds) are paid once per process, not per file
    stages: dict[str, float] = {}
    last = [time.perf_counter(), "start"]

    def progress(event: ProgressEvent) -> None:
        if event.stage != last[1]:
            now = time.perf_counter()
            stages[last[1]] = stages.get(last[1], 0.0) + now - last[0]
            last[:] = [now, event.stage]

    conn = open_warehouse(home / "warehouse.duckdb")
    t = time.perf_counter()
    result = ingest_file(conn, src, on_event=progress)
    wall = time.perf_counter() - t
    stages[last[1]] = stages.get(last[1], 0.0) + time.perf_counter() - last[0]
    misordered = conn.execute(
        "SELECT count(*) FROM raw.tiktok_orders WHERE CAST(tracking_id AS BIGINT) <> _row_number"
    ).fetchone()[0]
    conn.close()
    shutil.rmtree(home, ignore_errors=True)
    return {"wall": wall, "rows": result.rows_read, "loaded": result.rows_loaded,
            "quarantined": result.rows_quarantined, "status": result.status, "misordered": misordered,
            "stages": {k: round(v, 2) for k, v in stages.items() if k not in ("start", "done")}}


def measure(kind: str, work: Path, src: Path, run: int) -> dict:
    """One child process; its own peak RSS from wait4 (RUSAGE_CHILDREN would mix the children)."""
    out = work / f"{kind}-{run}.json"
    proc = subprocess.Popen([sys.executable, __file__, "--child", kind, "--workdir", str(work),
                             "--run", str(run), "--src", str(src)])
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"{kind} run {run} failed (exit {proc.returncode})")
    figures = json.loads(out.read_text())
    out.unlink()
    figures["peak_rss_gb"] = usage.ru_maxrss / 1024 / 1024  # Linux: KiB
    figures["user_s"] = usage.ru_utime
    return figures


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor() or "unknown CPU")
    mem = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal"))
    return f"{os.cpu_count()} cores ({cpu}), {mem / 1024 / 1024:.0f} GB RAM, Python {platform.python_version()}, DuckDB {duckdb.__version__}"


TABLE_HEAD = (
    "| lines | file | typed load (median) | tsw ingest (median) | ratio | peak RSS typed / ingest | target met | "
    "CPU typed / ingest (median, process), ingest stages (last run) | date, runs |\n|---|---|---|---|---|---|---|---|---|"
)


def write_results(path: Path, row_key: str, row: str, command: str) -> None:
    """This benchmark's section of RESULTS.md (`results.write_section`: other sections are left alone), one table
    row per file size: a run replaces its size's row and keeps the others."""
    import results as R

    text = path.read_text(encoding="utf-8") if path.exists() else ""
    rows: dict[str, str] = {}
    found = re.search(r"<!-- bench:ingest -->\n(.*?)<!-- /bench:ingest -->", text, re.DOTALL)
    for line in (found.group(1) if found else "").splitlines():
        m = re.match(r"\| ([0-9,]+) \|", line)
        if m:
            rows[m.group(1)] = line
    rows[row_key] = row
    ordered = [rows[k] for k in sorted(rows, key=lambda k: int(k.replace(",", "")))]
    body = (
        f"Machine: {machine()}. Command: `{command}`, one invocation per file size "
        "(each row's last column says how many runs its medians cover).\n"
        "typed load = one DuckDB statement reading the file into a table with the ingest's stored columns and types; "
        "tsw ingest = `ingest_file` (hash + encoding pass, detection, SQL parsing, GX gate, raw insert, quarantine, "
        "load log). Both side by side in one run, alternating, each in its own process; wall time excludes imports. "
        f"Targets: ratio <= {TARGET_RATIO}x, ingest peak RSS <= {TARGET_RSS_GB:.0f} GB.\n\n"
        f"{TABLE_HEAD}\n" + "\n".join(ordered) + "\n\n" + NOTES
    )
    R.write_section("ingest", body, path)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side (the median is reported)")
    parser.add_argument("--workdir", default="/tmp/bench-ingest")
    parser.add_argument("--reuse-file", action="store_true", help="keep a CSV already written in workdir")
    parser.add_argument("--results", help="write this benchmark's section into this RESULTS.md")
    parser.add_argument("--child", choices=["typed", "ingest"], help=argparse.SUPPRESS)
    parser.add_argument("--run", type=int, default=0, help=argparse.SUPPRESS)
    parser.add_argument("--src", help=argparse.SUPPRESS)
    args = parser.parse_args()
    work = Path(args.workdir)
    if args.child:
        figures = (child_typed if args.child == "typed" else child_ingest)(work, Path(args.src), args.run)
        (work / f"{args.child}-{args.run}.json").write_text(json.dumps(figures))
        return

    src = work / "All order-2025-10-31-09_15.csv"
    keep = args.reuse_file and src.exists()
    for child in (work.iterdir() if work.exists() else []):
        if not (keep and child == src):
            shutil.rmtree(child) if child.is_dir() else child.unlink()
    work.mkdir(parents=True, exist_ok=True)
    if not keep:
        t = time.perf_counter()
        write_orders_csv(src, args.rows)
        print(f"wrote {args.rows:,} rows, {src.stat().st_size / 1e6:.0f} MB in {time.perf_counter() - t:.1f}s")

    typed, ingest = [], []
    for run in range(args.repeat):
        typed.append(measure("typed", work, src, run))
        ingest.append(measure("ingest", work, src, run))
        print(f"run {run + 1}: typed {typed[-1]['wall']:.1f}s {typed[-1]['peak_rss_gb']:.2f} GB | ingest "
              f"{ingest[-1]['wall']:.1f}s {ingest[-1]['peak_rss_gb']:.2f} GB {ingest[-1]['stages']}", flush=True)
    last = ingest[-1]
    if last["misordered"] or last["rows"] != typed[-1]["rows"] or last["loaded"] + last["quarantined"] != last["rows"]:
        raise SystemExit(f"ingest result wrong: {last} (typed read {typed[-1]['rows']} rows)")
    t_wall = statistics.median(r["wall"] for r in typed)
    i_wall = statistics.median(r["wall"] for r in ingest)
    t_rss = max(r["peak_rss_gb"] for r in typed)
    i_rss = max(r["peak_rss_gb"] for r in ingest)
    ratio = i_wall / t_wall
    # Both sides' user CPU (the child's, whole process): on a shared machine wall time also measures the other jobs.
    t_cpu = statistics.median(r["user_s"] for r in typed)
    i_cpu = statistics.median(r["user_s"] for r in ingest)
    met = [f"ratio {'met' if ratio <= TARGET_RATIO else 'NOT met'}", f"memory {'met' if i_rss <= TARGET_RSS_GB else 'NOT met'}"]
    print(f"typed load:  {typed[-1]['rows']:,} rows, median {t_wall:.1f}s, peak {t_rss:.2f} GB")
    print(f"tsw ingest:  {last['rows']:,} read, {last['loaded']:,} loaded, {last['quarantined']:,} quarantined, "
          f"median {i_wall:.1f}s, peak {i_rss:.2f} GB ({last['status']}); _row_number out of order: {last['misordered']}")
    print(f"RATIO ingest/typed = {ratio:.2f} (target <= {TARGET_RATIO}); peak RSS ingest {i_rss:.2f} GB "
          f"(target <= {TARGET_RSS_GB:.0f}); {', '.join(met)}; user CPU {t_cpu:.1f} / {i_cpu:.1f} s ({i_cpu / t_cpu:.2f}x)")
    if args.results:
        stages = f"user CPU {t_cpu:.1f} / {i_cpu:.1f} s ({i_cpu / t_cpu:.2f}x); " + ", ".join(
            f"{k} {v:.0f}s" for k, v in last["stages"].items())
        key = f"{args.rows:,}"
        row = (f"| {key} | {src.stat().st_size / 1e6:,.0f} MB | {t_wall:.1f} s | {i_wall:.1f} s | **{ratio:.2f}x** | "
               f"{t_rss:.2f} / {i_rss:.2f} GB | {'; '.join(met)} | {stages} | "
               f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, median of {args.repeat} |")
        write_results(Path(args.results), key, row,
                      "python benchmarks/bench_ingest.py --rows <lines> --repeat 3 --results benchmarks/RESULTS.md")
        print(f"wrote {args.results}")


if __name__ == "__main__":
    main()
