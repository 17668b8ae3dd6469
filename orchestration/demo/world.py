"""A simulated cross-border seller on TikTok Shop US, Amazon US and Shopify, with known ground truth.

The demo exports (orchestration/demo/exports.py) turn this world into files in the platforms' real layouts;
the spillover estimator (orchestration/analysis/spillover/) is validated against ``World.truth``.
Everything is deterministic given ``WorldConfig.seed`` (one ``numpy.random.Generator``, fixed draw order).
The world holds *expected* quantities; realised orders (Poisson draws of units) are made by whoever consumes it.

Catalogue
    ``n_products`` products ("P001"…) spread over six categories the source articles call hot in the US
    (beauty_personal_care, health, womenswear, sports_outdoor, phone_electronics_accessories, home).
    With ``control_products=True`` one product per category (at least 5 overall, about 15 %) is never promoted
    on TikTok: no videos, no LIVE, no ads, only a trickle of organic product-card sales and no spillover.
    They form the control group whose off-TikTok sales share every non-TikTok driver with the promoted ones.

TikTok activity (promoted products only)
    - seller videos: Poisson, ~0.3–1.5 a day; views per video lognormal (median ~900);
    - creator (affiliate) videos: a low background rate plus category-wide pushes on a calendar (about 9 a
      year per category): 4–12 days of 2–8 videos a day per participating product (~75 % of the category
      joins), three times that on the first two days because creators are briefed to post at launch;
      views per video Pareto (alpha 1.1, minimum 2,500, capped at 8 M): a handful of videos go viral, so
      daily views spike by two or three orders of magnitude on a few days a year;
    - a video's views accrue over four days (55/25/12/8 %) after posting;
    - LIVE: the seller streams on two fixed weekdays (plus occasional extra sessions), views lognormal;
    - ads: each push is boosted by ads for 14–28 days from launch (80 % of products enrolled, per-product
      budget), followed by a 10–25 day lull; so a category's TikTok GMV alternates quiet weeks and bursts,
      as a seller's campaign calendar does.
    Expected TikTok Shop GMV = organic product-card sales + video views/1000 x GPM (creator and seller GPMs
    differ) + LIVE views/1000 x LIVE GPM + ads spend x ROAS, times a day-level conversion shock.
    ``expected_tiktok_units`` = that GMV / price.

Off-TikTok demand (Amazon and Shopify, each product)
    baseline_usd(t) = level x (1 + growth x t/365) x weekday[channel] x season(t) x events(t) x promo(t) x shock(t)
    - weekday patterns differ by channel; season(t) is a yearly curve shared by all products: a smooth
      spring/summer swell and late-November/December swell, times week-long gifting ramps (Valentine's,
      Mother's and Father's Day, back to school, Halloween, pre-Christmas) that no event flag marks;
    - Prime Day (Amazon x2.8, Shopify x1.1): four days from the second Tuesday of July (2025: 8–11 July);
      BFCM (Black Friday through Cyber Monday): Amazon x2.2, Shopify x3.0;
    - seller promotions (``is_promo``): one or two 3–7 day windows a year per product, Amazon x1.15, Shopify x1.4;
    - shock(t): AR(1) log-normal noise (phi 0.6, sd 0.12 x ``noise``), mean one.
    Spillover adds
        spill_usd[p, c](t) = beta[p, c] x sum_{l=0..L} w[p, c][l] x TikTokShopGMV[p](t - l),   L = 10,
    where w is a discretised gamma hump (shape 5) peaking at ``peak_lag`` in {2, 3, 4} days (drawn per
    category x channel, shared by the category's products), sum(w) = 1. beta is therefore the incremental
    off-TikTok sales in USD per 1 USD of TikTok Shop GMV, summed over lags. Ten burn-in days are simulated
    before ``start`` so the first day already carries spillover from earlier TikTok sales.
    beta[p, c] = category-channel rate x lognormal(0, 0.08): products of a category behave alike, which
    keeps a group's regression estimand (weighted by each product's TikTok GMV *variance*) close to its
    GMV-weighted truth. Promoted phone_electronics_accessories and home products have beta = 0 on Shopify
    (no true spillover), giving both products and whole groups with a true zero.
    Amazon FBA stockouts (``is_stockout``; about a fifth of products get one 3–7 day episode) set expected
    Amazon units to 2 % of demand; sessions (demand / unit-session-percentage) continue during a stockout.
    Expected units = expected sales / price (list price; promotions lift units, not discount price).

Confounding
    ``shared_seasonality=True`` multiplies TikTok content rates (videos, LIVE, ads, organic card sales) by
    season(t) ** 3 — the same driver as the off-TikTok baselines, felt harder by content (gift guides) — so
    TikTok GMV and Amazon/Shopify sales co-move even without spillover, at the slow seasonal pace and over
    the week-long gifting ramps alike; that seller also launches a creator push (with ads) into every
    gifting ramp, the way sellers time campaigns to Valentine's or Mother's Day, and its gifting ramps are
    steeper (+90 % on the peak day instead of +35 %).
    Control products share season(t), so their sales series can absorb it.

Ground truth (``World.truth``, JSON-serialisable)
    - ``products[pid][channel]``: beta, lag_weights (L + 1 values), peak_lag, beta_per_1000_views, where
      beta_per_1000_views = beta x 1000 x sum_t GMV[p](t) / sum_t views[p](t), views = video + LIVE views,
      sums over the simulated window (start .. start + days - 1): the incremental off-TikTok USD per 1,000
      TikTok views at the product's average GMV per view. Controls: beta 0, beta_per_1000_views null.
    - ``groups[group][channel]`` for every category and "all": the GMV-weighted aggregate
          beta_G = sum_{p in G} beta_p x GMV_p / sum_{p in G} GMV_p,  GMV_p = sum_t expected TikTok GMV of p,
      i.e. incremental off-TikTok sales of the group ÷ TikTok Shop GMV of the group over the window — the
      quantity TikTok's own "Off-site Effect" ratio tries to measure. Group lag weights are the
      spillover-weighted mixture sum_p beta_p GMV_p w_p / sum_p beta_p GMV_p (GMV-weighted if all betas are 0);
      peak_lag is their argmax. Group members include the group's control products (beta 0, tiny GMV).
      ``aggregate_truth`` computes the same for any product subset and sub-window.
    - return and cancellation rates per category x channel (true rates; products vary ±15 % around them),
      event dates, control product ids, and the formulas above in words.

Units: money in USD, views are counts, dates are calendar days (the seller's US time zone).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

LAG_MAX = 10  # L: spillover lasts up to ten days after the TikTok sale
CONTENT_SEASON_ELASTICITY = 3.0
BURN_IN = LAG_MAX
CHANNELS = ("amazon", "shopify")

CATEGORIES: dict[str, str] = {
    "beauty_personal_care": "Beauty & Personal Care",
    "health": "Health",
    "womenswear": "Womenswear & Underwear",
    "sports_outdoor": "Sports & Outdoor",
    "phone_electronics_accessories": "Phone & Electronics Accessories",
    "home": "Home Supplies",
}
# Share of the catalogue per category (beauty and apparel dominate TikTok Shop US assortments).
_CATEGORY_SHARE = {
    "beauty_personal_care": 9,
    "health": 6,
    "womenswear": 8,
    "sports_outdoor": 6,
    "phone_electronics_accessories": 6,
    "home": 5,
}
_SKU_PREFIX = {
    "beauty_personal_care": "BPC",
    "health": "HLT",
    "womenswear": "WMN",
    "sports_outdoor": "SPO",
    "phone_electronics_accessories": "PEA",
    "home": "HOM",
}
_NAMES = {
    "beauty_personal_care": [
        "Vitamin C Brightening Serum",
        "Heatless Curling Rod Set",
        "Hydrating Lip Oil Trio",
        "Collagen Under-Eye Patches",
        "Silicone Scalp Massager",
        "Tinted Moisturizer SPF 50",
        "Gel Press-On Nails Kit",
        "Rosemary Hair Growth Oil",
        "LED Light Therapy Face Mask",
        "Volumizing Dry Shampoo Powder",
        "Snail Mucin Essence",
        "Ionic Hair Dryer Brush",
    ],
    "health": [
        "Magnesium Glycinate Gummies",
        "Adjustable Posture Corrector",
        "Electrolyte Drink Mix Sticks",
        "Daily Probiotic Capsules",
        "Melatonin Sleep Gummies",
        "Mini Percussion Massage Gun",
        "Blue Light Blocking Glasses",
        "Collagen Peptides Powder",
    ],
    "womenswear": [
        "Seamless Shapewear Bodysuit",
        "High-Waist Flare Leggings",
        "Ribbed Knit Lounge Set",
        "Oversized Denim Jacket",
        "Wrap Midi Dress",
        "Cropped Button Cardigan",
        "Parachute Cargo Pants",
        "Satin Slip Skirt",
        "Tummy Control One-Piece Swimsuit",
        "Seamless Sports Bra",
    ],
    "sports_outdoor": [
        "Adjustable Dumbbell Pair",
        "Resistance Band Set",
        "Insulated Tumbler 40 oz",
        "Non-Slip Yoga Mat",
        "Under-Desk Walking Pad",
        "Rechargeable Camping Lantern",
        "Packable Hiking Daypack",
        "Weighted Jump Rope",
    ],
    "phone_electronics_accessories": [
        "Magnetic Power Bank 10000mAh",
        "Clear Shockproof Phone Case",
        "Wireless Earbuds with Case",
        "Phone Tripod with Remote",
        "20W USB-C Fast Charger",
        "Clip-On Selfie Ring Light",
        "Magnetic Car Phone Mount",
        "Braided Charging Cable 3-Pack",
    ],
    "home": [
        "Portable Mini Blender",
        "Sunset Projection Lamp",
        "Vacuum Storage Bags 8-Pack",
        "Electric Spin Scrubber",
        "Ultrasonic Aroma Diffuser",
        "Countertop Ice Maker",
        "Motion Sensor Closet Lights",
    ],
}
# (price low, price high) USD, weight kg range.
_PRICE = {
    "beauty_personal_care": (9.99, 39.99),
    "health": (14.99, 44.99),
    "womenswear": (17.99, 59.99),
    "sports_outdoor": (12.99, 89.99),
    "phone_electronics_accessories": (9.99, 49.99),
    "home": (14.99, 69.99),
}
_WEIGHT = {
    "beauty_personal_care": (0.05, 0.4),
    "health": (0.1, 0.6),
    "womenswear": (0.15, 0.8),
    "sports_outdoor": (0.3, 6.0),
    "phone_electronics_accessories": (0.05, 0.5),
    "home": (0.3, 4.0),
}
# Category-level spillover (USD off-TikTok per USD TikTok GMV). Amazon rates sit close together (0.16-0.22):
# many viewers search Amazon for a product they saw, a little more for beauty/health re-buys, a little less
# for apparel bought in-app. The seller's own Shopify site gets less, and nothing at all for commodity
# accessories and home gadgets (no brand recall that would send anyone to a DTC site).
_BETA_BASE = {
    "beauty_personal_care": {"amazon": 0.22, "shopify": 0.08},
    "health": {"amazon": 0.20, "shopify": 0.07},
    "womenswear": {"amazon": 0.16, "shopify": 0.09},
    "sports_outdoor": {"amazon": 0.20, "shopify": 0.05},
    "phone_electronics_accessories": {"amazon": 0.17, "shopify": 0.0},
    "home": {"amazon": 0.18, "shopify": 0.0},
}
# True return rates (share of delivered units returned) per category x channel. US online apparel returns run
# above 30 %; impulse purchases from short videos are returned more often than searched-for purchases.
RETURN_RATES = {
    "beauty_personal_care": {"tiktok": 0.07, "amazon": 0.05, "shopify": 0.04},
    "health": {"tiktok": 0.06, "amazon": 0.04, "shopify": 0.03},
    "womenswear": {"tiktok": 0.38, "amazon": 0.31, "shopify": 0.26},
    "sports_outdoor": {"tiktok": 0.15, "amazon": 0.11, "shopify": 0.09},
    "phone_electronics_accessories": {"tiktok": 0.14, "amazon": 0.10, "shopify": 0.08},
    "home": {"tiktok": 0.12, "amazon": 0.09, "shopify": 0.07},
}
# Cancellation before shipment: TikTok Shop's pay-now impulse orders and unpaid/auto-cancelled orders are
# cancelled far more often than Amazon orders.
CANCEL_RATES = {"tiktok": 0.055, "amazon": 0.012, "shopify": 0.02}

_WEEKDAY = {  # Monday .. Sunday multipliers (mean ~1)
    "amazon": np.array([1.06, 1.04, 1.01, 0.99, 0.95, 0.93, 1.02]),
    "shopify": np.array([1.10, 1.05, 1.00, 0.98, 0.94, 0.90, 1.03]),
}
_EVENT_MULT = {
    "amazon": {"prime_day": 2.8, "bfcm": 2.2, "promo": 1.15},
    "shopify": {"prime_day": 1.1, "bfcm": 3.0, "promo": 1.4},
}


@dataclass(frozen=True)
class WorldConfig:
    seed: int = 7
    days: int = 400  # >= 365
    start: date = date(2025, 1, 1)
    n_products: int = 40
    noise: float = 1.0  # multiplier of demand noise; tests use a low-noise world (e.g. 0.25)
    shared_seasonality: bool = False  # confounded world: TikTok activity and off-TikTok demand share a driver
    control_products: bool = True  # some products are never promoted on TikTok (the control group)

    def __post_init__(self) -> None:
        if self.days < 365:
            raise ValueError(f"WorldConfig.days must be >= 365 (a full seasonal year), got {self.days}")
        if self.n_products < 12:
            raise ValueError(
                f"WorldConfig.n_products must be >= 12 (two per category), got {self.n_products}"
            )
        if self.noise < 0:
            raise ValueError(f"WorldConfig.noise must be >= 0, got {self.noise}")


@dataclass
class World:
    config: WorldConfig
    products: pd.DataFrame
    daily: pd.DataFrame
    truth: dict = field(default_factory=dict)

    def dates(self) -> pd.DatetimeIndex:
        return pd.date_range(self.config.start, periods=self.config.days, freq="D")


# ---------------------------------------------------------------- calendar helpers
def prime_day_dates(year: int) -> list[date]:
    """Four days from the second Tuesday of July (the 2025 event ran 8–11 July)."""
    first = date(year, 7, 1)
    first_tuesday = first + timedelta(days=(1 - first.weekday()) % 7)
    start = first_tuesday + timedelta(days=7)
    return [start + timedelta(days=i) for i in range(4)]


def bfcm_dates(year: int) -> list[date]:
    """Black Friday (day after the fourth Thursday of November) through Cyber Monday."""
    first = date(year, 11, 1)
    first_thursday = first + timedelta(days=(3 - first.weekday()) % 7)
    black_friday = first_thursday + timedelta(days=22)
    return [black_friday + timedelta(days=i) for i in range(4)]


def gifting_dates(year: int) -> list[date]:
    """US gifting peaks sellers feel but rarely flag: Valentine's, Mother's and Father's Day, back to school,
    Halloween and the last pre-Christmas shipping days."""

    def nth_sunday(month: int, n: int) -> date:
        first = date(year, month, 1)
        return first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (n - 1))

    return [
        date(year, 2, 14),
        nth_sunday(5, 2),
        nth_sunday(6, 3),
        date(year, 8, 15),
        date(year, 10, 31),
        date(year, 12, 18),
    ]


def season_curve(dates: pd.DatetimeIndex, gift_peak: float = 0.35) -> np.ndarray:
    """Yearly demand curve, mean about one: a spring/summer swell, a holiday swell, and week-long gifting
    ramps (+``gift_peak`` on the peak day, rising over the 7 days before it and gone 2 days after)."""
    doy = dates.day_of_year.to_numpy().astype(float)
    summer = 0.25 * np.sin(2 * np.pi * (doy - 80.0) / 365.25)
    holiday = 0.45 * np.exp(-0.5 * ((doy - 340.0) / 18.0) ** 2)
    smooth = 1.0 + summer + holiday - 0.04
    gift = np.zeros(len(dates))
    day_numbers = dates.to_numpy().astype("datetime64[D]").astype(np.int64)
    years = range(dates[0].year - 1, dates[-1].year + 2)
    for peak in (g for y in years for g in gifting_dates(y)):
        k = day_numbers - np.datetime64(peak, "D").astype(np.int64)  # days relative to the peak
        ramp = np.where((k >= -7) & (k <= 0), (k + 8) / 8.0, 0.0)
        tail = np.where((k > 0) & (k <= 2), 1.0 - k / 3.0, 0.0)
        gift += gift_peak * (ramp + tail)
    return smooth * (1.0 + gift)


def lag_profile(peak_lag: int, max_lag: int = LAG_MAX, shape: float = 5.0) -> np.ndarray:
    """Discretised gamma hump over lags 0..max_lag whose largest weight is at ``peak_lag``; sums to one."""
    x = np.arange(max_lag + 1) + 1.0
    theta = (peak_lag + 1.0) / (shape - 1.0)  # gamma mode (shape-1)*theta sits at x = peak_lag + 1
    w = x ** (shape - 1.0) * np.exp(-x / theta)
    w /= w.sum()
    return w


# ---------------------------------------------------------------- simulation
def _allocate_categories(n: int) -> list[str]:
    total = sum(_CATEGORY_SHARE.values())
    counts = {c: max(2, round(n * s / total)) for c, s in _CATEGORY_SHARE.items()}
    # Fix rounding so counts sum to n, adjusting the largest categories first.
    order = sorted(counts, key=lambda c: -_CATEGORY_SHARE[c])
    i = 0
    while sum(counts.values()) != n:
        c = order[i % len(order)]
        if sum(counts.values()) > n and counts[c] > 2:
            counts[c] -= 1
        elif sum(counts.values()) < n:
            counts[c] += 1
        i += 1
    out: list[str] = []
    for c in CATEGORIES:
        out.extend([c] * counts[c])
    return out


def _ar1_lognormal(rng: np.random.Generator, n_days: int, n_series: int, sd: float, phi: float = 0.6):
    """Mean-one multiplicative AR(1) noise with stationary log-sd ``sd``."""
    if sd <= 0:
        return np.ones((n_days, n_series))
    eps = rng.normal(0.0, sd * np.sqrt(1 - phi**2), size=(n_days, n_series))
    x = np.empty_like(eps)
    x[0] = rng.normal(0.0, sd, size=n_series)
    for t in range(1, n_days):
        x[t] = phi * x[t - 1] + eps[t]
    return np.exp(x - 0.5 * sd**2)


def _make_products(rng: np.random.Generator, cfg: WorldConfig) -> pd.DataFrame:
    cats = _allocate_categories(cfg.n_products)
    rows = []
    per_cat_counter: dict[str, int] = {}
    used_sku_ids: set[str] = set()
    alnum = np.array(list("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"))
    for i, cat in enumerate(cats):
        k = per_cat_counter.get(cat, 0)
        per_cat_counter[cat] = k + 1
        names = _NAMES[cat]
        name = names[k % len(names)] + ("" if k < len(names) else f" v{k // len(names) + 1}")
        lo, hi = _PRICE[cat]
        price = float(np.round(rng.uniform(lo, hi)) - 0.01)
        price = max(price, lo)
        cogs = round(price * rng.uniform(0.18, 0.35), 2)
        wlo, whi = _WEIGHT[cat]
        weight = round(float(np.exp(rng.uniform(np.log(wlo), np.log(whi)))), 3)
        while True:
            # TikTok Shop SKU IDs are 19-digit numbers starting with 17 in current US exports.
            sku_id = "17" + "".join(str(d) for d in rng.integers(0, 10, size=17))
            if sku_id not in used_sku_ids:
                used_sku_ids.add(sku_id)
                break
        asin = "B0" + "".join(rng.choice(alnum, size=8))
        prefix = _SKU_PREFIX[cat]
        rows.append(
            {
                "product_id": f"P{i + 1:03d}",
                "product_name": name,
                "category": cat,
                "category_name": CATEGORIES[cat],
                "price_usd": round(price, 2),
                "unit_cogs_usd": cogs,
                "weight_kg": weight,
                "tiktok_sku_id": sku_id,
                "seller_sku": f"{prefix}-{k + 1:03d}",
                "asin": asin,
                "shopify_sku": f"{prefix.lower()}{k + 1:03d}-us",
            }
        )
    products = pd.DataFrame(rows)
    promoted = np.ones(len(products), dtype=bool)
    if cfg.control_products:
        # One control per category, plus extra ones until ~15 % of the catalogue (never fewer than 5).
        n_ctrl = max(5, round(0.15 * len(products)))
        ctrl_idx: list[int] = []
        for cat in CATEGORIES:
            idx = np.flatnonzero(products["category"].to_numpy() == cat)
            ctrl_idx.append(int(rng.choice(idx)))
        remaining = np.setdiff1d(np.arange(len(products)), ctrl_idx)
        extra = n_ctrl - len(ctrl_idx)
        if extra > 0:
            ctrl_idx.extend(int(x) for x in rng.choice(remaining, size=extra, replace=False))
        promoted[ctrl_idx] = False
    products["promoted_on_tiktok"] = promoted
    for ch in ("tiktok", "amazon", "shopify"):
        base = products["category"].map(lambda c, ch=ch: RETURN_RATES[c][ch]).to_numpy()
        products[f"return_rate_{ch}"] = np.round(base * rng.uniform(0.85, 1.15, size=len(products)), 4)
    return products


def _heavy_sum(rng: np.random.Generator, counts: np.ndarray, draw) -> np.ndarray:
    """Sum, per cell, of ``counts[cell]`` independent draws from ``draw(rng, n)``."""
    flat = counts.ravel().astype(np.int64)
    total = int(flat.sum())
    if total == 0:
        return np.zeros(counts.shape)
    values = draw(rng, total)
    cell = np.repeat(np.arange(flat.size), flat)
    return np.bincount(cell, weights=values, minlength=flat.size).reshape(counts.shape)


def _pareto_views(rng: np.random.Generator, n: int) -> np.ndarray:
    v = 2500.0 * (1.0 + rng.pareto(1.1, size=n))
    return np.minimum(v, 8_000_000.0)


def _seller_views(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.lognormal(np.log(900.0), 1.1, size=n)


def _live_views(rng: np.random.Generator, n: int) -> np.ndarray:
    return rng.lognormal(np.log(2500.0), 0.8, size=n)


def simulate_world(config: WorldConfig = WorldConfig()) -> World:
    cfg = config
    rng = np.random.default_rng(cfg.seed)
    products = _make_products(rng, cfg)
    P = len(products)
    T = cfg.days + BURN_IN
    all_dates = pd.date_range(pd.Timestamp(cfg.start) - pd.Timedelta(days=BURN_IN), periods=T, freq="D")
    promoted = products["promoted_on_tiktok"].to_numpy()
    price = products["price_usd"].to_numpy()
    cats = products["category"].to_numpy()

    # The confounded seller sells gifts: its gifting ramps are steeper (+90 % instead of +35 %).
    season = season_curve(all_dates, gift_peak=0.9 if cfg.shared_seasonality else 0.35)
    # In the confounded world sellers and creators pile onto the same moments buyers do (gift guides,
    # summer gear), and harder: content intensity moves with season(t) ** 3.
    content_season = season**CONTENT_SEASON_ELASTICITY if cfg.shared_seasonality else np.ones(T)
    weekday = all_dates.day_of_week.to_numpy()

    # ---- TikTok content
    seller_rate = rng.uniform(0.3, 1.5, size=P) * promoted
    # A seller works each category on a calendar of pushes: creators are briefed to post on launch day
    # (a burst: three times the push rate on the first two days), the push runs 4-12 days, Spark/GMV-Max
    # ads boost the category for 14-28 days from launch, then a lull of 10-25 days before the next push.
    # ~75 % of the category's promoted products join each push; 80 % are enrolled in its ad group.
    cat_index = pd.Index(list(CATEGORIES)).get_indexer(cats)
    creator_base = rng.uniform(0.03, 0.2, size=P) * promoted
    creator_rate = np.tile(creator_base, (T, 1))
    intensity = rng.uniform(2.0, 8.0, size=P)
    enrolled = (rng.random(P) < 0.8) & promoted
    ads_on = np.zeros((T, P), dtype=bool)
    for c in range(len(CATEGORIES)):
        members = np.flatnonzero((cat_index == c) & promoted)
        s = int(rng.integers(0, 25))
        while s < T:
            length = int(rng.integers(4, 13))
            joined = members[rng.random(len(members)) < 0.75]
            boost = intensity[joined] * rng.uniform(0.5, 1.5, size=len(joined))
            creator_rate[s : s + length, joined] += boost
            creator_rate[s : s + 2, joined] += 2.0 * boost
            ads_days = int(rng.integers(14, 29))
            ads_members = members[enrolled[members]]
            ads_on[s : s + ads_days, ads_members] = True
            s += ads_days + int(rng.integers(10, 26))
    if cfg.shared_seasonality:
        # The confounded seller also launches a push into every gifting ramp, when buyers everywhere
        # are already shopping: TikTok bursts and off-TikTok peaks then coincide without any spillover.
        years = range(all_dates[0].year, all_dates[-1].year + 1)
        day0 = all_dates[0].date()
        for g in (g for y in years for g in gifting_dates(y)):
            s = (g - day0).days - 7
            if not 0 <= s < T:
                continue
            for c in range(len(CATEGORIES)):
                members = np.flatnonzero((cat_index == c) & promoted)
                boost = intensity[members] * rng.uniform(0.5, 1.5, size=len(members))
                creator_rate[s : s + 8, members] += boost
                ads_on[s : s + 8, members[enrolled[members]]] = True
    creator_rate *= content_season[:, None]
    seller_posts = rng.poisson(seller_rate[None, :] * content_season[:, None], size=(T, P))
    creator_posts = rng.poisson(creator_rate)
    seller_views_posted = _heavy_sum(rng, seller_posts, _seller_views)
    creator_views_posted = _heavy_sum(rng, creator_posts, _pareto_views)
    accrual = np.array([0.55, 0.25, 0.12, 0.08])

    def accrue(x: np.ndarray) -> np.ndarray:
        out = np.zeros_like(x)
        for k, a in enumerate(accrual):
            out[k:] += a * x[: T - k]
        return out

    seller_views = accrue(seller_views_posted)
    creator_views = accrue(creator_views_posted)

    live_days = np.zeros((T, P), dtype=bool)
    for p in np.flatnonzero(promoted):
        wd = rng.choice(7, size=2, replace=False)
        live_days[:, p] = np.isin(weekday, wd)
    live_sessions = live_days.astype(int) + rng.poisson(0.08, size=(T, P)) * promoted[None, :]
    live_sessions = np.where(rng.random((T, P)) < 0.1, 0, live_sessions)  # skipped streams
    live_views = _heavy_sum(rng, live_sessions, _live_views) * content_season[:, None]

    budget = rng.uniform(40.0, 250.0, size=P) * promoted
    ads_spend = np.round(
        ads_on * budget[None, :] * rng.uniform(0.7, 1.1, size=(T, P)) * content_season[:, None], 2
    )

    gpm_seller = rng.uniform(8.0, 22.0, size=P)
    gpm_creator = rng.uniform(12.0, 35.0, size=P)
    gpm_live = rng.uniform(20.0, 60.0, size=P)
    roas = rng.uniform(1.5, 4.0, size=P)
    organic_units = np.where(promoted, rng.uniform(2.0, 8.0, size=P), rng.uniform(0.1, 0.6, size=P))
    tt_shock = _ar1_lognormal(rng, T, P, 0.15 * cfg.noise)
    gmv_creator = creator_views / 1000 * gpm_creator
    gmv_parts = (
        organic_units * price * content_season[:, None]
        + seller_views / 1000 * gpm_seller
        + gmv_creator
        + live_views / 1000 * gpm_live
        + ads_spend * roas
    )
    tiktok_gmv = gmv_parts * tt_shock
    creator_share = np.divide(
        gmv_creator * tt_shock, tiktok_gmv, out=np.zeros_like(tiktok_gmv), where=tiktok_gmv > 0
    )

    # ---- events
    years = range(all_dates[0].year, all_dates[-1].year + 1)
    prime = {d for y in years for d in prime_day_dates(y)}
    bfcm = {d for y in years for d in bfcm_dates(y)}
    pydates = [d.date() for d in all_dates]
    is_prime = np.array([d in prime for d in pydates])
    is_bfcm = np.array([d in bfcm for d in pydates])
    is_promo = np.zeros((T, P), dtype=bool)
    for p in range(P):
        for _ in range(int(rng.integers(1, 3))):
            s = int(rng.integers(0, T - 7))
            is_promo[s : s + int(rng.integers(3, 8)), p] = True
    is_stockout = np.zeros((T, P), dtype=bool)
    for p in range(P):
        if rng.random() < 0.2:
            s = int(rng.integers(BURN_IN, T - 7))
            is_stockout[s : s + int(rng.integers(3, 8)), p] = True

    # ---- spillover parameters
    peak = {(c, ch): int(rng.integers(2, 5)) for c in CATEGORIES for ch in CHANNELS}
    beta = {ch: np.zeros(P) for ch in CHANNELS}
    for ch in CHANNELS:
        base = np.array([_BETA_BASE[c][ch] for c in cats])
        beta[ch] = np.round(base * rng.lognormal(0.0, 0.08, size=P), 4) * promoted
    weights = {ch: np.stack([lag_profile(peak[(c, ch)]) for c in cats]) for ch in CHANNELS}  # (P, L+1)

    # ---- off-TikTok demand
    t_years = (np.arange(T) - BURN_IN) / 365.0
    growth = rng.uniform(-0.1, 0.4, size=P)
    trend = 1.0 + growth[None, :] * t_years[:, None]
    level_units = {"amazon": rng.uniform(4.0, 25.0, size=P), "shopify": rng.uniform(1.0, 8.0, size=P)}
    usp = rng.uniform(0.08, 0.16, size=P)  # Amazon unit session percentage
    expected: dict[str, dict[str, np.ndarray]] = {}
    for ch in CHANNELS:
        m = _EVENT_MULT[ch]
        ev = (
            np.where(is_prime, m["prime_day"], 1.0)[:, None]
            * np.where(is_bfcm, m["bfcm"], 1.0)[:, None]
            * np.where(is_promo, m["promo"], 1.0)
        )
        shock = _ar1_lognormal(rng, T, P, 0.12 * cfg.noise)
        baseline = (
            (level_units[ch] * price)[None, :] * trend * _WEEKDAY[ch][weekday][:, None] * season[:, None]
        )
        baseline = baseline * ev * shock
        spill = np.zeros((T, P))
        for lag in range(LAG_MAX + 1):
            spill[lag:] += weights[ch][:, lag][None, :] * tiktok_gmv[: T - lag]
        spill *= beta[ch][None, :]
        demand = baseline + spill
        sales = demand * (np.where(is_stockout, 0.02, 1.0) if ch == "amazon" else 1.0)
        expected[ch] = {"baseline": baseline, "spill": spill, "demand": demand, "sales": sales}

    # ---- assemble (drop burn-in)
    keep = slice(BURN_IN, T)
    D = cfg.days
    dates = all_dates[keep]
    pid = products["product_id"].to_numpy()

    def flat(a: np.ndarray) -> np.ndarray:
        return np.asarray(a)[keep].ravel()

    daily = pd.DataFrame(
        {
            "date": np.repeat(dates.date, P),
            "product_id": np.tile(pid, D),
            "category": np.tile(cats, D),
            "seller_videos_posted": flat(seller_posts),
            "creator_videos_posted": flat(creator_posts),
            "video_views": np.round(flat(seller_views + creator_views)).astype(np.int64),
            "seller_video_views": np.round(flat(seller_views)).astype(np.int64),
            "creator_video_views": np.round(flat(creator_views)).astype(np.int64),
            "live_sessions": flat(live_sessions),
            "live_views": np.round(flat(live_views)).astype(np.int64),
            "ads_spend_usd": flat(ads_spend),
            "creator_gmv_share": np.round(flat(creator_share), 4),
            "expected_tiktok_gmv_usd": flat(tiktok_gmv),
            "expected_tiktok_units": flat(tiktok_gmv / price[None, :]),
            "expected_amazon_units": flat(expected["amazon"]["sales"] / price[None, :]),
            "expected_shopify_units": flat(expected["shopify"]["sales"] / price[None, :]),
            "expected_amazon_sales_usd": flat(expected["amazon"]["sales"]),
            "expected_shopify_sales_usd": flat(expected["shopify"]["sales"]),
            "amazon_baseline_usd": flat(expected["amazon"]["baseline"]),
            "amazon_spillover_usd": flat(expected["amazon"]["spill"] * np.where(is_stockout, 0.02, 1.0)),
            "shopify_baseline_usd": flat(expected["shopify"]["baseline"]),
            "shopify_spillover_usd": flat(expected["shopify"]["spill"]),
            "expected_amazon_sessions": flat(expected["amazon"]["demand"] / price[None, :] / usp[None, :]),
            "is_prime_day": np.repeat(is_prime[keep], P),
            "is_bfcm": np.repeat(is_bfcm[keep], P),
            "is_promo": flat(is_promo),
            "is_stockout": flat(is_stockout),
        }
    )
    daily["date"] = pd.to_datetime(daily["date"])

    world = World(config=cfg, products=products, daily=daily, truth={})
    world._beta = beta  # type: ignore[attr-defined]  # kept for aggregate_truth
    world._weights = weights  # type: ignore[attr-defined]
    world.truth = _build_truth(world, peak, prime, bfcm)
    return world


# ---------------------------------------------------------------- truth
def _product_params(world: World, channel: str) -> tuple[np.ndarray, np.ndarray]:
    tr = world.truth.get("products") if world.truth else None
    if tr:
        b = np.array([tr[p][channel]["beta"] for p in world.products["product_id"]])
        w = np.array([tr[p][channel]["lag_weights"] for p in world.products["product_id"]])
        return b, w
    return world._beta[channel], world._weights[channel]  # type: ignore[attr-defined]


def aggregate_truth(
    world: World,
    product_ids,
    channel: str,
    start: date | None = None,
    end: date | None = None,
) -> dict:
    """GMV-weighted spillover truth for any set of products over [start, end] (inclusive, default: all days).

    beta_G = sum_p beta_p GMV_p / sum_p GMV_p; lag weights = spillover-weighted mixture; peak_lag = argmax;
    beta_per_1000_views = beta_G x 1000 x sum GMV / sum (video + LIVE) views.
    """
    if channel not in CHANNELS:
        raise ValueError(f"channel must be one of {CHANNELS}, got {channel!r}")
    ids = list(product_ids)
    pidx = pd.Index(world.products["product_id"])
    missing = [p for p in ids if p not in pidx]
    if missing:
        raise KeyError(f"unknown product ids: {missing}")
    d = world.daily
    mask = d["product_id"].isin(ids)
    if start is not None:
        mask &= d["date"] >= pd.Timestamp(start)
    if end is not None:
        mask &= d["date"] <= pd.Timestamp(end)
    sub = d.loc[mask]
    gmv_by_p = sub.groupby("product_id")["expected_tiktok_gmv_usd"].sum().reindex(ids).fillna(0.0).to_numpy()
    views = float((sub["video_views"] + sub["live_views"]).sum())
    b_all, w_all = _product_params(world, channel)
    loc = pidx.get_indexer(ids)
    b, w = b_all[loc], w_all[loc]
    total_gmv = float(gmv_by_p.sum())
    beta_g = float((b * gmv_by_p).sum() / total_gmv) if total_gmv > 0 else 0.0
    contrib = b * gmv_by_p
    mix_w = contrib if contrib.sum() > 0 else gmv_by_p
    if mix_w.sum() > 0:
        lw = (mix_w[:, None] * w).sum(axis=0) / mix_w.sum()
    else:
        lw = w.mean(axis=0)
    return {
        "beta": beta_g,
        "lag_weights": [float(x) for x in lw],
        "peak_lag": int(np.argmax(lw)),
        "beta_per_1000_views": beta_g * 1000.0 * total_gmv / views if views > 0 else None,
        "tiktok_gmv_usd": total_gmv,
        "views": views,
        "members": ids,
    }


def _build_truth(world: World, peak: dict, prime: set, bfcm: set) -> dict:
    cfg = world.config
    products = world.products
    d = world.daily
    gmv = d.groupby("product_id")["expected_tiktok_gmv_usd"].sum()
    views = (d["video_views"] + d["live_views"]).groupby(d["product_id"]).sum()
    prod_truth: dict = {}
    for i, row in products.iterrows():
        pid = row["product_id"]
        entry: dict = {"category": row["category"], "promoted_on_tiktok": bool(row["promoted_on_tiktok"])}
        for ch in CHANNELS:
            b = float(world._beta[ch][i])  # type: ignore[attr-defined]
            w = world._weights[ch][i]  # type: ignore[attr-defined]
            v = float(views[pid])
            entry[ch] = {
                "beta": b,
                "lag_weights": [float(x) for x in w],
                "peak_lag": int(np.argmax(w)),
                "beta_per_1000_views": b * 1000.0 * float(gmv[pid]) / v if v > 0 else None,
            }
        prod_truth[pid] = entry
    groups: dict = {}
    group_members = {c: products.loc[products["category"] == c, "product_id"].tolist() for c in CATEGORIES}
    group_members["all"] = products["product_id"].tolist()
    for g, ids in group_members.items():
        if not ids:
            continue
        groups[g] = {ch: aggregate_truth(world, ids, ch) for ch in CHANNELS}
    end = cfg.start + timedelta(days=cfg.days - 1)
    return {
        "config": {**asdict(cfg), "start": cfg.start.isoformat()},
        "lag_max": LAG_MAX,
        "definitions": {
            "beta": "incremental off-TikTok sales (USD) per 1 USD of TikTok Shop GMV, summed over lags 0..lag_max",
            "spillover": "spill[p,c](t) = beta[p,c] * sum_l lag_weights[p,c][l] * tiktok_gmv[p](t-l)",
            "group_beta": "sum_p beta_p * GMV_p / sum_p GMV_p over the group's products, GMV_p = window total",
            "group_lag_weights": "sum_p beta_p GMV_p w_p / sum_p beta_p GMV_p (GMV-weighted when all beta are 0)",
            "beta_per_1000_views": "beta * 1000 * window TikTok GMV / window (video + LIVE) views",
            "window": f"{cfg.start.isoformat()}..{end.isoformat()}",
            "stockout": "Amazon FBA stockout: expected Amazon units (and their spillover) are 2% of demand",
        },
        "categories": CATEGORIES,
        "control_product_ids": products.loc[~products["promoted_on_tiktok"], "product_id"].tolist(),
        "products": prod_truth,
        "groups": groups,
        "category_channel_peak_lag": {f"{c}|{ch}": v for (c, ch), v in peak.items()},
        "return_rates": RETURN_RATES,
        "cancel_rates": CANCEL_RATES,
        "events": {
            "prime_day": sorted(x.isoformat() for x in prime if cfg.start <= x <= end),
            "bfcm": sorted(x.isoformat() for x in bfcm if cfg.start <= x <= end),
        },
    }


def write_truth(world: World, path) -> None:
    """Write ``world.truth`` as indented JSON (parent folders are created)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(world.truth, indent=2, sort_keys=False), encoding="utf-8")
