"""The demo world's ground truth: per product and per group (GMV-weighted), and the JSON written beside it.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from tsw_demo.world.config import CANCEL_RATES, CATEGORIES, CHANNELS, LAG_MAX, RETURN_RATES, World


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
