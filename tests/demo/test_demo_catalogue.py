"""The demo seller's catalogue is generated into its home, like a seller's, and agrees with its world."""

from __future__ import annotations

import pandas as pd
import pytest

from orchestration import settings
from orchestration.lib.reference_tables import REFERENCE_TABLES, validate_reference_table
from tsw_demo import catalogue
from tsw_demo.generate import demo_products, unmapped_product_id
from tsw_demo.world import WorldConfig, simulate_world


@pytest.fixture(scope="module")
def products():
    return demo_products(simulate_world(WorldConfig(seed=7, days=400)))


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("catalogue")
    catalogue.write(out, seed=7)
    return out


def _read(folder, name):
    return pd.read_csv(folder / name, dtype=str, keep_default_na=False)


@pytest.mark.slow  # validates through Great Expectations (its import and two suites): 8.3 s in the unit lane at load 3
def test_the_demo_catalogue_passes_the_sellers_rules(written):
    validate_reference_table(REFERENCE_TABLES["catalogue_products"], written / "products.csv")
    validate_reference_table(REFERENCE_TABLES["catalogue_cost_changes"], written / "cost_changes.csv")


def test_the_catalogue_leaves_exactly_one_demo_product_out(written, products):
    pm = _read(written, "products.csv")
    assert set(products["product_id"]) - set(pm["product_id"]) == {unmapped_product_id(products)}
    joined = pm.merge(products, on="product_id")
    assert (joined["tiktok_sku_id_x"] == joined["tiktok_sku_id_y"]).all()
    assert (joined["asin_x"] == joined["asin_y"]).all()
    assert (joined["shopify_sku_x"] == joined["shopify_sku_y"]).all()
    assert (joined["seller_sku_x"] == joined["seller_sku_y"]).all()
    assert pm["tiktok_sku_id"].str.fullmatch(r"\d{19}").all()  # written as text: never rounded


def test_costs_are_time_aware(written):
    pm, changes = _read(written, "products.csv"), _read(written, "cost_changes.csv")
    assert (pm["unit_cogs_usd"].astype(float) > 0).all()
    assert len(changes) > 5 and set(changes["product_id"]) <= set(pm["product_id"])
    assert (changes["valid_from"] == "2025-10-01").all()


@pytest.mark.slow
def test_the_demo_writes_its_catalogue_into_its_home_not_the_repo(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from orchestration.cli import main

    monkeypatch.setenv("TSW_HOME", str(tmp_path))
    before = sorted(p.name for p in settings.REFERENCE_SEEDS_DIR.iterdir())
    result = CliRunner().invoke(main, ["demo"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "catalogue" / "products.csv").exists()
    assert sorted(p.name for p in settings.REFERENCE_SEEDS_DIR.iterdir()) == before
    # A seller's edits survive a second `tsw demo`.
    (tmp_path / "catalogue" / "products.csv").write_text("product_id\nMINE\n", encoding="utf-8")
    assert CliRunner().invoke(main, ["demo"]).exit_code == 0
    assert (tmp_path / "catalogue" / "products.csv").read_text(encoding="utf-8") == "product_id\nMINE\n"
