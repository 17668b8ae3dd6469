"""The Catalogue page on the demo build: every product listed with its costs, the match report, and a
save that writes the seller's catalogue file (keeping what the seller wrote) — never the warehouse."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from orchestration import settings
from streamlit_app.i18n import t
from tests.app.marts_fixture import render_page

pytestmark = pytest.mark.slow


@pytest.fixture()
def home(built_warehouse, tmp_path, monkeypatch):
    """A copy of the demo home, so saving the catalogue never touches the session's build."""
    copy = tmp_path / "home"
    shutil.copytree(built_warehouse, copy, ignore=shutil.ignore_patterns("dagster", "warehouse.duckdb*"))
    monkeypatch.setenv("TSW_HOME", str(copy))
    return copy


def run_page(lang: str = "en"):
    return render_page("catalogue", lang, timeout=120)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_page_lists_every_product_and_the_planted_duplicate(home, lang):
    at = run_page(lang)
    declared = len(pd.read_csv(settings.catalogue_dir() / "products.csv", dtype=str))
    # The demo's declared products and the 2 discovered ones are listed.
    assert any(str(declared + 2) in c.value for c in at.caption)
    metrics = {m.label: m.value for m in at.metric}
    # The demo leaves one product out of its catalogue: on TikTok and Amazon it is discovered by its SKU code,
    # on Shopify (another code) as a second product with a near-identical name — the report pairs them.
    assert metrics[t("catalogue.finding.likely_duplicate", lang)] == "2"


def test_saving_writes_the_catalogue_and_keeps_what_the_seller_wrote(home):
    products = settings.catalogue_dir() / "products.csv"
    before = pd.read_csv(products, dtype=str, keep_default_na=False)
    warehouse_before = (home / "published.duckdb").stat().st_mtime_ns
    at = run_page()
    save = next(b for b in at.button if b.label == t("catalogue.save", "en"))
    save.click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(t("catalogue.saved", "en", path=str(products)) == s.value for s in at.success)
    after = pd.read_csv(products, dtype=str, keep_default_na=False).set_index("product_id")
    # Every declared product kept as written, the discovered ones added, an Excel copy beside it.
    for _, row in before.iterrows():
        assert after.loc[row["product_id"], "unit_cogs_usd"] == row["unit_cogs_usd"]
        assert after.loc[row["product_id"], "seller_sku"] == row["seller_sku"]
    assert len(after) == len(before) + 2
    assert products.with_suffix(".xlsx").is_file()
    assert (home / "published.duckdb").stat().st_mtime_ns == warehouse_before
