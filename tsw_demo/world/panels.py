"""Daily panels with realised noise from the simulated world, shaped like the spillover mart's input.

Orders are Poisson draws around the world's expected units (then times the list price), the way the demo
exports realise them, so the estimator meets the same sampling noise it will meet on mart data.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from tsw_demo.world import CHANNELS, World


def realise_units(world: World, rng: np.random.Generator) -> pd.DataFrame:
    """world.daily plus realised sales columns (tiktok_gmv, amazon_sales, shopify_sales), USD."""
    d = world.daily
    price = d["product_id"].map(world.products.set_index("product_id")["price_usd"]).to_numpy()
    out = d[
        [
            "date",
            "product_id",
            "category",
            "video_views",
            "live_views",
            "is_prime_day",
            "is_bfcm",
            "is_promo",
            "is_stockout",
        ]
    ].copy()
    out["tiktok_gmv"] = rng.poisson(d["expected_tiktok_units"].to_numpy()) * price
    for ch in CHANNELS:
        out[f"{ch}_sales"] = rng.poisson(d[f"expected_{ch}_units"].to_numpy()) * price
    return out


def group_panel(
    realised: pd.DataFrame,
    product_ids: Iterable[str],
    channel: str,
    control_ids: Iterable[str] | None = None,
) -> pd.DataFrame:
    """One group's daily panel: date, tiktok_gmv, tiktok_views, target_sales, [control_sales], event columns.

    Group-level event columns: is_prime_day / is_bfcm as 0/1; is_promo (and, for Amazon, is_stockout) as the
    share of the group's products affected that day.
    """
    ids = list(product_ids)
    if channel not in CHANNELS:
        raise ValueError(f"channel must be one of {CHANNELS}, got {channel!r}")
    sub = realised[realised["product_id"].isin(ids)]
    if sub.empty:
        raise ValueError(f"no rows for products {ids[:5]}…")
    agg = {
        "tiktok_gmv": ("tiktok_gmv", "sum"),
        "video_views": ("video_views", "sum"),
        "live_views": ("live_views", "sum"),
        "target_sales": (f"{channel}_sales", "sum"),
        "is_prime_day": ("is_prime_day", "max"),
        "is_bfcm": ("is_bfcm", "max"),
        "is_promo": ("is_promo", "mean"),
    }
    if channel == "amazon":
        agg["is_stockout"] = ("is_stockout", "mean")
    g = sub.groupby("date").agg(**agg)
    g["tiktok_views"] = g.pop("video_views") + g.pop("live_views")
    for c in ("is_prime_day", "is_bfcm"):
        g[c] = g[c].astype(float)
    if control_ids is not None:
        ctrl = list(control_ids)
        g["control_sales"] = (
            realised[realised["product_id"].isin(ctrl)].groupby("date")[f"{channel}_sales"].sum()
        )
    cols = ["tiktok_gmv", "tiktok_views", "target_sales"] + (
        ["control_sales"] if control_ids is not None else []
    )
    cols += [c for c in g.columns if c.startswith("is_")]
    return g[cols].reset_index()


def standard_groups(world: World) -> dict[str, list[str]]:
    """Promoted products per category, and all promoted products ("all")."""
    p = world.products[world.products["promoted_on_tiktok"]]
    groups = {c: ids for c, ids in p.groupby("category")["product_id"].apply(list).items()}
    groups["all"] = p["product_id"].tolist()
    return groups


def long_panels(world: World, rng: np.random.Generator, *, with_control: bool = True) -> pd.DataFrame:
    """Every standard group x channel stacked, with product_group and target_channel columns (estimate_all input)."""
    realised = realise_units(world, rng)
    controls = world.products.loc[~world.products["promoted_on_tiktok"], "product_id"].tolist()
    frames = []
    for group, ids in standard_groups(world).items():
        for ch in CHANNELS:
            panel = group_panel(realised, ids, ch, controls if (with_control and controls) else None)
            panel.insert(0, "target_channel", ch)
            panel.insert(0, "product_group", group)
            frames.append(panel)
    return pd.concat(frames, ignore_index=True)
