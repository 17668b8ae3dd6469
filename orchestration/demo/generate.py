"""The demo seller: the simulated world written out as the seller's own export files.

`generate_demo(out_dir)` writes, deterministically from the seed, what a seller on TikTok Shop US,
Amazon US and Shopify would have downloaded over the world's window (twelve export kinds, the real
layouts and quirks), plus the ground truth in `out_dir/.demo/` (a dot-folder so an inbox scanner that
takes top-level files only never mistakes it for an export):

- ground_truth.json   world.truth + realised facts (order counts, cancellation and return rates as
                      visible in the files, TikTok orders synced into Shopify, unmapped products)
- ground_truth_daily.csv  realised units / orders / gross sales per date x product x channel
- pii_canaries.json   every buyer name, phone, email, street address and username written to a file
- periods.json        export file -> kind and the period it covers (the loader contract for files whose
                      rows carry no date, e.g. the Amazon Business Report)
- manifest.json       every file with kind, bytes, sha256

Scale. The demo seller is the world at `VOLUME_SCALE` (every channel's expected units, views, sessions
and ads spend multiplied by the same factor): a few thousand orders a month per channel instead of
tens of thousands, so the demo stays small, while spillover betas (USD per USD) are unchanged.
`scale=N` is the benchmark mode: the whole seller at about N TikTok order lines, streamed (demo/scaled.py).
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from orchestration.demo import exports as X
from orchestration.demo.people import STATE_TAX, PeoplePool
from orchestration.demo.sampling import CREATOR_HANDLES, sample_amazon, sample_shopify, sample_tiktok

VOLUME_SCALE = 0.08
BRAND = "Lumière & Co"  # non-ASCII on purpose: Amazon titles then need Cp1252 in the Cp1252 export
SELLER_HANDLE = "lumiereandco.us"
TRUTH_DIRNAME = ".demo"
TIKTOK_OVERLAP_DAYS = 3
EXPORT_LAG_DAYS = 30
SHOPIFY_SYNC_DAYS = 60  # the TikTok channel app was installed this many days before the window's end
SHOPIFY_ORDERS_PER_PART = 6000
_VARIATIONS = {
    "beauty_personal_care": "30 ml", "health": "60 count", "womenswear": "Black, M",
    "sports_outdoor": "Standard", "phone_electronics_accessories": "Black", "home": "White",
}
_VIDEO_HOOKS = ("I tried {p} for 7 days", "{p} honest review", "POV: you finally found {p}",
                "Unboxing {p} #tiktokmademebuyit", "3 reasons I love {p}", "{p} before and after")


@dataclass
class DemoFile:
    path: str  # relative to out_dir
    kind: str
    bytes: int
    sha256: str
    period_start: str | None = None
    period_end: str | None = None
    exported_at: str | None = None
    encoding: str = "utf-8"


@dataclass
class DemoManifest:
    out_dir: Path
    truth_dir: Path
    files: list[DemoFile] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def total_bytes(self) -> int:
        return sum(f.bytes for f in self.files)

    def by_kind(self, kind: str) -> list[DemoFile]:
        return [f for f in self.files if f.kind == kind]

    def periods(self) -> dict[str, dict]:
        return {f.path: {"kind": f.kind, "start": f.period_start, "end": f.period_end, "exported_at": f.exported_at}
                for f in self.files if f.period_start}


# ---------------------------------------------------------------- catalogue
def demo_products(world) -> pd.DataFrame:
    """World products + the identifiers and settings the exports need (deterministic from the seed)."""
    rng = np.random.default_rng([world.config.seed, 101])
    p = world.products.copy()
    n = len(p)
    p["tiktok_product_id"] = ["17" + "".join(map(str, rng.integers(0, 10, 17))) for _ in range(n)]
    p["variation"] = p["category"].map(_VARIATIONS).fillna("Default")
    p["commission_rate"] = rng.choice([0.10, 0.12, 0.15, 0.20], size=n)
    p["_fbt"] = rng.random(n) < 0.3
    p["_fba"] = rng.random(n) < 0.75
    p["amazon_title"] = [f"{BRAND} – {name}, {var}" for name, var in zip(p["product_name"], p["variation"])]
    p["shopify_title"] = [f"{name} - {var}" for name, var in zip(p["product_name"], p["variation"])]
    return p


def unmapped_product_id(products: pd.DataFrame) -> str:
    """The one product left out of the demo catalogue (catalogue/products.csv): the last promoted product."""
    return str(products.loc[products["promoted_on_tiktok"].astype(bool), "product_id"].iloc[-1])


# ---------------------------------------------------------------- helpers
def _sha(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _month_windows(start: date, end: date) -> list[tuple[date, date]]:
    out = []
    m = date(start.year, start.month, 1)
    while m <= end:
        nxt = date(m.year + (m.month == 12), m.month % 12 + 1, 1)
        out.append((max(m, start), min(nxt - timedelta(days=1), end)))
        m = nxt
    return out


def _dt64(d: datetime | date) -> np.datetime64:
    return np.datetime64(d if isinstance(d, datetime) else datetime(d.year, d.month, d.day), "s")


def _in_window(created: np.ndarray, start: date, end: date) -> np.ndarray:
    day = created.astype("datetime64[D]")
    return (day >= np.datetime64(start)) & (day <= np.datetime64(end))


def _export_time(day: date, rng: np.random.Generator, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, int(rng.integers(0, 60)))


class _Writer:
    def __init__(self, out_dir: Path, manifest: DemoManifest):
        self.out_dir = out_dir
        self.manifest = manifest

    def add(self, path: Path, kind: str, start=None, end=None, exported_at: datetime | None = None,
            encoding: str = "utf-8") -> None:
        self.manifest.files.append(DemoFile(
            path=str(path.relative_to(self.out_dir)), kind=kind, bytes=path.stat().st_size, sha256=_sha(path),
            period_start=start.isoformat() if start else None, period_end=end.isoformat() if end else None,
            exported_at=exported_at.isoformat(timespec="minutes") if exported_at else None, encoding=encoding))


# ---------------------------------------------------------------- main entry point
def generate_demo(out_dir: Path, *, seed: int = 7, days: int = 400, scale: int | None = None,
                  end: date | None = None, truth_dir: Path | None = None) -> DemoManifest:
    """Write the demo seller's exports into out_dir and the ground truth into out_dir/.demo/."""
    from orchestration.demo.world import WorldConfig, simulate_world

    t0 = time.perf_counter()
    out_dir = Path(out_dir)
    truth_dir = Path(truth_dir) if truth_dir else out_dir / TRUTH_DIRNAME
    out_dir.mkdir(parents=True, exist_ok=True)
    truth_dir.mkdir(parents=True, exist_ok=True)
    cfg = WorldConfig(seed=seed, days=days) if end is None else \
        WorldConfig(seed=seed, days=days, start=end - timedelta(days=days - 1))
    world = simulate_world(cfg)
    start = cfg.start
    last = start + timedelta(days=days - 1)
    products = demo_products(world)
    pindex = {pid: i for i, pid in enumerate(products["product_id"])}
    daily = world.daily.copy()
    daily["_pidx"] = daily["product_id"].map(pindex).to_numpy()
    people = PeoplePool(np.random.default_rng([seed, 1]))
    manifest = DemoManifest(out_dir=out_dir, truth_dir=truth_dir)
    w = _Writer(out_dir, manifest)

    if scale is not None:
        from orchestration.demo.scaled import write_scaled

        write_scaled(w, world, products, daily, people, seed, scale, start, last)
        manifest.seconds = time.perf_counter() - t0
        _write_json(truth_dir / "periods.json", manifest.periods())
        _write_json(truth_dir / "manifest.json", _manifest_json(manifest))
        return manifest

    scaled = volume_scaled(daily, VOLUME_SCALE)

    truth = world.truth
    tt, _ = sample_tiktok(np.random.default_rng([seed, 2]), products, scaled, people, truth)
    az, _ = sample_amazon(np.random.default_rng([seed, 3]), products, scaled, people, truth)
    sh, _ = sample_shopify(np.random.default_rng([seed, 4]), products, scaled, people, truth)
    _attribute_sources(np.random.default_rng([seed, 5]), tt, scaled)
    rng = np.random.default_rng([seed, 6])

    tt_latest = _write_tiktok_orders(w, tt, products, people, start, last, rng)
    _write_affiliate(w, tt, products, start, last, rng)
    _write_data_compass(w, tt, products, scaled, start, last, np.random.default_rng([seed, 7]))
    _write_ads(w, tt, products, scaled, start, last, np.random.default_rng([seed, 8]))
    az_asof = _write_amazon(w, az, products, people, start, last, rng)
    _write_business_reports(w, az, products, scaled, start, last, np.random.default_rng([seed, 9]))
    sh_all, synced = _write_shopify(w, sh, tt, products, people, last, np.random.default_rng([seed, 10]))
    settlement = _write_settlements(w, tt, az, sh_all, products, people, start, last, seed)

    realised = {
        "tiktok": _tiktok_realised(tt, tt_latest),
        "amazon": _amazon_realised(az, az_asof),
        "shopify": _shopify_realised(sh_all, _dt64(last + timedelta(days=1)) + np.timedelta64(10 * 3600, "s")),
    }
    gt = {
        "generator": {"seed": seed, "days": days, "start": start.isoformat(), "end": last.isoformat(),
                      "volume_scale": VOLUME_SCALE, "time_zone": "America/Los_Angeles",
                      "brand": BRAND, "seller_handle": SELLER_HANDLE,
                      "tiktok_export_overlap_days": TIKTOK_OVERLAP_DAYS},
        "definitions": {
            "units": "realised units = Poisson(world expected units x volume_scale) per date x product, by the "
                     "order's created date in America/Los_Angeles; cancelled orders included",
            "cancellation_rate": "orders whose latest exported state is cancelled / orders exported",
            "return_rate_visible": "returned units (Sku Quantity of return / Shopify refunded lines) in the latest "
                                   "exported state / units of lines not cancelled in that state",
            "return_rate_eventual": "returned units / units not cancelled, including returns after the last export",
            "tiktok_gmv": "sum of SKU Subtotal Before Discount - SKU Seller Discount, by paid time (Data Compass)",
            "shopify_synced": "TikTok Shop orders copied into Shopify by the TikTok channel app (Source 'tiktok', "
                              "tag 'TikTok Shop', note attribute 'TikTok Order ID'); count them once, on TikTok",
        },
        "world": truth,
        "realised": realised,
        "unmapped_product_ids": [unmapped_product_id(products)],
        "shopify_synced_tiktok_orders": synced,
        "settlement": settlement,
    }
    _write_json(truth_dir / "ground_truth.json", gt)
    _daily_truth(tt, az, sh, products).to_csv(truth_dir / "ground_truth_daily.csv", index=False)
    _write_json(truth_dir / "pii_canaries.json", people.canaries())
    _write_json(truth_dir / "periods.json", manifest.periods())
    manifest.seconds = time.perf_counter() - t0
    _write_json(truth_dir / "manifest.json", _manifest_json(manifest))
    return manifest


VOLUME_COLUMNS = ("expected_tiktok_units", "expected_amazon_units", "expected_shopify_units", "expected_amazon_sessions",
                  "video_views", "seller_video_views", "creator_video_views", "live_views", "ads_spend_usd")


def volume_scaled(daily: pd.DataFrame, factor: float) -> pd.DataFrame:
    """The world's days with every channel's volume (units, views, sessions, ads spend) times factor."""
    scaled = daily.copy()
    for c in VOLUME_COLUMNS:
        scaled[c] = scaled[c] * factor
    sales = scaled["expected_shopify_sales_usd"].to_numpy(dtype=float)
    scaled["shopify_spillover_share"] = np.where(sales > 0, scaled["shopify_spillover_usd"] / np.maximum(sales, 1e-9), 0)
    return scaled


def _write_json(path: Path, obj) -> None:
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")


def _manifest_json(m: DemoManifest) -> dict:
    # No timing in the file: the manifest must be byte-identical across runs of the same seed.
    return {"files": [asdict(f) for f in m.files], "total_bytes": m.total_bytes}


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
        X.write_csv(path, list(X.L.TIKTOK_ADS_CAMPAIGN_DAILY), rows, bom=True)
        w.add(path, "tiktok_ads_campaign_daily", ms, me, at)


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
        X.write_csv(path, list(X.L.AMAZON_BUSINESS_REPORT), rows, bom=ms.month % 2 == 0, quoting=X.csv.QUOTE_ALL)
        w.add(path, "amazon_business_report", ms, me, _export_time(me + timedelta(days=1), rng, hour=12))


# ---------------------------------------------------------------- Shopify
def _shopify_canonical(sh, tt, products, people, last, rng, rank_offset: int = 0) -> tuple[pd.DataFrame, list[dict]]:
    """rank_offset: orders Shopify numbered before these (the scaled demo builds its orders slice by slice)."""
    pid = sh["_pidx"].to_numpy()
    own = pd.DataFrame({
        "order_seq": sh["order_seq"].to_numpy(), "created": sh["created"].to_numpy(dtype="datetime64[s]"),
        "_pidx": pid, "quantity": sh["quantity"].to_numpy(), "unit_price": sh["unit_price"].to_numpy(),
        "line_discount": sh["line_discount"].to_numpy(), "discount_code": sh["discount_code"].to_numpy(),
        "subtotal": sh["subtotal"].to_numpy(), "discount_amount": sh["discount_amount"].to_numpy(),
        "shipping": sh["shipping"].to_numpy(), "taxes": sh["taxes"].to_numpy(), "total": sh["total"].to_numpy(),
        "buyer_idx": sh["buyer_idx"].to_numpy(), "accepts_marketing": sh["accepts_marketing"].to_numpy(),
        "fulfilled_at": sh["fulfilled_at"].to_numpy(), "cancelled_at": sh["cancelled_at"].to_numpy(),
        "refunded_at": sh["refunded_at"].to_numpy(), "refund_line": sh["refund_line"].to_numpy(),
        "payment_method": sh["payment_method"].to_numpy(), "tiktok_signal": sh["tiktok_signal"].to_numpy(),
        "synced_tiktok_order_id": "", "cancelled": sh["cancelled"].to_numpy(), "returned": sh["returned"].to_numpy(),
    })
    n_own = int(own["order_seq"].max()) + 1 if len(own) else 0
    sig = own["tiktok_signal"].to_numpy()
    handles = np.array(CREATOR_HANDLES, dtype=object)[rng.integers(len(CREATOR_HANDLES), size=len(own))]
    notes = np.where(rng.random(len(own)) < 0.02, "Please gift wrap, thank you!", "").astype(object)
    gift = rng.random(len(own)) < 0.02
    gift_idx = (own["buyer_idx"].to_numpy() + 7) % len(people.people)
    gift_people = people.pick(gift_idx)
    note_attr = np.where(sig == "note_attribute",
                         np.char.add("utm_source: tiktok\nutm_medium: creator\nutm_campaign: ", handles.astype(str)),
                         "").astype(object)
    gift &= note_attr == ""
    note_attr = np.where(gift, [f"gift_recipient: {p.name}" for p in gift_people], note_attr)
    people.record(gift_idx[gift], ("names",))
    tags = np.where((sig == "note_attribute") & (own["buyer_idx"].to_numpy() % 2 == 0), "TikTok Traffic",
                    np.where(own["buyer_idx"].to_numpy() % 29 == 0, "VIP", "")).astype(object)
    own["notes"], own["note_attributes"], own["tags"] = notes, note_attr, tags
    own["source"] = np.where(own["buyer_idx"].to_numpy() % 53 == 0, "shopify_draft_order", "web")

    sync_from = np.datetime64(last - timedelta(days=SHOPIFY_SYNC_DAYS - 1))
    tsel = tt[tt["created"].to_numpy(dtype="datetime64[D]") >= sync_from]
    tseq = tsel["order_seq"].to_numpy()
    order_disc = tsel.groupby("order_seq")[["seller_discount", "platform_discount"]].sum().sum(axis=1)
    order_sub = tsel.groupby("order_seq")["subtotal"].sum()
    synced = pd.DataFrame({
        "order_seq": n_own + pd.factorize(tseq)[0], "created": tsel["paid"].to_numpy(dtype="datetime64[s]"),
        "_pidx": tsel["_pidx"].to_numpy(), "quantity": tsel["quantity"].to_numpy(),
        "unit_price": tsel["unit_price"].to_numpy(),
        "line_discount": (tsel["seller_discount"] + tsel["platform_discount"]).to_numpy(), "discount_code": "",
        "subtotal": order_sub.reindex(tseq).to_numpy(), "discount_amount": order_disc.reindex(tseq).to_numpy(),
        "shipping": tsel["shipping_fee"].to_numpy(), "taxes": tsel["taxes"].to_numpy(),
        "total": tsel["order_amount"].to_numpy(), "buyer_idx": tsel["buyer_idx"].to_numpy(),
        "accepts_marketing": False, "fulfilled_at": tsel["shipped"].to_numpy(),
        "cancelled_at": tsel["cancelled_at"].to_numpy(), "refunded_at": tsel["returned_at"].to_numpy(),
        "refund_line": tsel["line_refund"].to_numpy(), "payment_method": "TikTok Shop", "tiktok_signal": "synced",
        "synced_tiktok_order_id": tsel["order_id"].to_numpy(), "cancelled": tsel["cancelled"].to_numpy(),
        "returned": tsel["return_qty"].to_numpy() > 0,
        "notes": "", "note_attributes": np.char.add("TikTok Order ID: ", tsel["order_id"].to_numpy().astype(str)),
        "tags": "TikTok Shop", "source": "tiktok",
    })
    allx = pd.concat([own, synced], ignore_index=True)
    # Shopify numbers orders in the order they reach it; the synced ones interleave with web orders.
    first_created = allx.groupby("order_seq")["created"].min()
    rank = first_created.rank(method="first").astype(int).reindex(allx["order_seq"]).to_numpy() + rank_offset
    allx["name"] = np.char.add("#", (1000 + rank).astype(str))
    allx["shopify_id"] = (5_810_000_000_000 + rank * 131).astype(np.int64)
    allx["_rank"] = rank
    pidx = allx["_pidx"].to_numpy()
    allx["lineitem_name"] = products["shopify_title"].to_numpy()[pidx]
    allx["lineitem_sku"] = products["shopify_sku"].to_numpy()[pidx]
    allx["compare_at"] = np.where(pidx % 4 == 0, X.money_2dp(allx["unit_price"].to_numpy() * 1.25), "")
    allx["vendor"] = BRAND
    allx["payment_ref"] = np.where(allx["source"] == "tiktok", "", np.char.add("c", (27_000_000_000 + rank * 7)
                                                                             .astype(str)))
    allx["tax_rate"] = [STATE_TAX.get(people.people[b].state_code, 0.07) for b in allx["buyer_idx"]]
    allx = allx.sort_values(["_rank", "_pidx"], ascending=[False, True], kind="stable").reset_index(drop=True)
    syn = allx[allx["synced_tiktok_order_id"] != ""].drop_duplicates("name")
    synced_list = [{"shopify_name": a, "tiktok_order_id": b}
                   for a, b in zip(syn["name"], syn["synced_tiktok_order_id"])]
    return allx, synced_list


def _write_shopify(w: _Writer, sh, tt, products, people, last, rng) -> tuple[pd.DataFrame, list[dict]]:
    allx, synced = _shopify_canonical(sh, tt, products, people, last, rng)
    at = datetime(last.year, last.month, last.day, 10, 0) + timedelta(days=1)
    as_of = _dt64(at)
    frame = X.shopify_frame(allx, people, as_of)
    names = allx["name"].to_numpy()
    order_no = pd.factorize(names)[0]
    parts = order_no // SHOPIFY_ORDERS_PER_PART
    for k in range(int(parts.max()) + 1 if len(parts) else 0):
        m = parts == k
        path = w.out_dir / f"orders_export_{k + 1}.csv"
        X.write_csv(path, list(frame.columns), frame[m])
        created = allx.loc[m, "created"].to_numpy(dtype="datetime64[D]")
        w.add(path, "shopify_orders", pd.Timestamp(created.min()).date(), pd.Timestamp(created.max()).date(), at)
    return allx, synced


def _shopify_realised(allx: pd.DataFrame, as_of: np.datetime64) -> dict:
    first = ~allx["name"].duplicated().to_numpy()
    synced = allx["synced_tiktok_order_id"].to_numpy() != ""
    own = ~synced
    qty = allx["quantity"].to_numpy()
    cancelled = allx["cancelled"].to_numpy()
    ref_vis = ~cancelled & ~np.isnat(allx["refunded_at"].to_numpy(dtype="datetime64[s]")) & \
        (allx["refunded_at"].to_numpy(dtype="datetime64[s]") <= as_of)
    sig = allx.loc[first & own, "tiktok_signal"].value_counts()
    return {
        "orders_total_in_files": int(first.sum()),
        "orders_own": int((first & own).sum()),
        "orders_synced_from_tiktok": int((first & synced).sum()),
        "units_own": int(qty[own].sum()),
        "tiktok_driven_orders_by_signal": {k: int(v) for k, v in sig.items() if k},
        "cancelled_orders_own": int((first & own & cancelled).sum()),
        "cancellation_rate_own": float(cancelled[first & own].mean()),
        "returned_units_own_visible": int(qty[own & ref_vis].sum()),
        "return_rate_own_visible": float(qty[own & ref_vis].sum() / qty[own & ~cancelled].sum()),
        "return_rate_own_eventual": float(qty[own & allx["returned"].to_numpy()].sum() / qty[own & ~cancelled].sum()),
    }


def _write_settlements(w: _Writer, tt, az, sh_all, products, people, start, last, seed) -> dict:
    """Statements, transaction and returns reports, payouts: what was paid (see demo/settlements.py)."""
    from orchestration.demo import settlements as S

    frame, tiktok = S.tiktok_statements(tt, products, start, last, np.random.default_rng([seed, 11]))
    for path, ms, me in S.write_tiktok_statements(w.out_dir, frame):
        w.add(path, "tiktok_statements", ms, me)
    tx, returns, amazon = S.amazon_settlement(az, products, people, start, last, np.random.default_rng([seed, 12]))
    for path, ms, me in S.write_amazon_transactions(w.out_dir, tx):
        w.add(path, "amazon_transactions", ms, me)
    path, ms, me = S.write_amazon_returns(w.out_dir, returns, start, last)
    w.add(path, "amazon_fba_returns", ms, me)
    payouts, shopify = S.shopify_payouts(sh_all, last, np.random.default_rng([seed, 13]))
    for path, ms, me in S.write_shopify_payouts(w.out_dir, payouts):
        w.add(path, "shopify_payouts", ms, me)
    return {
        "rate_card": f"seeds/reference/{S.RATE_CARD_FILE} (+ {S.RATE_CARD})",
        "tiktok_shop": tiktok, "amazon": amazon, "shopify": shopify,
        "planted": {
            "never_settled": [tiktok["never_settled_order"]] if tiktok["never_settled_order"] else [],
            "fee_disputes": [tiktok["fee_dispute"]] if tiktok["fee_dispute"] else [],
            "reimbursements": [amazon["reimbursement"]] if amazon["reimbursement"] else [],
        },
        "definitions": {
            "never_settled": "a delivered, not returned TikTok Shop order left out of every statement",
            "fee_dispute": "a TikTok Shop line whose referral fee is three times the rate card's rate",
            "reimbursement": "Amazon pays back one returned unit damaged in its warehouse (Adjustment row)",
        },
    }


def _daily_truth(tt, az, sh, products) -> pd.DataFrame:
    frames = []
    for ch, df, price_col in (("tiktok", tt, "gross"), ("amazon", az, "item_price"), ("shopify", sh, None)):
        gross = df[price_col].to_numpy(dtype=float) if price_col else \
            df["unit_price"].to_numpy(dtype=float) * df["quantity"].to_numpy()
        g = pd.DataFrame({"date": df["created"].to_numpy(dtype="datetime64[D]"),
                          "product_id": products["product_id"].to_numpy()[df["_pidx"].to_numpy()],
                          "order_seq": df["order_seq"].to_numpy(), "units": df["quantity"].to_numpy(),
                          "gross_usd": gross})
        agg = g.groupby(["date", "product_id"]).agg(units=("units", "sum"), orders=("order_seq", "nunique"),
                                                     gross_usd=("gross_usd", "sum")).reset_index()
        agg.insert(2, "channel", ch)
        frames.append(agg)
    out = pd.concat(frames, ignore_index=True)
    out["date"] = pd.to_datetime(out["date"]).dt.strftime("%Y-%m-%d")
    out["gross_usd"] = out["gross_usd"].round(2)
    return out.sort_values(["date", "product_id", "channel"]).reset_index(drop=True)


def summary(manifest: DemoManifest) -> str:
    """One line per export kind: files and size (what the CLI prints after generating)."""
    kinds: dict[str, list[DemoFile]] = {}
    for f in manifest.files:
        kinds.setdefault(f.kind, []).append(f)
    lines = [f"{k:<28} {len(v):>3} files {sum(f.bytes for f in v) / 1e6:>7.2f} MB" for k, v in kinds.items()]
    lines.append(f"{'total':<28} {len(manifest.files):>3} files {manifest.total_bytes / 1e6:>7.2f} MB "
                 f"in {manifest.seconds:.1f} s -> {manifest.out_dir} (truth: {manifest.truth_dir})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    import argparse

    from orchestration import settings

    ap = argparse.ArgumentParser(description="Write the demo seller's exports (default: into the inbox).")
    ap.add_argument("--out", type=Path, default=None, help="folder (default: $TSW_HOME/inbox)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--days", type=int, default=400)
    ap.add_argument("--scale", type=int, default=None, help="benchmark: the whole seller at ~N TikTok order lines")
    ap.add_argument("--end", type=date.fromisoformat, default=None, help="last day of the window (YYYY-MM-DD)")
    args = ap.parse_args(argv)
    manifest = generate_demo(args.out or settings.inbox_dir(), seed=args.seed, days=args.days, scale=args.scale,
                             end=args.end)
    print(summary(manifest))


if __name__ == "__main__":
    main()
