"""A simulated cross-border seller on TikTok Shop US, Amazon US and Shopify, with known ground truth.

The demo exports (tsw_demo/exports/) turn this world into files in the platforms' real layouts;
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

from tsw_demo.world.calendar import (  # noqa: F401
    bfcm_dates,
    gifting_dates,
    lag_profile,
    prime_day_dates,
    season_curve,
)
from tsw_demo.world.config import (  # noqa: F401
    BURN_IN,
    CANCEL_RATES,
    CATEGORIES,
    CHANNELS,
    CONTENT_SEASON_ELASTICITY,
    LAG_MAX,
    RETURN_RATES,
    World,
    WorldConfig,
)
from tsw_demo.world.simulate import (  # noqa: F401
    simulate_world,
)
from tsw_demo.world.truth import (  # noqa: F401
    aggregate_truth,
    write_truth,
)
