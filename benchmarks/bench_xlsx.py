"""`tsw ingest` of a TikTok "All order" XLSX read by python-calamine vs openpyxl (a benchmark, not a test).

    .venv/bin/python benchmarks/bench_xlsx.py [--rows 50000] [--repeat 3] [--workdir /tmp/bench-xlsx] [--results]

Writes the export as TikTok Shop does (sheet OrderSKUList, a description row under the header, IDs and times as
text with their trailing TAB, amounts and quantities as numbers; 50,000 rows is the export's own cap), then
measures `ingest_file` on it side by side in one run, alternating, each in its own child process:
  openpyxl = TSW_XLSX_READER=openpyxl (the streamed read every XLSX took before)
  calamine = TSW_XLSX_READER unset: `readers.read_xlsx` reads the sheet with python-calamine
Wall time is the work inside each child (imports and GX's one-off context excluded); figures are medians of
--repeat runs, peak RSS (wait4) the largest. Both runs must load the same rows with the same values (checked:
a digest of every loaded row). `--results` writes the section `xlsx` of benchmarks/RESULTS.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_ingest import write_orders_csv

NUMERIC = {"money", "int", "decimal"}


def write_orders_xlsx(path: Path, rows: int, work: Path) -> None:
    from orchestration.formats import get_format
    from tsw_demo.exports.files import write_xlsx

    src = work / "orders.csv"
    write_orders_csv(src, rows)
    fmt = get_format("tiktok_orders")
    by_header = {a: c for c in fmt.columns for a in c.aliases}
    with open(src, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        types = [by_header[h.strip()].type if h.strip() in by_header else "text" for h in header]
        sheet = [header, [f"{h.strip()} of the order line." for h in header]]
        for record in reader:
            sheet.append([_number(v) if t in NUMERIC and v else v for v, t in zip(record, types)])
    src.unlink()
    write_xlsx(path, [("OrderSKUList", sheet)])


def _number(text: str):
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        return text
    return int(value) if value.is_integer() else value


def child(work: Path, src: Path, run: int, reader: str) -> dict:
    home = work / f"home-{reader}-{run}"
    shutil.rmtree(home, ignore_errors=True)
    os.environ["TSW_HOME"] = str(home)
    if reader == "openpyxl":
        os.environ["TSW_XLSX_READER"] = "openpyxl"
    else:
        os.environ.pop("TSW_XLSX_READER", None)
    from orchestration.ingest import ingest_file, open_warehouse, xlsx
    from orchestration.quality.gx import _pandas_batch_definition

    _pandas_batch_definition()
    conn = open_warehouse(home / "warehouse.duckdb")
    t = time.perf_counter()
    result = ingest_file(conn, src)
    wall = time.perf_counter() - t
    digest = conn.execute(
        "SELECT count(*), sum(hash(order_id, sku_id, quantity, order_amount, created_time, _row_number)) "
        "FROM raw.tiktok_orders"
    ).fetchone()
    conn.close()
    shutil.rmtree(home, ignore_errors=True)
    return {"wall": wall, "rows": result.rows_read, "loaded": result.rows_loaded, "status": result.status,
            "quarantined": result.rows_quarantined, "digest": [int(digest[0]), str(digest[1])],
            "opens": xlsx.open_count()}


def measure(work: Path, src: Path, run: int, reader: str) -> dict:
    out = work / f"{reader}-{run}.json"
    proc = subprocess.Popen([sys.executable, __file__, "--child", reader, "--workdir", str(work), "--run", str(run),
                             "--src", str(src)])
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{reader} run {run} failed")
    figures = json.loads(out.read_text())
    out.unlink()
    figures["peak_rss_mb"] = usage.ru_maxrss / 1024
    figures["user_s"] = usage.ru_utime
    return figures


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=50_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--workdir", default="/tmp/bench-xlsx")
    ap.add_argument("--results", action="store_true", help="write the section `xlsx` of benchmarks/RESULTS.md")
    ap.add_argument("--child", choices=["openpyxl", "calamine"], help=argparse.SUPPRESS)
    ap.add_argument("--run", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--src", help=argparse.SUPPRESS)
    args = ap.parse_args()
    work = Path(args.workdir)
    if args.child:
        figures = child(work, Path(args.src), args.run, args.child)
        (work / f"{args.child}-{args.run}.json").write_text(json.dumps(figures))
        return
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    src = work / "All order-2025-10-31-09_15.xlsx"
    t = time.perf_counter()
    write_orders_xlsx(src, args.rows, work)
    print(f"wrote {args.rows:,} rows, {src.stat().st_size / 1e6:.1f} MB in {time.perf_counter() - t:.1f}s", flush=True)

    runs: dict[str, list[dict]] = {"openpyxl": [], "calamine": []}
    for run in range(args.repeat):
        for reader, done in runs.items():
            done.append(measure(work, src, run, reader))
            r = done[-1]
            print(f"run {run + 1} {reader}: {r['wall']:.1f}s wall, {r['user_s']:.1f}s user, "
                  f"{r['peak_rss_mb']:.0f} MB, {r['loaded']:,} loaded", flush=True)
    a, b = runs["openpyxl"][-1], runs["calamine"][-1]
    if a["digest"] != b["digest"] or a["rows"] != b["rows"] or a["status"] != "loaded":
        raise SystemExit(f"the two readers loaded different rows: {a} vs {b}")
    med = {k: statistics.median(r["wall"] for r in v) for k, v in runs.items()}
    cpu = {k: statistics.median(r["user_s"] for r in v) for k, v in runs.items()}
    rss = {k: max(r["peak_rss_mb"] for r in v) for k, v in runs.items()}
    ratio = med["openpyxl"] / med["calamine"]
    print(f"openpyxl {med['openpyxl']:.1f}s / calamine {med['calamine']:.1f}s = {ratio:.1f}x faster; "
          f"peak {rss['openpyxl']:.0f} / {rss['calamine']:.0f} MB; same {a['loaded']:,} rows loaded")
    if args.results:
        import results as R

        R.write_section("xlsx", "\n".join([
            R.stamp(f"python benchmarks/bench_xlsx.py --rows {args.rows} --repeat {args.repeat} --results"),
            "",
            (f"A TikTok \"All order\" XLSX of {args.rows:,} rows ({src.stat().st_size / 1e6:.1f} MB; the export's "
             "own cap is 50,000 rows) through `ingest_file`, each reader in its own process, alternating; median of "
             f"{args.repeat} runs; both loaded the same {a['loaded']:,} rows (a digest of every loaded row)."),
            "",
            "| reader | ingest wall s | user CPU s | peak RSS MB |",
            "|---|---:|---:|---:|",
            f"| openpyxl (streamed, before) | {med['openpyxl']:.1f} | {cpu['openpyxl']:.1f} | {rss['openpyxl']:.0f} |",
            f"| python-calamine (now) | {med['calamine']:.1f} | {cpu['calamine']:.1f} | {rss['calamine']:.0f} |",
            "",
            (f"calamine: **{ratio:.1f}x** less wall time. It holds the sheet in memory, so `readers.read_xlsx` uses it "
             "up to 4M cells (CALAMINE_MAX_CELLS) and streams larger sheets through openpyxl; it also falls back to "
             "openpyxl for a sheet holding an Excel error cell, a numeric cell in a percentage column or an integer of "
             "16+ digits, which calamine would render differently (tests/ingest/test_xlsx_engines.py)."),
        ]))
        print(f"wrote {R.RESULTS} (section xlsx) at {datetime.now(UTC):%H:%M} UTC")


if __name__ == "__main__":
    main()
