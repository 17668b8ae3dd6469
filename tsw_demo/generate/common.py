"""What every platform's file plan shares: the seller, the export timing, the manifest and its writer.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

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
