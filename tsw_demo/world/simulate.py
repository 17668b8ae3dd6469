"""``simulate_world``: one deterministic draw of the demo world from a ``WorldConfig`` (model in __init__.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tsw_demo.world.calendar import bfcm_dates, gifting_dates, lag_profile, prime_day_dates, season_curve
from tsw_demo.world.config import (
    _BETA_BASE,
    _CATEGORY_SHARE,
    _EVENT_MULT,
    _NAMES,
    _PRICE,
    _SKU_PREFIX,
    _WEEKDAY,
    _WEIGHT,
    BURN_IN,
    CATEGORIES,
    CHANNELS,
    CONTENT_SEASON_ELASTICITY,
    LAG_MAX,
    RETURN_RATES,
    World,
    WorldConfig,
)
from tsw_demo.world.truth import _build_truth


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


def simulate_world(config: WorldConfig = WorldConfig()) -> World:  # noqa: B008 (a frozen dataclass)
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
