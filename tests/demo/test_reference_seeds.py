"""seeds/reference templates agree with the demo seller's catalogue."""

from __future__ import annotations

import pandas as pd
import pytest

from orchestration import settings
from orchestration.demo import reference_seeds
from orchestration.demo.generate import demo_products, unmapped_product_id
from orchestration.demo.world import WorldConfig, simulate_world


@pytest.fixture(scope="module")
def products():
    return demo_products(simulate_world(WorldConfig(seed=7, days=400)))


def _read(name):
    return pd.read_csv(settings.REFERENCE_SEEDS_DIR / name, dtype=str, keep_default_na=False)


def test_committed_seeds_equal_generated(tmp_path):
    reference_seeds.write(tmp_path, seed=7)
    for name in ("product_map.csv", "unit_costs.csv", "fee_schedule.csv"):
        assert (tmp_path / name).read_bytes() == (settings.REFERENCE_SEEDS_DIR / name).read_bytes(), \
            f"{name} drifted from the demo world: run python -m orchestration.demo.reference_seeds"


def test_product_map_leaves_exactly_one_demo_product_out(products):
    pm = _read("product_map.csv")
    assert list(pm.columns) == ["product_id", "product_name", "category", "tiktok_sku_id", "tiktok_seller_sku",
                                "tiktok_product_id", "asin", "shopify_sku", "amazon_product_type",
                                "shopify_product_type"]
    missing = set(products["product_id"]) - set(pm["product_id"])
    assert missing == {unmapped_product_id(products)}
    assert pm["product_id"].is_unique and pm["tiktok_sku_id"].is_unique and pm["asin"].is_unique
    joined = pm.merge(products, on="product_id")
    assert (joined["tiktok_sku_id_x"] == joined["tiktok_sku_id_y"]).all()
    assert (joined["asin_x"] == joined["asin_y"]).all()
    assert (joined["shopify_sku_x"] == joined["shopify_sku_y"]).all()
    assert pm["tiktok_sku_id"].str.fullmatch(r"\d{19}").all()  # read as text: never rounded


def test_unit_costs_cover_every_product_and_are_time_aware(products):
    uc = _read("unit_costs.csv")
    assert set(uc["product_id"]) == set(products["product_id"])
    assert not uc.duplicated(["product_id", "valid_from"]).any()
    assert (uc.groupby("product_id").size() > 1).any()
    for col in ("unit_cogs_usd", "tiktok_fbs_fulfilment_usd", "tiktok_fbt_fulfilment_usd",
                "amazon_fba_fulfilment_usd", "amazon_fbm_fulfilment_usd", "shopify_fulfilment_usd"):
        assert (uc[col].astype(float) > 0).all(), col
    assert (uc["source"] != "").all()


def test_fee_schedule_rows_have_a_value_and_a_source():
    fs = _read("fee_schedule.csv")
    assert set(fs["channel"]) == {"tiktok_shop", "amazon", "shopify"}
    assert ((fs["rate"] != "") | (fs["fixed_usd"].astype(float) > 0) | (fs["fee_type"] == "affiliate_commission")).all()
    assert (fs["source"] != "").all()
    assert fs["rate"].replace("", "0").astype(float).between(0, 0.5).all()
