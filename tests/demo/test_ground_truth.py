"""ground_truth.json says what the files contain, and the files follow the world's expectations."""

from __future__ import annotations

import csv
import hashlib
import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from tests.demo.conftest import export_time, read_tiktok_csv
from tsw_demo.generate import VOLUME_SCALE, demo_products, generate_demo
from tsw_demo.world import WorldConfig, simulate_world


@pytest.fixture(scope="module")
def tiktok_latest(demo) -> pd.DataFrame:
    """Every TikTok order line in its latest exported state (the row from the newest export holding it)."""
    frames = []
    for f in demo.by_kind("tiktok_orders"):
        path = demo.out_dir / f.path
        if path.suffix == ".xlsx":
            rows = list(openpyxl.load_workbook(path, read_only=True)["OrderSKUList"].iter_rows(values_only=True))
            header, data = list(rows[0]), [["" if v is None else str(v) for v in r] for r in rows[2:]]
        else:
            header, data = read_tiktok_csv(path)
        df = pd.DataFrame(data, columns=header).fillna("").apply(lambda s: s.str.rstrip("\t"))
        df["_exported"] = export_time(path.name)
        frames.append(df)
    allrows = pd.concat(frames, ignore_index=True)
    allrows = allrows.sort_values("_exported").drop_duplicates(["Order ID", "SKU ID"], keep="last")
    return allrows


def test_tiktok_counts_and_visible_rates_match_truth(tiktok_latest, truth):
    t = truth["realised"]["tiktok"]
    df = tiktok_latest
    assert df["Order ID"].nunique() == t["orders"]
    assert len(df) == t["lines"]
    qty = df["Quantity"].astype(int)
    assert qty.sum() == t["units"]
    orders = df.drop_duplicates("Order ID")
    cancelled_orders = (orders["Order Status"] == "Cancelled").sum()
    assert cancelled_orders == t["cancelled_orders_visible"]
    assert cancelled_orders / len(orders) == pytest.approx(t["cancellation_rate_visible"])
    live = df["Order Status"] != "Cancelled"
    returned = df.loc[live, "Sku Quantity of return"].astype(int).sum()
    assert returned == t["returned_units_visible"]
    assert returned / qty[live].sum() == pytest.approx(t["return_rate_visible"])
    assert (df["Creator Handle"] != "").groupby(df["Order ID"]).any().sum() == t["creator_orders"]


def test_tiktok_realised_rates_follow_the_worlds_true_rates(truth):
    t = truth["realised"]["tiktok"]
    world_cancel = truth["world"]["cancel_rates"]["tiktok"]
    se = np.sqrt(world_cancel * (1 - world_cancel) / t["orders"])
    assert abs(t["cancellation_rate_eventual"] - world_cancel) < 4 * se
    # Visible returns lag (returns arrive up to ~5 weeks after the order) but most are in the files.
    assert 0.75 * t["return_rate_eventual"] <= t["return_rate_visible"] <= t["return_rate_eventual"]


def test_amazon_order_counts_match_truth(demo, truth):
    ids, cancelled = set(), set()
    for f in demo.by_kind("amazon_all_orders"):
        text = (demo.out_dir / f.path).read_bytes().decode(f.encoding)
        rows = list(csv.reader(io.StringIO(text), delimiter="\t"))
        ix = {c: i for i, c in enumerate(rows[0])}
        for r in rows[1:]:
            ids.add(r[ix["amazon-order-id"]])
            if r[ix["order-status"]] == "Cancelled":
                cancelled.add(r[ix["amazon-order-id"]])
    a = truth["realised"]["amazon"]
    assert len(ids) == a["orders"]
    assert len(cancelled) == a["cancelled_orders_visible"]


def test_synced_shopify_orders_are_real_tiktok_orders(tiktok_latest, truth):
    synced = truth["shopify_synced_tiktok_orders"]
    assert len(synced) == truth["realised"]["shopify"]["orders_synced_from_tiktok"] > 100
    assert {s["tiktok_order_id"] for s in synced} <= set(tiktok_latest["Order ID"])


def test_daily_truth_equals_units_in_files(demo, tiktok_latest):
    daily = pd.read_csv(demo.truth_dir / "ground_truth_daily.csv")
    world = simulate_world(WorldConfig(seed=7, days=400))
    products = demo_products(world)
    sku_to_pid = dict(zip(products["tiktok_sku_id"], products["product_id"]))
    files = tiktok_latest.assign(
        date=pd.to_datetime(tiktok_latest["Created Time"], format="%m/%d/%Y %I:%M:%S %p").dt.strftime("%Y-%m-%d"),
        product_id=tiktok_latest["SKU ID"].map(sku_to_pid), units=tiktok_latest["Quantity"].astype(int),
    ).groupby(["date", "product_id"])["units"].sum()
    truth_tt = daily[daily["channel"] == "tiktok"].set_index(["date", "product_id"])["units"]
    pd.testing.assert_series_equal(files.sort_index(), truth_tt.sort_index(), check_names=False)


def test_realised_daily_sales_follow_the_worlds_expectations(demo):
    """Poisson(expected x scale) per day and product: totals within noise, daily shape tracks the world."""
    daily = pd.read_csv(demo.truth_dir / "ground_truth_daily.csv", parse_dates=["date"])
    world = simulate_world(WorldConfig(seed=7, days=400)).daily
    for ch in ("tiktok", "amazon", "shopify"):
        expected = world.groupby("date")[f"expected_{ch}_units"].sum() * VOLUME_SCALE
        realised = daily[daily["channel"] == ch].groupby("date")["units"].sum().reindex(expected.index, fill_value=0)
        assert abs(realised.sum() - expected.sum()) < 4 * np.sqrt(expected.sum()), ch
        weekly = pd.DataFrame({"r": realised, "e": expected}).resample("W").sum()
        assert np.corrcoef(weekly["r"], weekly["e"])[0, 1] > 0.9, ch


@pytest.mark.slow  # > 10 s on two cores (lanes: not in make test-unit)
def test_same_seed_same_bytes(demo, tmp_path):
    again = generate_demo(tmp_path / "inbox", seed=7, days=400)
    assert [(f.path, f.sha256) for f in again.files] == [(f.path, f.sha256) for f in demo.files]
    for name in ("ground_truth.json", "pii_canaries.json", "periods.json", "manifest.json", "ground_truth_daily.csv"):
        a = hashlib.sha256((again.truth_dir / name).read_bytes()).hexdigest()
        b = hashlib.sha256((demo.truth_dir / name).read_bytes()).hexdigest()
        assert a == b, name
