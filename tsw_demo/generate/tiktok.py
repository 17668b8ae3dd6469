"""Which TikTok Shop files the seller downloads, when, and what they show: orders, affiliate, Data Compass, Ads.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from tsw_demo import exports as X
from tsw_demo import layouts as L
from tsw_demo.generate.common import (
    _VIDEO_HOOKS,
    EXPORT_LAG_DAYS,
    SELLER_HANDLE,
    TIKTOK_OVERLAP_DAYS,
    VOLUME_SCALE,
    _dt64,
    _export_time,
    _in_window,
    _month_windows,
    _Writer,
)
from tsw_demo.sampling import CREATOR_HANDLES


# ---------------------------------------------------------------- TikTok Shop orders
def _tiktok_export_plan(start: date, last: date, rng) -> list[dict]:
    """Monthly exports by created date, each window reaching a few days into the previous month; one month
    as XLSX; and one late re-export of the second-to-last month in which orders have moved on.

    The seller exports a month when reconciling its payouts, EXPORT_LAG_DAYS after it ends (so most returns
    have happened); the last months cannot wait that long and are exported two days after the window ends,
    then the second-to-last is exported again three weeks later (Shipped -> Delivered -> returned)."""
    months = _month_windows(start, last)
    plan = []
    xlsx_at = len(months) // 2
    for i, (ms, me) in enumerate(months):
        ws = max(start, ms - timedelta(days=TIKTOK_OVERLAP_DAYS))
        at = _export_time(min(me + timedelta(days=EXPORT_LAG_DAYS), last + timedelta(days=2)), rng)
        plan.append({"start": ws, "end": me, "at": at, "xlsx": i == xlsx_at})
    if len(months) >= 2:
        ms, me = months[-2]
        ws = max(start, ms - timedelta(days=TIKTOK_OVERLAP_DAYS))
        plan.append({"start": ws, "end": me, "at": _export_time(last + timedelta(days=23), rng, hour=16),
                     "xlsx": False, "reexport": True})
    return plan


def _tiktok_name(at: datetime, ext: str) -> str:
    return f"All order-{at:%Y-%m-%d-%H_%M}.{ext}"


def _write_tiktok_orders(w: _Writer, tt, products, people, start, last, rng) -> np.ndarray:
    """Write the order exports; return per line the export time of the latest file holding it."""
    latest = np.full(len(tt), np.datetime64("NaT"), dtype="datetime64[s]")
    created = tt["created"].to_numpy(dtype="datetime64[s]")
    for item in _tiktok_export_plan(start, last, rng):
        as_of = _dt64(item["at"])
        mask = _in_window(created, item["start"], item["end"]) & (created <= as_of)
        sub = tt[mask]
        if item["xlsx"]:
            path = w.out_dir / _tiktok_name(item["at"], "xlsx")
            X.write_tiktok_orders_xlsx(path, X.tiktok_order_frame(sub, products, people, as_of, tabs=False))
        else:
            path = w.out_dir / _tiktok_name(item["at"], "csv")
            X.write_tiktok_orders_csv(path, X.tiktok_order_frame(sub, products, people, as_of))
        w.add(path, "tiktok_orders", item["start"], item["end"], item["at"])
        cur = latest[mask]
        latest[mask] = np.where(np.isnat(cur) | (cur < as_of), as_of, cur)
    return latest


def _tiktok_realised(tt: pd.DataFrame, latest: np.ndarray) -> dict:
    st = _state_at_each(tt, latest)
    orders = tt.groupby("order_seq").size()
    first = ~tt["order_seq"].duplicated().to_numpy()
    qty = tt["quantity"].to_numpy()
    never_cancelled = ~tt["cancelled"].to_numpy()
    return {
        "orders": len(orders),
        "lines": len(tt),
        "units": int(qty.sum()),
        "multi_sku_orders": int((orders > 1).sum()),
        "creator_orders": int(tt.loc[tt["creator_handle"] != "", "order_seq"].nunique()),
        "cancelled_orders_eventual": int(tt.loc[first, "cancelled"].sum()),
        "cancellation_rate_eventual": float(tt.loc[first, "cancelled"].mean()),
        "cancelled_orders_visible": int(st["cancelled"][first].sum()),
        "cancellation_rate_visible": float(st["cancelled"][first].mean()),
        "returned_units_eventual": int(tt["return_qty"].sum()),
        "return_rate_eventual": float(tt["return_qty"].sum() / qty[never_cancelled].sum()),
        "returned_units_visible": int(st["return_qty"].sum()),
        "units_not_cancelled_visible": int(qty[~st["cancelled"]].sum()),
        "return_rate_visible": float(st["return_qty"].sum() / qty[~st["cancelled"]].sum()),
        "status_counts_visible_lines": {k: int(v) for k, v in pd.Series(st["status"]).value_counts().items()},
    }


def _state_at_each(tt: pd.DataFrame, as_of: np.ndarray) -> dict:
    """tiktok_state with a per-line as_of (the latest export holding the line)."""
    out: dict = {}
    for t in np.unique(as_of[~np.isnat(as_of)]):
        m = as_of == t
        st = X.tiktok_state(tt[m], t)
        for k, v in st.items():
            out.setdefault(k, np.empty(len(tt), dtype=v.dtype))[m] = v
    return out


def _attribute_sources(rng, tt: pd.DataFrame, daily: pd.DataFrame, volume: float = VOLUME_SCALE) -> None:
    """Traffic source of each TikTok line for Data Compass: creator lines are Affiliate; the seller's own
    lines split between LIVE, seller video and product card in proportion to that day's views."""
    cell = tt["cell"].to_numpy()
    sv = daily["seller_video_views"].to_numpy(dtype=float)[cell]
    lv = daily["live_views"].to_numpy(dtype=float)[cell]
    card = np.full(len(tt), 200.0 * volume * 10)
    tot = sv + lv + card
    u = rng.random(len(tt)) * tot
    src = np.where(u < lv, "Seller LIVE", np.where(u < lv + sv, "Seller video", "Product card")).astype(object)
    src[tt["creator_handle"].to_numpy() != ""] = "Affiliate"
    tt["source"] = src


# ---------------------------------------------------------------- affiliate
def _write_affiliate(w: _Writer, tt, products, start, last, rng) -> None:
    created = tt["created"].to_numpy(dtype="datetime64[s]")
    for ms, me in _month_windows(start, last):
        at = _export_time(me + timedelta(days=2), rng, hour=10)
        as_of = _dt64(at)
        sub = tt[_in_window(created, ms, me)]
        frame = X.affiliate_frame(sub, products, as_of)
        path = w.out_dir / f"Affiliate orders-{at:%Y-%m-%d-%H_%M}.csv"
        X.write_csv(path, list(frame.columns), frame, bom=True, crlf=True)
        w.add(path, "tiktok_affiliate_orders", ms, me, at)


# ---------------------------------------------------------------- Data Compass
def _video_gmv_by_cell(tt: pd.DataFrame, n_cells: int) -> tuple[np.ndarray, np.ndarray]:
    """GMV per day x product cell from affiliate videos and from the seller's own videos."""
    gmv_line = tt["gross"].to_numpy(dtype=float) - tt["seller_discount"].to_numpy(dtype=float)
    is_aff_video = (tt["source"].to_numpy() == "Affiliate") & (tt["content_type"].to_numpy() == "video")
    is_seller_video = tt["source"].to_numpy() == "Seller video"
    aff = np.bincount(tt["cell"].to_numpy(), weights=gmv_line * is_aff_video, minlength=n_cells)
    sel = np.bincount(tt["cell"].to_numpy(), weights=gmv_line * is_seller_video, minlength=n_cells)
    return aff, sel


def _videos(rng, tt: pd.DataFrame | None, products, daily: pd.DataFrame, cell_gmv=None) -> pd.DataFrame:
    """One row per video; cell_gmv = `_video_gmv_by_cell` already summed (then tt is not read)."""
    frames = []
    for kind, count_col, views_col in (("seller", "seller_videos_posted", "seller_video_views"),
                                       ("creator", "creator_videos_posted", "creator_video_views")):
        counts = daily[count_col].to_numpy(dtype=np.int64)
        cell = np.repeat(np.arange(len(daily)), counts)
        if cell.size == 0:
            continue
        wgt = rng.lognormal(0, 1.2, cell.size)
        wsum = np.bincount(cell, weights=wgt, minlength=len(daily))
        share = wgt / wsum[cell]
        views = np.round(daily[views_col].to_numpy(dtype=float)[cell] * share).astype(np.int64)
        frames.append(pd.DataFrame({"cell": cell, "share": share, "impressions": views,
                                    "is_affiliate": kind == "creator"}))
    v = pd.concat(frames, ignore_index=True)
    # GMV per video: the product-day's GMV from that kind of video, split by the video's share of views.
    aff, sel = cell_gmv if cell_gmv is not None else _video_gmv_by_cell(tt, len(daily))
    c = v["cell"].to_numpy()
    v["gmv"] = np.round(np.where(v["is_affiliate"], aff[c], sel[c]) * v["share"], 2)
    pidx = daily["_pidx"].to_numpy()[c]
    v["post_date"] = daily["date"].to_numpy()[c]
    n = len(v)
    creators = np.array(CREATOR_HANDLES, dtype=object)[rng.integers(len(CREATOR_HANDLES), size=n)]
    v["creator"] = np.where(v["is_affiliate"], creators, SELLER_HANDLE)
    ids = rng.integers(7_400_000_000_000_000_000, 7_499_999_999_999_999_999, size=n, dtype=np.int64)
    v["link"] = [f"https://www.tiktok.com/@{cr}/video/{i}" for cr, i in zip(v["creator"], ids)]
    hooks = rng.integers(len(_VIDEO_HOOKS), size=n)
    names = products["product_name"].to_numpy()[pidx]
    v["name"] = [_VIDEO_HOOKS[h].format(p=nm) for h, nm in zip(hooks, names)]
    v["ctr"] = np.where(v["is_affiliate"], np.clip(rng.lognormal(np.log(0.015), 0.5, n), 0.001, 0.2), np.nan)
    v["duration_s"] = rng.integers(9, 181, n)
    v["watch_s"] = np.maximum(1, (v["duration_s"] * rng.uniform(0.15, 0.7, n)).astype(np.int64))
    return v


def _write_data_compass(w: _Writer, tt, products, daily, start, last, rng, *, cell_gmv=None,
                        analytics: list | None = None, export_times: list | None = None) -> None:
    """The monthly video list and product analytics. The scaled demo passes what it summed over its slices
    instead of tt: cell_gmv (`_video_gmv_by_cell`), analytics (per month `_product_analytics_sums`) and the
    export times those sums were taken at."""
    videos = _videos(rng, tt, products, daily, cell_gmv=cell_gmv)
    post = videos["post_date"].to_numpy(dtype="datetime64[s]")
    months = _month_windows(start, last)
    csv_month = len(months) // 3
    paid = tt["paid"].to_numpy(dtype="datetime64[s]") if tt is not None else None
    for i, (ms, me) in enumerate(months):
        at = export_times[i] if export_times is not None else _export_time(me + timedelta(days=2), rng, hour=11)
        frame = X.video_list_frame(videos[_in_window(post, ms, me)].sort_values("post_date", kind="stable"))
        stem = f"Video list_{ms:%Y-%m-%d}_{me:%Y-%m-%d}"
        if i == csv_month:
            path = w.out_dir / f"{stem}.csv"
            X.write_csv(path, list(frame.columns), frame, bom=True, crlf=True)
        else:
            path = w.out_dir / f"{stem}.xlsx"
            X.write_xlsx(path, [("Video list", [list(frame.columns)] + frame.to_numpy().tolist())])
        w.add(path, "tiktok_video_performance", ms, me, at)

        if analytics is not None:
            table = _product_analytics_table(*analytics[i], products, daily, ms, me, rng)
        else:
            table = _product_analytics(tt[_in_window(paid, ms, me)], products, daily, ms, me, _dt64(at), rng)
        path = w.out_dir / f"Product analytics_{ms:%Y-%m-%d}_{me:%Y-%m-%d}.xlsx"
        X.write_product_analytics_xlsx(path, ms, me, table)
        w.add(path, "tiktok_product_analytics", ms, me, at)


def _gmv_range(g: float) -> str:
    for hi, label in ((0.0, "$0"), (1_000, "$0-$1K"), (5_000, "$1K-$5K"), (10_000, "$5K-$10K"),
                      (50_000, "$10K-$50K")):
        if g <= hi:
            return label
    return "$50K+"


def _product_analytics(sub, products, daily, ms, me, as_of, rng) -> pd.DataFrame:
    """Data Compass product analytics for one period: orders by paid time, cancelled and refunded included."""
    allp, sec = _product_analytics_sums(sub, len(products), as_of)
    return _product_analytics_table(allp, sec, products, daily, ms, me, rng)


def _product_analytics_sums(sub, n: int, as_of) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per product (0..n-1): gmv, orders, sku_orders, items, customers, refunds, items_refunded; and per
    product x traffic source: gmv, lines, items."""
    st = X.tiktok_state(sub, as_of) if len(sub) else {"return_qty": np.zeros(0, dtype=int)}
    ret_qty = st["return_qty"]
    s = pd.DataFrame({"p": sub["_pidx"].to_numpy(), "gmv": (sub["gross"] - sub["seller_discount"]).to_numpy(),
                      "order": sub["order_seq"].to_numpy(), "qty": sub["quantity"].to_numpy(),
                      "buyer": sub["buyer_idx"].to_numpy(), "ret": ret_qty,
                      "refund": np.where(ret_qty > 0, sub["line_refund"].to_numpy(), 0.0),
                      "source": sub["source"].to_numpy()})
    g = s.groupby("p")
    allp = pd.DataFrame({
        "gmv": g["gmv"].sum(), "orders": g["order"].nunique(), "sku_orders": g.size(), "items": g["qty"].sum(),
        "customers": g["buyer"].nunique(), "refunds": g["refund"].sum(), "items_refunded": g["ret"].sum(),
    }).reindex(range(n), fill_value=0)
    sec = s.groupby(["p", "source"]).agg(gmv=("gmv", "sum"), lines=("gmv", "size"), items=("qty", "sum"))
    return allp, sec


def _product_analytics_table(allp, sec, products, daily, ms, me, rng) -> pd.DataFrame:
    n = len(products)
    d = daily[(daily["date"] >= pd.Timestamp(ms)) & (daily["date"] <= pd.Timestamp(me))]
    views = d.groupby("_pidx")[["video_views", "live_views"]].sum().sum(axis=1).reindex(range(n), fill_value=0)
    imp = (views.to_numpy() * 0.6).astype(np.int64) + rng.poisson(400, n)
    clicks = rng.binomial(imp, 0.04)
    cols = {
        "Product Name": products["product_name"].to_numpy(),
        "Product ID": products["tiktok_product_id"].to_numpy(),
        "GMV range": np.array([_gmv_range(v) for v in allp["gmv"]], dtype=object),
        "GMV": X.dollars(allp["gmv"]), "Orders": X.thousands(allp["orders"]),
        "SKU orders": X.thousands(allp["sku_orders"]), "Items sold": X.thousands(allp["items"]),
        "Est. customers": X.thousands(allp["customers"]), "Product impressions": X.thousands(imp),
        "Product clicks": X.thousands(clicks), "Unique product impressions": X.thousands((imp * 0.83).astype(int)),
        "Unique clicks": X.thousands((clicks * 0.91).astype(int)),
        "Add-to-cart count": X.thousands((clicks * 0.27).astype(int)),
        "Refunds": _dash_zero(X.dollars(allp["refunds"]), allp["refunds"]),
        "Items refunded": X.thousands(allp["items_refunded"]),
    }
    out = [cols[k] for k in cols]
    for section in ("Affiliate", "Seller LIVE", "Seller video", "Product card"):
        part = sec.xs(section, level="source").reindex(range(n), fill_value=0) if section in \
            sec.index.get_level_values("source") else pd.DataFrame(0, index=range(n), columns=["gmv", "lines", "items"])
        out += [_dash_zero(X.dollars(part["gmv"]), part["gmv"]), X.thousands(part["lines"]), X.thousands(part["items"])]
    return pd.DataFrame(dict(enumerate(out)))


def _dash_zero(formatted, values) -> np.ndarray:
    """Data Compass shows '-' where a section has no sales."""
    return np.where(np.asarray(values, dtype=float) == 0, "-", formatted)


# ---------------------------------------------------------------- Ads GMV Max
def _ads_sums(tt, products) -> pd.DataFrame:
    """Orders (lines) and revenue per paid day x category: what GMV Max attributes to each campaign."""
    paid_day = tt["paid"].to_numpy(dtype="datetime64[D]")
    cat_of = products["category"].to_numpy()[tt["_pidx"].to_numpy()]
    gmv = (tt["gross"] - tt["seller_discount"]).to_numpy()
    return pd.DataFrame({"day": paid_day, "cat": cat_of, "gmv": gmv}).groupby(["day", "cat"]).agg(
        orders=("gmv", "size"), revenue=("gmv", "sum"))


def _write_ads(w: _Writer, tt, products, daily, start, last, rng, agg: pd.DataFrame | None = None) -> None:
    """agg: `_ads_sums` already added up over slices (then tt is not read)."""
    cats = list(dict.fromkeys(products["category"]))
    names = dict(zip(products["category"], products["category_name"]))
    camp_id = {c: str(1_800_000_000_000_000 + int(rng.integers(10**14, 10**15))) for c in cats}
    if agg is None:
        agg = _ads_sums(tt, products)
    dd = daily.groupby([daily["date"].dt.date, "category"])[["ads_spend_usd", "live_views"]].sum()
    spend = dd["ads_spend_usd"].to_dict()
    live_views = dd["live_views"].to_dict()
    agg.index = [(pd.Timestamp(d).date(), c) for d, c in agg.index]
    orders_by = agg["orders"].to_dict()
    revenue_by = agg["revenue"].to_dict()
    for ms, me in _month_windows(start, last):
        at = _export_time(me + timedelta(days=1), rng, hour=8)
        rows = []
        for day in pd.date_range(ms, me).date:
            for c in cats:
                cost = float(spend.get((day, c), 0.0))
                if cost < 0.01:
                    continue
                credit = 0.1 if (day - start).days < 90 else 0.0  # new-advertiser credit
                orders, revenue = orders_by.get((day, c), 0), float(revenue_by.get((day, c), 0.0))
                live = round(float(live_views.get((day, c), 0.0)))
                rows.append([f"{day:%m/%d/%Y}", f"GMV Max | {names[c]}", camp_id[c], X.dollars([cost])[0],
                             X.dollars([cost * (1 - credit)])[0], X.thousands([live])[0], str(orders),
                             X.dollars([revenue])[0], f"{revenue / cost:.2f}"])
        path = w.out_dir / f"GMV Max campaign report_{ms:%Y-%m-%d}_{me:%Y-%m-%d}.csv"
        X.write_csv(path, list(L.TIKTOK_ADS_CAMPAIGN_DAILY), rows, bom=True)
        w.add(path, "tiktok_ads_campaign_daily", ms, me, at)
