"""Every check the code location defines has a name in both languages on the Data quality page (issue 13: the
Chinese page showed raw ids such as `assert_category_orders_reconcile`). The checks are read from the
definitions themselves (dbt's tests and the Python asset checks), so a check added later without a name fails here.
"""

from __future__ import annotations

import re

import pytest

from streamlit_app.check_names import check_name

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def defined_checks() -> list[tuple[str, str]]:
    from orchestration.definitions import defs

    keys = defs().resolve_asset_graph().asset_check_keys
    return sorted({(k.asset_key.to_user_string(), k.name) for k in keys})


@pytest.mark.slow  # loads the code location (dbt manifest, every asset): ~18 s on two cores
def test_every_defined_check_has_a_name_in_english_and_chinese(defined_checks):
    assert len(defined_checks) > 100  # dbt's tests are there, not only the Python checks
    unnamed = [f"{asset}:{name}" for asset, name in defined_checks
               if check_name(asset, name, "en") is None or check_name(asset, name, "zh") is None]
    assert not unnamed, f"checks without a name (add quality.check_name.<id> to both catalogues): {unnamed}"
    for asset, name in defined_checks:
        en, zh = check_name(asset, name, "en"), check_name(asset, name, "zh")
        assert name not in en and name not in zh, (asset, name)  # the id is never the name
        assert CJK.search(zh) and not CJK.search(en), (asset, name, en, zh)


def test_generic_tests_name_their_table_column_and_target():
    assert check_name("marts/fct_order_lines", "relationships_fct_order_lines_order_id__order_id__ref_fct_orders_",
                      "zh") == "fct_order_lines：每个 order_id 都能在 fct_orders 中找到"
    assert check_name("staging/int_products__sku_keys",
                      "accepted_values_int_products__sku_keys_matched_by__catalogue_seller_sku__seller_sku",
                      "en") == "int_products__sku_keys: matched_by holds only the known values"
    assert check_name("marts/fct_orders", "something_new", "en") is None


def test_the_chinese_data_quality_page_names_each_check_and_keeps_its_id(small_published):
    from datetime import datetime

    from orchestration.lib import check_results as cr
    from streamlit_app.i18n import t
    from tests.app.marts_fixture import render_page

    ids = [("marts/mart_category_performance", "assert_category_orders_reconcile", False, "ERROR"),
           ("marts/fct_orders", "not_null_fct_orders_order_id", True, "ERROR"),
           ("raw/tiktok_orders", "gx_export_gate", True, "ERROR")]
    cr.write(results=[cr.CheckResult(asset, name, cr.outcome(ok, sev), ok, sev, datetime(2026, 12, 1, 9), "r1",
                                     "")
                      for asset, name, ok, sev in ids])
    at = render_page("data_quality", "zh")
    [checks] = [f.value for f in at.dataframe if t("quality.col.check_id", "zh") in f.value.columns]
    names = dict(zip(checks[t("quality.col.check_id", "zh")], checks[t("quality.col.check", "zh")], strict=True))
    assert names == {"assert_category_orders_reconcile": "品类：订单数等于导出文件的订单数",
                     "not_null_fct_orders_order_id": "fct_orders：每一行都有 order_id",
                     "gx_export_gate": "tiktok_orders：导出文件通过了导入规则"}
