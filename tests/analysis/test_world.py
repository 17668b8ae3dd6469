"""The simulated seller world: deterministic, realistic in shape, and its truth is what the data obey."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pandas as pd
import pytest

from tsw_demo.world import (
    CATEGORIES,
    LAG_MAX,
    WorldConfig,
    aggregate_truth,
    bfcm_dates,
    prime_day_dates,
    simulate_world,
    write_truth,
)


@pytest.fixture(scope="module")
def world():
    return simulate_world(WorldConfig(seed=11))


def test_same_seed_same_world_other_seed_other_world(world):
    again = simulate_world(WorldConfig(seed=11))
    pd.testing.assert_frame_equal(world.daily, again.daily)
    pd.testing.assert_frame_equal(world.products, again.products)
    assert json.dumps(world.truth) == json.dumps(again.truth)
    other = simulate_world(WorldConfig(seed=12))
    assert not np.allclose(other.daily["expected_tiktok_units"], world.daily["expected_tiktok_units"])


def test_catalogue_has_the_ids_the_exports_need(world):
    p = world.products
    assert len(p) == 40 and p["product_id"].tolist() == [f"P{i:03d}" for i in range(1, 41)]
    assert set(p["category"]) == set(CATEGORIES)
    assert p["tiktok_sku_id"].str.fullmatch(r"\d{18,19}").all() and p["tiktok_sku_id"].is_unique
    assert p["asin"].str.fullmatch(r"B0[A-Z0-9]{8}").all()
    assert p["seller_sku"].is_unique and p["shopify_sku"].is_unique
    assert (p["unit_cogs_usd"] < p["price_usd"]).all() and (p["weight_kg"] > 0).all()
    assert (~p["promoted_on_tiktok"]).sum() >= 5


def test_control_products_get_no_tiktok_content_and_no_spillover(world):
    controls = world.products.loc[~world.products["promoted_on_tiktok"], "product_id"]
    d = world.daily[world.daily["product_id"].isin(controls)]
    content = [
        "seller_videos_posted",
        "creator_videos_posted",
        "video_views",
        "live_sessions",
        "ads_spend_usd",
    ]
    assert (d[content] == 0).all().all()
    assert (d["amazon_spillover_usd"] == 0).all() and (d["shopify_spillover_usd"] == 0).all()
    assert all(world.truth["products"][p][ch]["beta"] == 0 for p in controls for ch in ("amazon", "shopify"))


def test_no_control_world_promotes_everything():
    w = simulate_world(WorldConfig(seed=3, days=365, control_products=False))
    assert w.products["promoted_on_tiktok"].all() and w.truth["control_product_ids"] == []


def test_tiktok_activity_is_heavy_tailed(world):
    daily_views = world.daily.groupby("product_id")["video_views"]
    # a viral day is far above a typical day for most promoted products
    ratio = (daily_views.max() / daily_views.median().clip(lower=1))[
        world.products.set_index("product_id")["promoted_on_tiktok"]
    ]
    assert (ratio > 20).mean() > 0.5


def test_off_tiktok_sales_obey_the_stated_spillover_formula(world):
    """expected sales = baseline + beta * sum_l w_l * TikTok GMV(t-l), checked where 10 prior days exist."""
    truth = world.truth["products"]
    d = world.daily
    for pid in world.products.loc[world.products["promoted_on_tiktok"], "product_id"][:6]:
        rows = d[d["product_id"] == pid].reset_index(drop=True)
        gmv = rows["expected_tiktok_gmv_usd"].to_numpy()
        for ch in ("amazon", "shopify"):
            t = truth[pid][ch]
            w = np.array(t["lag_weights"])
            conv = np.array([w @ gmv[i - np.arange(LAG_MAX + 1)] for i in range(LAG_MAX, len(gmv))])
            spill = rows[f"{ch}_spillover_usd"].to_numpy()[LAG_MAX:]
            in_stock = (
                ~rows["is_stockout"].to_numpy()[LAG_MAX:] if ch == "amazon" else np.ones(len(spill), bool)
            )
            np.testing.assert_allclose(spill[in_stock], t["beta"] * conv[in_stock], rtol=1e-9)
            total = rows[f"expected_{ch}_sales_usd"].to_numpy()[LAG_MAX:]
            base = rows[f"{ch}_baseline_usd"].to_numpy()[LAG_MAX:]
            np.testing.assert_allclose(total[in_stock], (base + spill)[in_stock], rtol=1e-9)


def test_lag_profiles_are_humps_peaking_two_to_four_days_later(world):
    for entry in world.truth["products"].values():
        for ch in ("amazon", "shopify"):
            w = np.array(entry[ch]["lag_weights"])
            assert len(w) == LAG_MAX + 1 and w.sum() == pytest.approx(1.0)
            assert 2 <= entry[ch]["peak_lag"] <= 4 and int(np.argmax(w)) == entry[ch]["peak_lag"]


def test_some_promoted_products_have_no_true_spillover(world):
    promoted = world.products.loc[world.products["promoted_on_tiktok"], "product_id"]
    zero = [p for p in promoted if world.truth["products"][p]["shopify"]["beta"] == 0]
    assert len(zero) >= 5
    assert all(world.truth["products"][p]["amazon"]["beta"] > 0 for p in promoted)


def test_group_truth_is_the_gmv_weighted_mean_of_product_betas(world):
    ids = world.products.loc[world.products["category"] == "beauty_personal_care", "product_id"].tolist()
    gmv = (
        world.daily[world.daily["product_id"].isin(ids)]
        .groupby("product_id")["expected_tiktok_gmv_usd"]
        .sum()
    )
    betas = pd.Series({p: world.truth["products"][p]["amazon"]["beta"] for p in ids})
    expected = float((betas * gmv).sum() / gmv.sum())
    assert world.truth["groups"]["beauty_personal_care"]["amazon"]["beta"] == pytest.approx(expected)
    assert aggregate_truth(world, ids, "amazon")["beta"] == pytest.approx(expected)
    # the per-1,000-views figure is the same beta at the group's average GMV per view
    g = world.truth["groups"]["beauty_personal_care"]["amazon"]
    assert g["beta_per_1000_views"] == pytest.approx(g["beta"] * 1000 * g["tiktok_gmv_usd"] / g["views"])


def test_events_fall_on_the_real_calendar(world):
    assert prime_day_dates(2025) == [date(2025, 7, d) for d in (8, 9, 10, 11)]
    assert bfcm_dates(2025) == [date(2025, 11, 28), date(2025, 11, 29), date(2025, 11, 30), date(2025, 12, 1)]
    flagged = world.daily.loc[world.daily["is_prime_day"], "date"].dt.date.unique()
    assert sorted(flagged) == [date(2025, 7, d) for d in (8, 9, 10, 11)]
    amazon = world.daily.groupby("date")["amazon_baseline_usd"].sum()
    assert amazon.loc["2025-07-09"] > 2 * amazon.loc["2025-06-24":"2025-07-01"].mean()


def test_return_rates_are_realistic(world):
    r = world.truth["return_rates"]
    assert r["womenswear"]["amazon"] > 0.30 and r["womenswear"]["tiktok"] > r["womenswear"]["amazon"]
    assert all(r[c]["tiktok"] >= r[c]["amazon"] >= r[c]["shopify"] for c in CATEGORIES)
    assert r["health"]["amazon"] < 0.1
    p = world.products
    assert (p.loc[p["category"] == "womenswear", "return_rate_amazon"] > 0.25).all()


def test_shared_seasonality_makes_tiktok_and_amazon_move_together():
    def slow_corr(cfg: WorldConfig) -> float:
        w = simulate_world(cfg)
        promoted = w.products.loc[w.products["promoted_on_tiktok"], "product_id"]
        g = w.daily[w.daily["product_id"].isin(promoted)].groupby("date")
        month = (
            g[["expected_tiktok_gmv_usd", "amazon_baseline_usd"]]
            .sum()
            .rolling(29, center=True)
            .mean()
            .dropna()
        )
        return float(month.corr().iloc[0, 1])

    shared = np.mean([slow_corr(WorldConfig(seed=s, days=365, shared_seasonality=True)) for s in range(3)])
    independent = np.mean([slow_corr(WorldConfig(seed=s, days=365)) for s in range(3)])
    assert shared > 0.5 and shared > independent + 0.3


def test_truth_is_json_and_round_trips(world, tmp_path):
    path = tmp_path / "nested" / "truth.json"
    write_truth(world, path)
    loaded = json.loads(path.read_text(encoding="utf-8"))
    assert loaded["config"]["seed"] == 11 and loaded["config"]["start"] == "2025-01-01"
    assert loaded["groups"]["all"]["amazon"]["beta"] == pytest.approx(
        world.truth["groups"]["all"]["amazon"]["beta"]
    )
    assert set(loaded["events"]) == {"prime_day", "bfcm"}


@pytest.mark.parametrize("bad", [{"days": 200}, {"n_products": 6}, {"noise": -1}])
def test_bad_config_is_refused_with_the_rule(bad):
    with pytest.raises(ValueError, match=next(iter(bad))):
        WorldConfig(**bad)
