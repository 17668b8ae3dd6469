"""Seller-edited reference tables: what a seller's own product map may omit, and how a bad row is named."""

from __future__ import annotations

import pytest

from orchestration.lib.gx_validation import ValidationFailed
from orchestration.lib.reference_tables import REFERENCE_TABLES, validate_reference_table

PRODUCT_MAP = REFERENCE_TABLES["product_map"]
OLD_TEMPLATE = (
    "product_id,product_name,category,tiktok_sku_id,tiktok_seller_sku,tiktok_product_id,asin,shopify_sku\n"
    "P1,Serum,beauty_personal_care,1782032890481714833,BPC-001,1787095169111116593,B0K0J9RSTV,bpc001-us\n"
)


def test_a_product_map_without_the_product_type_columns_still_loads(tmp_path):
    path = tmp_path / "product_map.csv"
    path.write_text(OLD_TEMPLATE, encoding="utf-8")
    frame = validate_reference_table(PRODUCT_MAP, path)
    assert frame.loc[0, "category"] == "beauty_personal_care"
    assert frame["amazon_product_type"].isna().all() and frame["shopify_product_type"].isna().all()


def test_a_row_placed_by_product_type_alone_is_accepted(tmp_path):
    path = tmp_path / "product_map.csv"
    path.write_text(
        "product_id,product_name,category,asin,amazon_product_type\nP2,Wrap Dress,,B0FNMQSBM4,DRESS\n",
        encoding="utf-8",
    )
    frame = validate_reference_table(PRODUCT_MAP, path)
    assert frame.loc[0, "category"] is None and frame.loc[0, "amazon_product_type"] == "DRESS"


def test_a_malformed_category_is_named_with_its_row_and_rule(tmp_path):
    path = tmp_path / "product_map.csv"
    path.write_text(OLD_TEMPLATE + "P2,Dress,Women's Wear,,,,,\n", encoding="utf-8")
    with pytest.raises(ValidationFailed) as failed:
        validate_reference_table(PRODUCT_MAP, path)
    [violation] = failed.value.violations
    assert violation.row == 2 and "category" in violation.rule and "Women's Wear" in violation.detail


def test_a_missing_required_column_is_reported(tmp_path):
    path = tmp_path / "product_map.csv"
    path.write_text("product_id,category\nP1,home\n", encoding="utf-8")
    with pytest.raises(ValidationFailed, match="missing column 'product_name'"):
        validate_reference_table(PRODUCT_MAP, path)
