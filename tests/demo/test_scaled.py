"""`tsw demo --scale N`: the whole seller at about N TikTok order lines, written slice by slice."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pandas as pd
import pytest

from tests.demo.conftest import read_tiktok_csv
from tsw_demo import scaled
from tsw_demo.generate import generate_demo

KINDS = {"tiktok_orders", "tiktok_affiliate_orders", "tiktok_statements", "tiktok_ads_campaign_daily",
         "tiktok_product_analytics", "tiktok_video_performance", "amazon_all_orders", "amazon_business_report",
         "amazon_transactions", "amazon_fba_returns", "shopify_orders", "shopify_payouts"}


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    return generate_demo(tmp_path_factory.mktemp("scaled") / "inbox", seed=7, days=365, scale=4_000,
                         end=date(2026, 6, 30))


@pytest.mark.slow  # ~20 s on two cores: every kind, 13 monthly slices
def test_every_kind_and_about_n_lines_each_in_one_export(small):
    assert {f.kind for f in small.files} == KINDS
    truth = json.loads((small.truth_dir / "ground_truth.json").read_text(encoding="utf-8"))
    rows = []
    for f in small.by_kind("tiktok_orders"):
        if f.path.endswith(".csv"):
            header, data = read_tiktok_csv(small.out_dir / f.path)
            rows += [(r[header.index("Order ID")].strip(), r[header.index("SKU ID")].strip(),
                      r[header.index("Created Time")].strip()) for r in data]
            assert len(data) <= scaled.TIKTOK_EXPORT_MAX_ROWS
    xlsx_lines = sum(1 for f in small.by_kind("tiktok_orders") if f.path.endswith(".xlsx"))
    assert xlsx_lines == 1
    keys = pd.DataFrame(rows, columns=["order", "sku", "created"])
    assert not keys.duplicated(["order", "sku"]).any()  # no overlapping windows: one row per line
    lines = truth["realised"]["tiktok"]["lines"]
    assert 3_400 <= lines <= 4_600
    created = pd.to_datetime(keys["created"], format="%m/%d/%Y %I:%M:%S %p")
    assert created.min().date() >= date(2025, 7, 1) and created.max().date() <= date(2026, 6, 30)
    # Amazon and Shopify in the world's proportions (the normal demo: more Amazon than TikTok orders).
    assert truth["realised"]["amazon"]["orders"] > truth["realised"]["tiktok"]["orders"] * 0.8
    assert truth["realised"]["shopify"]["orders_own"] > 0
    assert truth["settlement"]["planted"]["never_settled"] and truth["settlement"]["planted"]["fee_disputes"]
    periods = json.loads((small.truth_dir / "periods.json").read_text(encoding="utf-8"))
    assert {v["kind"] for v in periods.values()} == KINDS


@pytest.mark.slow
def test_another_seed_other_bytes(small, tmp_path):
    other = generate_demo(tmp_path / "b", seed=8, days=365, scale=4_000, end=date(2026, 6, 30))
    assert other.by_kind("tiktok_orders")[0].sha256 != small.by_kind("tiktok_orders")[0].sha256


@pytest.mark.parametrize("per_day,kind", [(100, "month"), (1_500, "week"), (30_000, "day")])
def test_slices_cover_every_day_once(per_day, kind):
    start, last = date(2025, 1, 3), date(2026, 2, 6)
    got_kind, slices = scaled._slices(start, last, per_day)
    assert got_kind == kind
    days = [s + timedelta(days=k) for s, e in slices for k in range((e - s).days + 1)]
    assert days == [start + timedelta(days=k) for k in range((last - start).days + 1)]
    assert all(s.month == e.month for s, e in slices)
