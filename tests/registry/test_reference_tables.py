"""The seller's catalogue files and the shipped rate cards: what a seller's own files may omit, and how a
bad row is named."""

from __future__ import annotations

import pandas as pd
import pytest

from orchestration import settings
from orchestration.lib.reference_tables import CATALOGUE_TABLES, REFERENCE_TABLES, validate_reference_table
from orchestration.quality.violations import ValidationFailed

PRODUCTS = REFERENCE_TABLES["catalogue_products"]
MINIMAL = "product_id,product_name,category,seller_sku\nP1,Serum,beauty_personal_care,BPC-001\n"


@pytest.mark.slow  # loads the catalogue files through the reference-table loader: 3.0 s in a loaded unit lane
def test_a_minimal_products_file_loads_with_every_other_column_empty(tmp_path):
    path = tmp_path / "products.csv"
    path.write_text(MINIMAL, encoding="utf-8")
    frame = validate_reference_table(PRODUCTS, path)
    assert frame.loc[0, "category"] == "beauty_personal_care"
    assert frame["asin"].isna().all() and frame["unit_cogs_usd"].isna().all()


def test_no_catalogue_at_all_loads_as_empty_tables(tmp_path, monkeypatch):
    monkeypatch.setenv("TSW_HOME", str(tmp_path))
    for spec in CATALOGUE_TABLES.values():
        frame = validate_reference_table(spec)
        assert frame.empty and set(spec.columns) <= set(frame.columns)


@pytest.mark.slow  # loads the catalogue files through the reference-table loader: 2.0 s in a loaded unit lane
def test_several_codes_in_one_cell_merge_two_codes_into_one_product(tmp_path):
    path = tmp_path / "products.csv"
    path.write_text("product_id,asin,tiktok_sku_id\nP1,B0K0J9RSTV | B0373XRTKS,1782032890481714833|1753942818610401594\n",
                    encoding="utf-8")
    frame = validate_reference_table(PRODUCTS, path)
    assert frame.loc[0, "asin"].count("B0") == 2


@pytest.mark.slow  # loads the catalogue files through the reference-table loader: 2.6 s in a loaded unit lane
def test_a_category_not_in_the_taxonomy_is_named_with_its_row_and_rule(tmp_path):
    path = tmp_path / "products.csv"
    path.write_text(MINIMAL + "P2,Dress,ladies_fashion,WW-001\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as failed:
        validate_reference_table(PRODUCTS, path)
    [violation] = failed.value.violations
    assert violation.row == 2 and "category" in violation.rule and "ladies_fashion" in violation.detail
    assert violation.file == "products.csv" or violation.file.endswith("products.csv")


@pytest.mark.slow  # loads the catalogue files through the reference-table loader: 1.7 s in a loaded unit lane
def test_a_cost_that_is_not_a_number_is_named(tmp_path):
    path = tmp_path / "products.csv"
    path.write_text("product_id,unit_cogs_usd\nP1,9.64\nP2,about 5\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as failed:
        validate_reference_table(PRODUCTS, path)
    assert any(v.row == 2 and "about 5" in v.detail for v in failed.value.violations)


def test_a_missing_required_column_is_reported(tmp_path):
    path = tmp_path / "cost_changes.csv"
    path.write_text("product_id,unit_cogs_usd\nP1,3\n", encoding="utf-8")
    with pytest.raises(ValidationFailed, match="missing column 'valid_from'"):
        validate_reference_table(REFERENCE_TABLES["catalogue_cost_changes"], path)


@pytest.mark.slow  # loads the catalogue files through the reference-table loader: 2.0 s in a loaded unit lane
def test_every_platform_rate_card_row_has_a_value_a_source_and_a_date():
    fees = pd.read_csv(settings.REFERENCE_SEEDS_DIR / "platform_fees.csv", dtype=str, keep_default_na=False)
    validate_reference_table(REFERENCE_TABLES["platform_fees"])
    assert set(fees["channel"]) == {"tiktok_shop", "amazon", "shopify"}
    has_value = (fees["rate"] != "") | (fees["fixed_usd"] != "") | (fees["fee_type"] == "affiliate_commission")
    assert has_value.all()
    assert (fees["source"] != "").all() and fees["source_date"].str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
    assert fees["rate"].replace("", "0").astype(float).between(0, 0.5).all()


def test_seeds_hold_no_sellers_data():
    """seeds/ is public reference data: no product map, no unit costs, no seller's fee schedule."""
    shipped = {p.name for p in settings.REFERENCE_SEEDS_DIR.glob("*.csv")}
    assert shipped == {"category_taxonomy.csv", "fx_rates.csv", "platform_fees.csv"}
    for spec in REFERENCE_TABLES.values():
        if spec.home == "seeds":
            assert "product_id" not in spec.columns, spec.name
