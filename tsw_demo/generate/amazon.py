"""Which Amazon files the seller downloads and when: All Orders reports and monthly Business Reports.
"""

from __future__ import annotations

import csv
from datetime import timedelta

import numpy as np
import pandas as pd

from tsw_demo import exports as X
from tsw_demo import layouts as L
from tsw_demo.generate.common import _dt64, _export_time, _in_window, _month_windows, _Writer


# ---------------------------------------------------------------- Amazon
def _write_amazon(w: _Writer, az, products, people, start, last, rng) -> np.ndarray:
    months = _month_windows(start, last)
    cp1252_month = 2 if len(months) > 3 else 0
    item_id_from = max(0, len(months) - 4)  # the newer layout in the last four months
    created = az["created"].to_numpy(dtype="datetime64[s]")
    as_of_line = np.full(len(az), np.datetime64("NaT"), dtype="datetime64[s]")
    for i, (ms, me) in enumerate(months):
        at = _export_time(me + timedelta(days=1), rng, hour=7)
        as_of = _dt64(at)
        mask = _in_window(created, ms, me)
        frame = X.amazon_frame(az[mask], products, people, as_of, with_item_id=i >= item_id_from)
        report_id = 50_000_000_000 + int(rng.integers(10**9, 10**10))
        path = w.out_dir / f"{report_id}.txt"
        encoding = "cp1252" if i == cp1252_month else "utf-8"
        X.write_amazon_tsv(path, frame, encoding=encoding)
        w.add(path, "amazon_all_orders", ms, me, at, encoding=encoding)
        as_of_line[mask] = as_of
    return as_of_line


def _amazon_realised(az: pd.DataFrame, as_of: np.ndarray) -> dict:
    first = ~az["order_seq"].duplicated().to_numpy()
    cancelled_vis = ~np.isnat(az["cancelled_at"].to_numpy(dtype="datetime64[s]")) & \
        (az["cancelled_at"].to_numpy(dtype="datetime64[s]") <= as_of)
    qty = az["quantity"].to_numpy()
    return {
        "orders": int(first.sum()), "lines": len(az), "units": int(qty.sum()),
        "multi_item_orders": int((az.groupby("order_seq").size() > 1).sum()),
        "business_orders": int(az.loc[first, "is_business"].sum()),
        "fba_orders": int(az.loc[first, "fba"].sum()),
        "cancelled_orders_eventual": int(az.loc[first, "cancelled"].sum()),
        "cancellation_rate_eventual": float(az.loc[first, "cancelled"].mean()),
        "cancelled_orders_visible": int(cancelled_vis[first].sum()),
        "cancellation_rate_visible": float(cancelled_vis[first].mean()),
        # The All Orders report carries no returns; Amazon returns live in a separate report.
        "return_rate_eventual": float(az.loc[~az["cancelled"], "returned"].astype(float)
                                      .mul(az.loc[~az["cancelled"], "quantity"]).sum()
                                      / az.loc[~az["cancelled"], "quantity"].sum()),
    }


def _write_business_reports(w: _Writer, az, products, daily, start, last, rng) -> None:
    """az: Amazon lines, or their sums per created day x product x business flag with a `_lines` count."""
    created_day = az["created"].to_numpy(dtype="datetime64[D]")
    for ms, me in _month_windows(start, last):
        d = daily[(daily["date"] >= pd.Timestamp(ms)) & (daily["date"] <= pd.Timestamp(me))]
        sess_exp = d.groupby("_pidx")["expected_amazon_sessions"].sum().reindex(range(len(products)), fill_value=0)
        sessions = rng.poisson(sess_exp.to_numpy())
        mobile = rng.binomial(sessions, 0.62)
        browser = sessions - mobile
        mobile_b2b = rng.binomial(mobile, 0.03)
        browser_b2b = rng.binomial(browser, 0.05)
        pv_m = np.round(mobile * rng.uniform(1.15, 1.45, len(products))).astype(int)
        pv_b = np.round(browser * rng.uniform(1.15, 1.45, len(products))).astype(int)
        pv_mb = np.minimum(pv_m, np.round(mobile_b2b * 1.3).astype(int))
        pv_bb = np.minimum(pv_b, np.round(browser_b2b * 1.3).astype(int))
        sub = az[(created_day >= np.datetime64(ms)) & (created_day <= np.datetime64(me))]
        b2b = sub["is_business"].to_numpy(dtype=bool)
        sub_pidx = sub["_pidx"].to_numpy()
        n_lines = sub["_lines"].to_numpy(dtype=float) if "_lines" in sub else np.ones(len(sub))

        def by(vals, mask=None, pidx=sub_pidx):
            sel = slice(None) if mask is None else mask
            return np.bincount(pidx[sel], weights=vals[sel], minlength=len(products))

        units = by(sub["quantity"].to_numpy(dtype=float))
        units_b2b = by(sub["quantity"].to_numpy(dtype=float), b2b)
        sales = by(sub["item_price"].to_numpy(dtype=float))
        sales_b2b = by(sub["item_price"].to_numpy(dtype=float), b2b)
        items = by(n_lines)
        items_b2b = by(n_lines, b2b)

        def pct(a, tot):
            return X.percent(np.where(tot > 0, a / max(tot, 1), 0))

        splits = [mobile, mobile_b2b, browser, browser_b2b, mobile + browser, mobile_b2b + browser_b2b]
        pvs = [pv_m, pv_mb, pv_b, pv_bb, pv_m + pv_b, pv_mb + pv_bb]
        cols = [products["asin"].to_numpy(), products["asin"].to_numpy(), products["amazon_title"].to_numpy(),
                products["seller_sku"].to_numpy()]
        cols += [X.thousands(s) for s in splits]
        cols += [pct(s, s.sum()) for s in splits]
        cols += [X.thousands(p) for p in pvs]
        cols += [pct(p, p.sum()) for p in pvs]
        tot, tot_b2b = splits[4], splits[5]
        cols += [X.percent(rng.uniform(0.94, 1.0, len(products))), X.percent(np.where(tot_b2b > 0, rng.uniform(0.9, 1.0, len(products)), 0)),
                 X.thousands(units), X.thousands(units_b2b),
                 X.percent(np.where(tot > 0, units / np.maximum(tot, 1), 0)),
                 X.percent(np.where(tot_b2b > 0, units_b2b / np.maximum(tot_b2b, 1), 0)),
                 X.dollars(sales), X.dollars(sales_b2b), X.thousands(items), X.thousands(items_b2b)]
        keep = (tot > 0) | (units > 0)
        rows = [list(r) for r in zip(*[np.asarray(c, dtype=object)[keep] for c in cols])]
        path = w.out_dir / f"BusinessReport-{ms.month}-{ms.day}-{ms:%y}_{me.month}-{me.day}-{me:%y}.csv"
        X.write_csv(path, list(L.AMAZON_BUSINESS_REPORT), rows, bom=ms.month % 2 == 0, quoting=csv.QUOTE_ALL)
        w.add(path, "amazon_business_report", ms, me, _export_time(me + timedelta(days=1), rng, hour=12))
