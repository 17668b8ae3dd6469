"""Thin sellers for the pipeline tests: a few days of real-layout order exports, one channel or all.

A new seller's first files are short: a week of TikTok Shop orders, a handful of Amazon and Shopify lines.
These are cut from the demo seller's exports (so they keep every quirk of the real layouts: BOM, CRLF, TAB
after ids, multi-line addresses, Shopify's order fields on the first line only) down to the orders created
in a window of days, for the channels asked for. No catalogue goes with them: their products are discovered.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime, timedelta
from pathlib import Path

ORDER_KINDS = {"tiktok_orders": "tiktok_shop", "amazon_all_orders": "amazon", "shopify_orders": "shopify"}


def _tiktok_day(value: str) -> date | None:
    value = value.strip()
    return datetime.strptime(value.split(" ")[0], "%m/%d/%Y").date() if value else None


def _iso_day(value: str) -> date | None:
    value = value.strip()
    return date.fromisoformat(value[:10]) if value else None


def _in(day: date | None, start: date, days: int) -> bool:
    return day is not None and start <= day < start + timedelta(days=days)


def cut_orders(demo_inbox: Path, truth: Path, out: Path, *, start: date, days: int,
               channels: set[str]) -> dict[str, int]:
    """Write the order lines created in [start, start + days) for `channels`; returns lines per channel.

    `demo_inbox` holds the demo's files as generated (`generate_demo(demo_inbox, truth_dir=truth)`)."""
    periods = json.loads((truth / "periods.json").read_text(encoding="utf-8"))
    manifest = json.loads((truth / "manifest.json").read_text(encoding="utf-8"))["files"]
    out.mkdir(parents=True, exist_ok=True)
    counts = {c: 0 for c in channels}
    end = start + timedelta(days=days - 1)
    for name, info in sorted(periods.items(), key=lambda kv: kv[1].get("exported_at") or ""):
        channel = ORDER_KINDS.get(info["kind"])
        if channel not in channels or name.endswith(".xlsx"):
            continue
        if info["kind"] != "shopify_orders" and not (info["start"] <= end.isoformat() and start.isoformat() <= info["end"]):
            continue
        if info["kind"] == "tiktok_orders" and counts[channel]:
            continue  # one TikTok export of the window is enough (later ones re-export the same orders)
        encoding = next((f.get("encoding", "utf-8") for f in manifest if f["path"] == name), "utf-8")
        source = demo_inbox / name
        if info["kind"] == "tiktok_orders":
            counts[channel] += _cut_tiktok(source, out / name, start, days)
        elif info["kind"] == "amazon_all_orders":
            if encoding.lower() not in ("utf-8", "utf8"):
                continue
            counts[channel] += _cut_amazon(source, out / name, start, days)
        else:
            counts[channel] += _cut_shopify(source, out / name, start, days)
    return counts


def _cut_tiktok(source: Path, target: Path, start: date, days: int) -> int:
    text = source.read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text, newline="")))
    header, body = rows[0], rows[1:]
    col = header.index("Created Time")
    kept = [r for r in body if len(r) > col and _in(_tiktok_day(r[col]), start, days)]
    if kept:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerows([header, *kept])
        target.write_text("\ufeff" + buf.getvalue(), encoding="utf-8", newline="")
    return len(kept)


def _cut_amazon(source: Path, target: Path, start: date, days: int) -> int:
    lines = source.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    col = header.index("purchase-date")
    kept = [line for line in lines[1:] if _in(_iso_day(line.split("\t")[col]), start, days)]
    if kept:
        target.write_text("\n".join([lines[0], *kept]) + "\n", encoding="utf-8")
    return len(kept)


def _cut_shopify(source: Path, target: Path, start: date, days: int) -> int:
    rows = list(csv.reader(io.StringIO(source.read_text(encoding="utf-8"), newline="")))
    header, body = rows[0], rows[1:]
    name_col, created_col = header.index("Name"), header.index("Created at")
    orders = {r[name_col] for r in body if r[created_col].strip() and _in(_iso_day(r[created_col]), start, days)}
    kept = [r for r in body if r[name_col] in orders]
    if kept:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows([header, *kept])
        target.write_text(buf.getvalue(), encoding="utf-8")
    return len(kept)
