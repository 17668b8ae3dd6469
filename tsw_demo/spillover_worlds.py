"""Simulated sellers of the kinds the spillover estimator must get right, each with its known truth.

Issue 12 lists the world types that broke the first estimator; each is a ``WorldSpec`` in ``WORLD_TYPES``
and ``simulate(spec, seed)`` draws one daily panel of one product group and one target channel, shaped like
the estimator's input (date, tiktok_gmv, target_sales, tiktok_views, [control_sales], is_prime_day, is_bfcm),
with the truth beside it: beta (extra target-channel USD per USD of TikTok Shop GMV, summed over lags), the
lag weights w (sum 1), their peak and the share of the effect after day 14.

This is written from the estimator's assumptions outward, not from the demo seller
(tsw_demo/world/), so the benchmark and the recovery tests meet worlds the demo does not make.
Everything is in USD per day; orders are Poisson draws times a price, as in the exports.

The model of one product p:
    TikTok orders_p(t) ~ Poisson(r_p x pushes_p(t) x virals_p(t) x season(t)^k x shock(t) x weekday(t))
        pushes: about 9 creator/ads pushes a year, 4-12 days each, x2-x6 at launch fading linearly;
        virals: a few single-day spikes x5-x15 fading over 3 days;
        k = 3 in a confounded world (content follows the gifting season; the pushes are timed into its
        ramps), 0 otherwise.
    target(t)   = level x weekday(t) x season(t) x events(t) x shock(t) + sum_p beta_p sum_l w_l GMV_p(t-l)
    control(t)  = control level x weekday(t) x season(t) x events(t) x shock(t)   (never-promoted products)
        shock: AR(1) log-normal, mostly market-wide (the same for target and control), a third its own.
    season(t): a yearly swell (+-20 %) times week-long gifting ramps (+35 % at their peak; +90 % in a
    confounded world) that no event flag marks. Prime Day (x2.5 on Amazon-like targets) and BFCM (x2) are
    flagged. Realised sales are Poisson orders x price.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

START = pd.Timestamp("2025-01-01")
BURN_IN = 40
GIFTING_RAMPS = (45, 130, 170, 225, 300, 352)  # day of year of each ramp's peak (Valentine's … Christmas)
PRIME_DAYS = tuple(range(188, 192))
BFCM_DAYS = tuple(range(332, 336))


@dataclass(frozen=True)
class WorldSpec:
    name: str
    description: str
    days: int = 365
    tiktok_orders: tuple[float, float] = (100.0, 300.0)  # a group's typical TikTok orders a day, range
    tiktok_price: float = 24.0
    target_level: float = 6000.0  # target-channel baseline sales, USD a day
    target_price: float = 22.0
    control_level: float | None = 5000.0  # None: the seller has no never-promoted products
    beta: tuple[float, float] = (0.15, 0.45)  # drawn per world (per product when products differ)
    peak_lag: tuple[int, int] = (2, 4)
    lag_shape: float = 2.5  # Weibull shape of the lag hump: smaller = longer tail
    max_true_lag: int = 10
    confounded: bool = False
    noise: float = 0.08  # sd of the AR(1) log shock of the off-TikTok demand
    products: int = 1
    beta_spread: float = 0.0  # products respond differently: beta_p = beta x lognormal(0, spread)


WORLD_TYPES: dict[str, WorldSpec] = {
    spec.name: spec
    for spec in (
        WorldSpec("low_noise", "365 days, 100-300 TikTok orders a day, low noise, controls present"),
        WorldSpec(
            "small_noisy",
            "180 days, 15-50 TikTok orders a day, small off-TikTok sales, noisy",
            days=180,
            tiktok_orders=(15.0, 50.0),
            target_level=1200.0,
            control_level=900.0,
            noise=0.2,
        ),
        WorldSpec(
            "confounded_controls",
            "gifting season shared by TikTok, the target and the never-promoted control products",
            confounded=True,
        ),
        WorldSpec(
            "confounded_no_controls",
            "the same shared season, no never-promoted products",
            confounded=True,
            control_level=None,
        ),
        WorldSpec("null", "no spillover at all (beta 0), controls present", beta=(0.0, 0.0)),
        WorldSpec(
            "slow_lag",
            "peak 7-9 days, long tail to 35 days (10-25 % of the effect after day 14)",
            peak_lag=(7, 9),
            lag_shape=2.0,
            max_true_lag=35,
        ),
        WorldSpec(
            "heterogeneous",
            "four products in the group respond differently (beta spread x2 around the group's)",
            products=4,
            beta_spread=0.6,
        ),
    )
}


@dataclass
class SimulatedWorld:
    spec: WorldSpec
    seed: int
    panel: pd.DataFrame
    beta: float  # the group's truth: sum_p beta_p GMV_p / sum_p GMV_p over the window
    lag_weights: np.ndarray  # the group's lag shape (spillover-weighted mixture), sum 1
    true_lag_regressor: np.ndarray = field(repr=False, default=None)  # sum_l w_l GMV(t-l), per day

    @property
    def peak_lag(self) -> int:
        return int(np.argmax(self.lag_weights))

    @property
    def share_after_14(self) -> float:
        return float(self.lag_weights[15:].sum())

    @property
    def has_control(self) -> bool:
        return "control_sales" in self.panel.columns


def weibull_lags(peak: int, shape: float, max_lag: int) -> np.ndarray:
    """Discretised Weibull hump over lags 0..max_lag with its mode at ``peak``, normalised to sum 1.

    A Weibull rather than the gamma family the estimator searches, so the benchmark does not hand the
    estimator its own lag family."""
    scale = max(peak, 0.5) / ((shape - 1.0) / shape) ** (1.0 / shape)
    lags = np.arange(max_lag + 1, dtype=float) + 0.5
    w = (lags / scale) ** (shape - 1.0) * np.exp(-((lags / scale) ** shape))
    return w / w.sum()


def _season(doy: np.ndarray, ramp_height: float) -> np.ndarray:
    swell = 1.0 + 0.2 * np.sin(2 * np.pi * (doy - 80) / 365.0)
    ramps = np.ones_like(doy, dtype=float)
    for peak in GIFTING_RAMPS:
        # a week-long ramp up to the gift day, gone two days after
        dist = peak - doy
        ramps *= 1.0 + ramp_height * np.where((dist >= -2) & (dist <= 7), 1.0 - np.abs(dist - 1) / 8.0, 0.0)
    return swell * ramps


def _ar1(rng: np.random.Generator, n: int, sd: float, phi: float = 0.6) -> np.ndarray:
    e = rng.normal(0.0, sd * np.sqrt(1 - phi**2), n)
    out = np.empty(n)
    out[0] = rng.normal(0.0, sd)
    for t in range(1, n):
        out[t] = phi * out[t - 1] + e[t]
    return np.exp(out - sd**2 / 2)


def _pushes(rng: np.random.Generator, n: int, doy: np.ndarray, aligned: bool) -> np.ndarray:
    mult = np.ones(n)
    per_year = 9
    k = max(2, round(per_year * n / 365))
    if aligned:
        # the seller times pushes into the gifting ramps, plus a few of its own
        ramp_days = [i for i in range(n) if (doy[i] + 6) % 365 in GIFTING_RAMPS]
        starts = list(rng.choice(ramp_days, size=min(len(ramp_days), k - 2), replace=False)) if ramp_days else []
        starts += list(rng.integers(0, n, size=k - len(starts)))
    else:
        starts = list(rng.integers(0, n, size=k))
    for s in starts:
        length = int(rng.integers(4, 13))
        height = float(rng.uniform(2.0, 6.0))
        for j in range(length):
            if s + j < n:
                mult[s + j] *= 1.0 + (height - 1.0) * (1.0 - j / length)
    virals = int(rng.integers(2, 5))
    for s in rng.integers(0, n, size=virals):
        h = float(rng.uniform(5.0, 15.0))
        for j, f in enumerate((1.0, 0.45, 0.15)):
            if s + j < n:
                mult[s + j] *= 1.0 + (h - 1.0) * f
    return mult


def simulate(spec: WorldSpec, seed: int) -> SimulatedWorld:
    rng = np.random.default_rng([seed, sum(map(ord, spec.name))])
    n = spec.days + BURN_IN
    dates = START - pd.Timedelta(days=BURN_IN) + pd.to_timedelta(np.arange(n), unit="D")
    doy = dates.day_of_year.to_numpy()
    dow = dates.day_of_week.to_numpy()
    season = _season(doy, 0.9 if spec.confounded else 0.35)
    tiktok_weekday = np.array([0.95, 0.95, 1.0, 1.0, 1.05, 1.1, 1.0])[dow]
    target_weekday = np.array([1.05, 1.0, 0.95, 0.95, 1.0, 1.1, 1.05])[dow]
    prime = np.isin(doy, PRIME_DAYS)
    bfcm = np.isin(doy, BFCM_DAYS)
    events = np.where(prime, 2.5, 1.0) * np.where(bfcm, 2.0, 1.0)

    peak = int(rng.integers(spec.peak_lag[0], spec.peak_lag[1] + 1))
    w = weibull_lags(peak, spec.lag_shape, spec.max_true_lag)
    beta_group = float(rng.uniform(*spec.beta))
    spread = rng.lognormal(0.0, spec.beta_spread, spec.products) if spec.beta_spread else np.ones(spec.products)
    betas = beta_group * spread / spread.mean()

    gmv = np.zeros((spec.products, n))
    views = np.zeros(n)
    for p in range(spec.products):
        rate = float(rng.uniform(*spec.tiktok_orders)) / spec.products / 2.0
        mult = _pushes(rng, n, doy, aligned=spec.confounded)
        content = season**3 if spec.confounded else 1.0
        lam = rate * mult * content * tiktok_weekday * _ar1(rng, n, 0.2, 0.5)
        orders = rng.poisson(lam)
        gmv[p] = orders * spec.tiktok_price
        views += rng.poisson(lam * 180.0) + rng.poisson(50.0, n)

    spill_by_product = np.zeros((spec.products, n))
    for p in range(spec.products):
        for lag, wl in enumerate(w):
            spill_by_product[p, lag:] += betas[p] * wl * gmv[p, : n - lag]
    spill = spill_by_product.sum(axis=0)
    # Off-TikTok demand shocks are mostly market-wide (shared with the control products), partly the group's own.
    shared_shock = _ar1(rng, n, spec.noise)
    base = spec.target_level * target_weekday * season * events * shared_shock * _ar1(rng, n, spec.noise / 3)
    target = rng.poisson((base + spill) / spec.target_price) * spec.target_price
    keep = slice(BURN_IN, n)
    tiktok = gmv.sum(axis=0)
    panel = pd.DataFrame(
        {
            "date": dates[keep],
            "tiktok_gmv": tiktok[keep],
            "target_sales": target[keep].astype(float),
            "tiktok_views": views[keep].astype(float),
        }
    )
    if spec.control_level is not None:
        cbase = spec.control_level * target_weekday * season * events * shared_shock * _ar1(rng, n, spec.noise / 3)
        panel["control_sales"] = (rng.poisson(cbase / spec.target_price) * spec.target_price)[keep].astype(float)
    panel["is_prime_day"] = prime[keep].astype(float)
    panel["is_bfcm"] = bfcm[keep].astype(float)
    window_gmv = gmv[:, keep].sum(axis=1)
    truth = float((betas * window_gmv).sum() / window_gmv.sum()) if window_gmv.sum() > 0 else 0.0
    true_regressor = np.zeros(n)
    for lag, wl in enumerate(w):
        true_regressor[lag:] += wl * tiktok[: n - lag]
    return SimulatedWorld(spec, seed, panel.reset_index(drop=True), truth, w, true_regressor[keep])


def world(name: str, seed: int, **overrides) -> SimulatedWorld:
    """One simulated world of a named type (``WORLD_TYPES``), optionally with spec fields overridden."""
    spec = WORLD_TYPES[name]
    return simulate(replace(spec, **overrides) if overrides else spec, seed)
