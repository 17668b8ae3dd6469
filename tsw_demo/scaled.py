"""The scaled demo (`tsw demo --scale N`): the same seller at about N TikTok Shop order lines, every export
kind the normal demo writes, Amazon and Shopify in the world's proportions, written slice by slice.

The world's daily volumes (units on every channel, views, sessions, ads spend) are multiplied by one factor
chosen so the TikTok lines come to about N, so the channel mix and the spillover betas are the demo's.
The window is cut into slices (a calendar month, a week, or a day, whichever keeps one TikTok export under
`TIKTOK_EXPORT_MAX_ROWS`); each slice's orders are sampled, written and dropped before the next, so memory
stays flat whatever N is and time grows with N:

- per slice: TikTok orders (one export per slice, split in parts at the row cap; one slice as XLSX),
  affiliate orders, Amazon All Orders (Cp1252 in the third month, `order-item-id` in the last four),
  Shopify orders (parts of 6,000 orders; TikTok orders synced by the channel app in the last 60 days);
- appended as slices settle: TikTok statements (monthly files), Amazon Transaction reports (monthly) and
  FBA returns (monthly), Shopify payout transactions (quarterly); Amazon's subscription and Transfer rows
  and Shopify's payout rows are added once every slice has been settled (they sum over slices);
- monthly, from sums kept over the slices: product analytics, video list, GMV Max campaign report,
  Amazon Business Report.

What differs from the normal demo, on purpose: every order line is in exactly one TikTok orders export
(no overlapping windows, no re-export), so N lines are N rows to load; rows are newest first within a
file, appended files (statements, transactions, payouts) are in settlement order within each slice.
The planted differences (never-settled order, fee dispute, Amazon reimbursement) are planted once, in
the middle slice. Ground truth in `.demo/` as for the demo: ground_truth.json (factor, slices, realised
counts, settlement facts), ground_truth_daily.csv, shopify_synced.csv (Shopify name -> TikTok order id),
pii_canaries.json, periods.json, manifest.json.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from tsw_demo import exports as X
from tsw_demo import settlements as S
from tsw_demo.generate import amazon as GA
from tsw_demo.generate import common as GC
from tsw_demo.generate import shopify as GS
from tsw_demo.generate import tiktok as GT
from tsw_demo.sampling import sample_amazon, sample_shopify, sample_tiktok

# TikTok Seller Center exports orders in batches; the reference (seller-export-formats.md) names no exact
# cap, so this is an assumption: a seller with more orders in a month than this exports shorter windows.
TIKTOK_EXPORT_MAX_ROWS = 50_000
LINES_PER_UNIT = 0.81  # TikTok order lines per expected unit (orders of 1-3 units, some merged; measured)


def _slices(start: date, last: date, lines_per_day: float) -> tuple[str, list[tuple[date, date]]]:
    """Windows of a month, a week (days 1-7, 8-14, 15-21, 22-28, 29-end of each month) or a day, the longest
    whose expected TikTok lines fit under the export cap with room for peak days."""
    months = GC._month_windows(start, last)
    room = 0.6 * TIKTOK_EXPORT_MAX_ROWS
    if lines_per_day * 31 <= room:
        return "month", months
    if lines_per_day * 7 <= room:
        out = []
        for ms, me in months:
            for first in (1, 8, 15, 22, 29):
                if first > me.day:
                    break
                ws = max(ms, date(ms.year, ms.month, first))
                we = me if first == 29 else min(me, date(ms.year, ms.month, first + 6))
                if ws <= we:
                    out.append((ws, we))
        return "week", out
    return "day", [(start + timedelta(days=k), start + timedelta(days=k)) for k in range((last - start).days + 1)]


def _csv_bytes(rows, *, crlf: bool = False, quoting=csv.QUOTE_MINIMAL, delimiter: str = ",") -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, quoting=quoting, lineterminator="\r\n" if crlf else "\n").writerows(rows)
    return buf.getvalue().encode("utf-8")


class _Appended:
    """Export files written in pieces: the head when a file is first written to, rows appended after; each
    file is added to the manifest once complete (`finish`)."""

    def __init__(self, w: GC._Writer):
        self.w = w
        self.files: dict[Path, tuple[str, date, date]] = {}

    def append(self, path: Path, kind: str, ms: date, me: date, head: bytes, body: bytes) -> None:
        if path not in self.files:
            self.files[path] = (kind, ms, me)
            path.write_bytes(head)
        with open(path, "ab") as f:
            f.write(body)

    def finish(self) -> None:
        for path, (kind, ms, me) in sorted(self.files.items(), key=lambda kv: (kv[1][0], kv[1][1], kv[0].name)):
            self.w.add(path, kind, ms, me)


def _month_bounds(m: np.datetime64) -> tuple[date, date]:
    ms = pd.Timestamp(m).date()
    return ms, (pd.Timestamp(m) + pd.offsets.MonthEnd(0)).date()


class _Names:
    """Export file names carry the export time to the minute; two exports in the same minute move on."""

    def __init__(self):
        self.used: set[str] = set()

    def at(self, at: datetime, name) -> tuple[datetime, str]:
        while name(at) in self.used:
            at += timedelta(minutes=1)
        self.used.add(name(at))
        return at, name(at)


def write_scaled(w: GC._Writer, world, products: pd.DataFrame, daily: pd.DataFrame, people, seed: int, scale: int,
                 start: date, last: date) -> None:
    out = w.out_dir
    truth_dir = w.manifest.truth_dir
    expected_lines = float(daily["expected_tiktok_units"].sum()) * LINES_PER_UNIT
    factor = scale / max(expected_lines, 1.0)
    scaled = GC.volume_scaled(daily, factor)
    n_cells, n_products = len(scaled), len(products)
    slice_kind, slices = _slices(start, last, scale / max((last - start).days + 1, 1))
    months = GC._month_windows(start, last)
    month_start = np.array([np.datetime64(ms) for ms, _ in months])
    plant_at = len(slices) // 2
    xlsx_at = len(slices) // 2 + 1 if len(slices) > 2 else -1
    names = _Names()
    appended = _Appended(w)
    dates = scaled["date"].to_numpy(dtype="datetime64[D]")
    row_of_day = np.searchsorted(dates, np.array([np.datetime64(ws) for ws, _ in slices] +
                                                 [np.datetime64(last) + 1]))

    # Sums kept over the slices for the monthly files.
    rng_month = np.random.default_rng([seed, 30])
    analytics_at = [GC._export_time(me + timedelta(days=2), rng_month, hour=11) for _, me in months]
    pa_sums: list = [None] * len(months)
    customers = np.zeros((len(months), n_products, len(people.people)), dtype=bool)
    cell_aff, cell_sel = np.zeros(n_cells), np.zeros(n_cells)
    ads_parts, br_parts, daily_truth = [], [], []
    amazon_sums: dict[str, float] = {}
    payouts: dict[str, tuple[float, np.datetime64]] = {}
    realised = {"tiktok": dict.fromkeys(("orders", "lines", "units", "cancelled_orders_visible",
                                         "returned_units_visible", "units_not_cancelled_visible",
                                         "creator_lines", "files"), 0),
                "amazon": dict.fromkeys(("orders", "lines", "units", "cancelled_orders_visible", "business_orders",
                                         "files"), 0),
                "shopify": dict.fromkeys(("orders_total_in_files", "orders_own", "orders_synced_from_tiktok",
                                          "units_own", "files"), 0)}
    settle = {"tiktok_shop": dict.fromkeys(("statement_lines", "settled_order_lines", "refund_lines"), 0),
              "amazon": dict.fromkeys(("transactions", "order_rows", "refund_rows", "returned_units_reported",
                                       "returned_lines_reported"), 0),
              "shopify": dict.fromkeys(("transactions",), 0)}
    money = {"tiktok_total_settled_usd": 0.0, "tiktok_fees_usd": 0.0, "tiktok_refunds_usd": 0.0,
             "amazon_refunds_buyer_usd": 0.0, "shopify_charges_usd": 0.0, "shopify_fees_usd": 0.0,
             "shopify_refunds_usd": 0.0}
    statement_totals: dict[str, float] = {}
    payment_totals: dict[str, float] = {}
    planted: dict = {}
    synced_path = truth_dir / "shopify_synced.csv"
    synced_path.write_text("shopify_name,tiktok_order_id\n", encoding="utf-8")
    tt_orders = 0
    sh_orders = 0
    shopify_part = 0
    shopify_at = datetime(last.year, last.month, last.day, 10, 0) + timedelta(days=1)
    shopify_as_of = GC._dt64(shopify_at)
    day0 = np.datetime64(start) + S.SHOPIFY_AVAILABLE_AFTER_DAYS
    item_id_from = max(0, len(months) - 4)
    cp1252_month = 2 if len(months) > 3 else 0

    for i, (ws, we) in enumerate(slices):
        r0, r1 = int(row_of_day[i]), int(row_of_day[i + 1])
        d = scaled.iloc[r0:r1].reset_index(drop=True)
        rng = np.random.default_rng([seed, 20, i])
        mi = int(np.searchsorted(month_start, np.datetime64(ws), side="right")) - 1  # the slice's month

        # ---- TikTok Shop orders, affiliate orders
        tt, _ = sample_tiktok(np.random.default_rng([seed, 2, i]), products, d, people, world.truth,
                              seq_offset=tt_orders)
        n_orders = int(tt["order_seq"].max()) + 1 if len(tt) else 0
        tt_orders += n_orders
        GT._attribute_sources(np.random.default_rng([seed, 5, i]), tt, d, volume=factor)
        at = GC._export_time(min(we + timedelta(days=GC.EXPORT_LAG_DAYS), last + timedelta(days=2)), rng)
        as_of = GC._dt64(at)
        seq = tt["order_seq"].to_numpy()
        cuts = [0]
        while len(tt) - cuts[-1] > TIKTOK_EXPORT_MAX_ROWS:
            c = cuts[-1] + TIKTOK_EXPORT_MAX_ROWS
            while c > cuts[-1] and seq[c] == seq[c - 1]:
                c -= 1
            cuts.append(c)
        cuts.append(len(tt))
        for a, b in itertools.pairwise(cuts):
            if b <= a:
                continue
            part = tt.iloc[a:b]
            xlsx = i == xlsx_at and len(cuts) == 2
            at_k, name = names.at(at, lambda t, x=xlsx: GT._tiktok_name(t, "xlsx" if x else "csv"))
            path = out / name
            if xlsx:
                X.write_tiktok_orders_xlsx(path, X.tiktok_order_frame(part, products, people, as_of, tabs=False))
            else:
                X.stream_tiktok_orders_csv(path, part, products, people, as_of)
            w.add(path, "tiktok_orders", ws, we, at_k)
            realised["tiktok"]["files"] += 1
        st = X.tiktok_state(tt, as_of)
        first = ~pd.Series(seq).duplicated().to_numpy()
        qty = tt["quantity"].to_numpy()
        r = realised["tiktok"]
        r["orders"] += n_orders
        r["lines"] += len(tt)
        r["units"] += int(qty.sum())
        r["cancelled_orders_visible"] += int(st["cancelled"][first].sum())
        r["returned_units_visible"] += int(st["return_qty"].sum())
        r["units_not_cancelled_visible"] += int(qty[~st["cancelled"]].sum())
        r["creator_lines"] += int((tt["creator_handle"].to_numpy() != "").sum())

        aff_at, name = names.at(GC._export_time(we + timedelta(days=2), rng, hour=10),
                                lambda t: f"Affiliate orders-{t:%Y-%m-%d-%H_%M}.csv")
        frame = X.affiliate_frame(tt, products, GC._dt64(aff_at))
        X.write_csv(out / name, list(frame.columns), frame, bom=True, crlf=True)
        w.add(out / name, "tiktok_affiliate_orders", ws, we, aff_at)
        del frame, st

        # ---- sums for the monthly TikTok files
        ads_parts.append(GT._ads_sums(tt, products))
        aff, sel = GT._video_gmv_by_cell(tt, len(d))
        cell_aff[r0:r1] += aff
        cell_sel[r0:r1] += sel
        paid = tt["paid"].to_numpy(dtype="datetime64[s]")
        paid_month = np.searchsorted(month_start, paid.astype("datetime64[D]"), side="right") - 1
        for m in np.unique(paid_month):
            if not 0 <= m < len(months):
                continue
            sub = tt[paid_month == m]
            allp, sec = GT._product_analytics_sums(sub, n_products, GC._dt64(analytics_at[m]))
            customers[m, sub["_pidx"].to_numpy(), sub["buyer_idx"].to_numpy()] = True
            if pa_sums[m] is None:
                pa_sums[m] = (allp, sec)
            else:
                pa_sums[m] = (pa_sums[m][0].add(allp, fill_value=0), pa_sums[m][1].add(sec, fill_value=0))

        # ---- TikTok Shop statements
        frame, facts = S.tiktok_statements(tt, products, start, last, np.random.default_rng([seed, 11, i]),
                                           plant=i == plant_at)
        for k in ("statement_lines", "settled_order_lines", "refund_lines"):
            settle["tiktok_shop"][k] += facts[k]
        money["tiktok_total_settled_usd"] += facts["total_settled_usd"]
        money["tiktok_fees_usd"] += facts["fees_usd"]
        money["tiktok_refunds_usd"] += facts["refunds_usd"]
        for src, dst in ((facts["statement_totals_usd"], statement_totals), (facts["payment_totals_usd"], payment_totals)):
            for k, v in src.items():
                dst[k] = dst.get(k, 0.0) + v
        if i == plant_at:
            planted["never_settled_order"] = facts["never_settled_order"]
            planted["fee_dispute"] = facts["fee_dispute"]
        month = frame["_when"].to_numpy(dtype="datetime64[M]")
        for m in np.unique(month):
            ms, me = _month_bounds(m)
            part = frame.loc[month == m, S.TIKTOK_STATEMENT_COLUMNS]
            appended.append(out / f"statement_order_details_{ms:%Y%m%d}_{me:%Y%m%d}.csv", "tiktok_statements", ms, me,
                            b"\xef\xbb\xbf" + _csv_bytes([S.TIKTOK_STATEMENT_COLUMNS], crlf=True),
                            _csv_bytes(part.to_numpy(dtype=object).tolist(), crlf=True))

        # ---- Shopify orders (TikTok orders of the last 60 days synced in) and payouts
        sh, _ = sample_shopify(np.random.default_rng([seed, 4, i]), products, d, people, world.truth)
        allx, synced = GS._shopify_canonical(sh, tt, products, people, last, np.random.default_rng([seed, 10, i]),
                                            rank_offset=sh_orders)
        order_no = pd.factorize(allx["name"].to_numpy())[0]
        sh_orders += int(order_no.max()) + 1 if len(order_no) else 0
        if synced:
            with open(synced_path, "a", encoding="utf-8") as f:
                f.writelines(f"{s['shopify_name']},{s['tiktok_order_id']}\n" for s in synced)
        sframe = X.shopify_frame(allx, people, shopify_as_of)
        parts = order_no // GC.SHOPIFY_ORDERS_PER_PART
        for k in range(int(parts.max()) + 1 if len(parts) else 0):
            m = parts == k
            shopify_part += 1
            path = out / f"orders_export_{shopify_part}.csv"
            X.write_csv(path, list(sframe.columns), sframe[m])
            created = allx.loc[m, "created"].to_numpy(dtype="datetime64[D]")
            w.add(path, "shopify_orders", pd.Timestamp(created.min()).date(), pd.Timestamp(created.max()).date(),
                  shopify_at)
            realised["shopify"]["files"] += 1
        is_synced = allx["synced_tiktok_order_id"].to_numpy() != ""
        first = ~allx["name"].duplicated().to_numpy()
        rs = realised["shopify"]
        rs["orders_total_in_files"] += int(first.sum())
        rs["orders_own"] += int((first & ~is_synced).sum())
        rs["orders_synced_from_tiktok"] += int((first & is_synced).sum())
        rs["units_own"] += int(allx["quantity"].to_numpy()[~is_synced].sum())
        del sframe
        pframe, facts = S.shopify_payouts(allx, last, np.random.default_rng([seed, 13, i]), day0=day0, payouts=False)
        settle["shopify"]["transactions"] += facts["transactions"]
        money["shopify_charges_usd"] += facts["charges_usd"]
        money["shopify_fees_usd"] += facts["fees_usd"]
        money["shopify_refunds_usd"] += facts["refunds_usd"]
        paid_rows = pframe[pframe["Payout ID"] != ""]
        for pid, net, avail in zip(paid_rows["Payout ID"], paid_rows["Net"].astype(float), paid_rows["Available On"]):
            prev = payouts.get(pid, (0.0, np.datetime64(avail)))
            payouts[pid] = (prev[0] + net, prev[1])
        _append_payouts(appended, out, pframe, start)
        del allx, pframe

        # ---- Amazon All Orders, settlement and returns
        az, _ = sample_amazon(np.random.default_rng([seed, 3, i]), products, d, people, world.truth)
        am_at = GC._export_time(we + timedelta(days=1), rng, hour=7)
        report_id = 50_000_000_000 + int(rng.integers(10**9, 10**10))
        encoding = "cp1252" if mi == cp1252_month else "utf-8"
        path = out / f"{report_id}.txt"
        X.write_amazon_tsv(path, X.amazon_frame(az, products, people, GC._dt64(am_at), with_item_id=mi >= item_id_from),
                           encoding=encoding)
        w.add(path, "amazon_all_orders", ws, we, am_at, encoding=encoding)
        ra = realised["amazon"]
        first = ~az["order_seq"].duplicated().to_numpy()
        cancelled_at = az["cancelled_at"].to_numpy(dtype="datetime64[s]")
        ra["orders"] += int(first.sum())
        ra["lines"] += len(az)
        ra["units"] += int(az["quantity"].sum())
        ra["cancelled_orders_visible"] += int((~np.isnat(cancelled_at) & (cancelled_at <= GC._dt64(am_at)))[first].sum())
        ra["business_orders"] += int(az["is_business"].to_numpy()[first].sum())
        ra["files"] += 1
        br_parts.append(az.assign(created=az["created"].to_numpy(dtype="datetime64[D]"), _lines=1)
                        .groupby(["created", "_pidx", "is_business"], as_index=False)
                        [["quantity", "item_price", "_lines"]].sum())
        tx, returns, facts = S.amazon_settlement(az, products, people, start, last,
                                                 np.random.default_rng([seed, 12, i]), plant=i == plant_at,
                                                 close=False)
        for k in settle["amazon"]:
            settle["amazon"][k] += facts[k]
        money["amazon_refunds_buyer_usd"] += facts["refunds_buyer_usd"]
        if i == plant_at:
            planted["reimbursement"] = facts["reimbursement"]
        for sid, v in S.amazon_settlement_sums(tx).items():
            amazon_sums[sid] = amazon_sums.get(sid, 0.0) + v
        _append_amazon(appended, out, tx, returns, months)
        daily_truth.append(GC._daily_truth(tt, az, sh, products))
        del tt, az, sh, tx, returns

    # ---- what sums over slices: Amazon subscriptions and Transfers, Shopify payouts
    closing, n_transfers, transferred = S.amazon_closing_rows(amazon_sums, start, last)
    _append_amazon(appended, out, closing, None, months)
    payout_rows = S.shopify_payout_rows(payouts)
    _append_payouts(appended, out, payout_rows, start)
    appended.finish()

    # ---- monthly TikTok and Amazon files from the sums
    empty = GT._product_analytics_sums(pd.DataFrame(columns=["_pidx", "gross", "seller_discount", "order_seq",
                                                            "quantity", "buyer_idx", "line_refund", "source"]),
                                      n_products, None) if any(p is None for p in pa_sums) else None
    analytics = []
    for m, sums in enumerate(pa_sums):
        allp, sec = sums if sums is not None else empty
        allp = allp.copy()
        allp["customers"] = customers[m].sum(axis=1)
        analytics.append((allp, sec))
    GT._write_data_compass(w, None, products, scaled, start, last, np.random.default_rng([seed, 7]),
                          cell_gmv=(cell_aff, cell_sel), analytics=analytics, export_times=analytics_at)
    ads = pd.concat(ads_parts).groupby(level=[0, 1]).sum()
    GT._write_ads(w, None, products, scaled, start, last, np.random.default_rng([seed, 8]), agg=ads)
    GA._write_business_reports(w, pd.concat(br_parts, ignore_index=True), products, scaled, start, last,
                              np.random.default_rng([seed, 9]))

    # ---- ground truth
    truth = daily_truth[0] if len(daily_truth) == 1 else pd.concat(daily_truth, ignore_index=True)
    truth = truth.groupby(["date", "product_id", "channel"], as_index=False)[["units", "orders", "gross_usd"]].sum()
    truth["gross_usd"] = truth["gross_usd"].round(2)
    truth.sort_values(["date", "product_id", "channel"]).to_csv(truth_dir / "ground_truth_daily.csv", index=False)
    r = realised["tiktok"]
    r["cancellation_rate_visible"] = r["cancelled_orders_visible"] / max(r["orders"], 1)
    r["return_rate_visible"] = r["returned_units_visible"] / max(r["units_not_cancelled_visible"], 1)
    gt = {
        "generator": {"seed": seed, "days": (last - start).days + 1, "start": start.isoformat(), "end": last.isoformat(),
                      "scale": scale, "volume_scale": factor, "slices": slice_kind, "slice_count": len(slices),
                      "tiktok_export_max_rows": TIKTOK_EXPORT_MAX_ROWS, "time_zone": "America/Los_Angeles",
                      "brand": GC.BRAND, "seller_handle": GC.SELLER_HANDLE, "tiktok_export_overlap_days": 0},
        "definitions": {
            "scale": "target TikTok order lines; every channel's volume is the world's times volume_scale",
            "units": "realised units = Poisson(world expected units x volume_scale) per date x product",
            "tiktok_lines": "every line is in exactly one TikTok orders export (no overlapping windows)",
        },
        "world": world.truth,
        "realised": realised,
        "unmapped_product_ids": [GC.unmapped_product_id(products)],
        "shopify_synced_tiktok_orders": "shopify_synced.csv",
        "settlement": {
            "rate_card": f"seeds/reference/{S.RATE_CARD_FILE} (+ {S.RATE_CARD})",
            "tiktok_shop": {**settle["tiktok_shop"], "statements": len(statement_totals),
                            "payments": len(payment_totals),
                            "total_settled_usd": round(money["tiktok_total_settled_usd"], 2),
                            "fees_usd": round(money["tiktok_fees_usd"], 2),
                            "refunds_usd": round(money["tiktok_refunds_usd"], 2),
                            "payment_totals_usd": {k: round(v, 2) for k, v in sorted(payment_totals.items())}},
            "amazon": {**settle["amazon"], "transactions": settle["amazon"]["transactions"] + len(closing),
                       "settlements_paid": n_transfers, "transfers_usd": transferred,
                       "refunds_buyer_usd": round(money["amazon_refunds_buyer_usd"], 2)},
            "shopify": {**settle["shopify"], "payouts": len(payout_rows),
                        "charges_usd": round(money["shopify_charges_usd"], 2),
                        "fees_usd": round(money["shopify_fees_usd"], 2),
                        "refunds_usd": round(money["shopify_refunds_usd"], 2),
                        "paid_out_usd": round(float(sum(v[0] for v in payouts.values())), 2)},
            "planted": {
                "never_settled": [planted["never_settled_order"]] if planted.get("never_settled_order") else [],
                "fee_disputes": [planted["fee_dispute"]] if planted.get("fee_dispute") else [],
                "reimbursements": [planted["reimbursement"]] if planted.get("reimbursement") else [],
            },
        },
    }
    (truth_dir / "ground_truth.json").write_text(json.dumps(gt, indent=2, ensure_ascii=False, default=str) + "\n",
                                                 encoding="utf-8")
    (truth_dir / "pii_canaries.json").write_text(json.dumps(people.canaries(), indent=2, ensure_ascii=False) + "\n",
                                                 encoding="utf-8")


def _append_amazon(appended: _Appended, out: Path, tx: pd.DataFrame, returns: pd.DataFrame | None,
                   months: list[tuple[date, date]]) -> None:
    """Transaction rows into the month of their date (the first month in the layout without transaction
    status), returns into the month of their return date."""
    first_month = np.datetime64(months[0][0], "M")
    month = tx["_when"].to_numpy(dtype="datetime64[s]").astype("datetime64[M]")
    for m in np.unique(month):
        ms, me = _month_bounds(m)
        columns = S.AMAZON_TX_COLUMNS if m == first_month else S.AMAZON_TX_2025_COLUMNS
        head = _csv_bytes([[line] for line in S.AMAZON_TX_PREAMBLE] + [columns], crlf=True, quoting=csv.QUOTE_ALL)
        rows = tx.loc[month == m].reindex(columns=columns).astype(object).fillna("")
        body = _csv_bytes(rows.to_numpy(dtype=object).tolist(), crlf=True, quoting=csv.QUOTE_ALL)
        appended.append(out / f"{ms:%Y%b}1-{me:%Y%b%d}CustomTransaction.csv", "amazon_transactions", ms, me, head, body)
    if returns is None or not len(returns):
        return
    month = returns["_when"].to_numpy(dtype="datetime64[s]").astype("datetime64[M]")
    for m in np.unique(month):
        ms, me = _month_bounds(m)
        rows = returns.loc[month == m, S.AMAZON_RETURNS_COLUMNS].to_numpy(dtype=object).tolist()
        body = "".join("\t".join(map(str, r)) + "\n" for r in rows).encode("utf-8")
        appended.append(out / f"FBA Customer Returns {ms:%Y-%m-%d} to {me:%Y-%m-%d}.txt", "amazon_fba_returns", ms, me,
                        ("\t".join(S.AMAZON_RETURNS_COLUMNS) + "\n").encode("utf-8"), body)


def _append_payouts(appended: _Appended, out: Path, frame: pd.DataFrame, start: date) -> None:
    """Payout transactions into one export per quarter (numbered from the window's first quarter)."""
    if not len(frame):
        return
    quarter = pd.PeriodIndex(pd.to_datetime(frame["_when"]), freq="Q")
    q0 = pd.Period(pd.Timestamp(start), freq="Q")
    for q in sorted(set(quarter)):
        part = frame[quarter == q]
        k = (q - q0).n + 1
        appended.append(out / f"payment_transactions_export_{k}.csv", "shopify_payouts", q.start_time.date(),
                        q.end_time.date(), _csv_bytes([S.SHOPIFY_PAYOUT_COLUMNS]),
                        _csv_bytes(part[S.SHOPIFY_PAYOUT_COLUMNS].to_numpy(dtype=object).tolist()))
