"""A real seller's first day: the build publishes whatever can be built, whatever the seller has.

Each scenario is a fresh home with the files a new seller might have — nothing at all, one day or a week
of order exports from all three channels, one channel only — cut from real-layout exports (no catalogue:
every product is discovered), plus a catalogue declaring products that never sold. `tsw build` must
succeed and publish, the market marts must be complete, the seller marts must hold exactly what was
loaded, and every page must render in both languages without an error.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from streamlit_app.i18n import fmt_money, t
from tests.app.marts_fixture import APP_PATH
from tests.pipeline.thin_sellers import cut_orders

pytestmark = pytest.mark.slow

ALL = {"tiktok_shop", "amazon", "shopify"}
START = date(2025, 6, 10)
SCENARIOS = {
    "no_exports": (0, set()),
    "one_day": (1, ALL),
    "seven_days": (7, ALL),
    "tiktok_only": (14, {"tiktok_shop"}),
    "amazon_only": (14, {"amazon"}),
    "shopify_only": (14, {"shopify"}),
    # Hand-made files in the real layouts, not the demo's: a TikTok export in English and one exported from a
    # Chinese Seller Center (Chinese headers), an Amazon All Orders report, a Shopify orders export.
    "hand_made_files": (None, set()),
}
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "exports"
HAND_MADE = ("tiktok/All order-2025-10-31-09_15.csv", "tiktok/订单导出-2025-10-31.csv",
             "amazon/All Orders Report 2025-10.txt", "shopify/orders_export_1.csv")
PAGES = ("market", "sources", "categories", "spillover", "settlements", "overview", "data_quality", "sql",
         "catalogue")


@pytest.fixture(scope="module")
def demo_files(demo_source) -> Path:
    """The session's demo (tests/conftest.py): files/ and truth/ under one root, read-only."""
    return demo_source.out_dir.parent


def _build(home: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "TSW_HOME": str(home), "OPENBLAS_NUM_THREADS": "1"}
    tsw = Path(sys.executable).parent / "tsw"
    return subprocess.run([str(tsw), "build"], env=env, capture_output=True, text=True, timeout=1200, check=False)


@pytest.fixture(scope="module", params=sorted(SCENARIOS))
def thin_home(request, demo_files, tmp_path_factory):
    days, channels = SCENARIOS[request.param]
    home = tmp_path_factory.mktemp(request.param)
    lines = {}
    if request.param == "hand_made_files":
        (home / "inbox").mkdir(parents=True)
        for name in HAND_MADE:
            shutil.copy(FIXTURES / name, home / "inbox" / Path(name).name)
    if channels:
        lines = cut_orders(demo_files / "inbox", demo_files / "demo_truth", home / "inbox", start=START, days=days,
                           channels=channels)
    if request.param == "tiktok_only":
        # A catalogue declaring one product that sold (by its seller SKU, written in another case) and
        # one that never sold.
        (home / "catalogue").mkdir()
        (home / "catalogue" / "products.csv").write_text(
            "product_id,product_name,category,seller_sku,unit_cogs_usd\n"
            "MY-SERUM,My serum,beauty_personal_care, bpc-001 ,9.5\n"
            "NEW-ITEM,Not launched yet,home,HOME-999,4\n", encoding="utf-8")
    if request.param == "amazon_only":
        # A seller on the US east coast: its days and months are New York's, not the default Los Angeles.
        (home / "settings.toml").write_text('time_zone = "America/New_York"\n', encoding="utf-8")
    result = _build(home)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return request.param, home, lines


def _q(home: Path, sql: str):
    with duckdb.connect(str(home / "published.duckdb"), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def test_the_build_publishes_the_market_figures_whatever_the_seller_has(thin_home):
    _, home, _ = thin_home
    assert (home / "published.duckdb").is_file()
    assert _q(home, "select count(*) from marts.mart_market_size")[0][0] > 0
    assert _q(home, "select count(*) from marts.mart_cited_claims")[0][0] > 100


def test_every_loaded_order_line_reaches_the_facts_as_a_discovered_product(thin_home):
    name, home, lines = thin_home
    loaded = dict(_q(home, "select kind, sum(rows_loaded) from raw._load_log group by kind"))
    if name == "hand_made_files":
        assert set(loaded) == {"tiktok_orders", "amazon_all_orders", "shopify_orders"}, loaded
        lines = {c: 1 for c in ALL}
    else:
        for kind, channel in (("tiktok_orders", "tiktok_shop"), ("amazon_all_orders", "amazon"),
                              ("shopify_orders", "shopify")):
            assert loaded.get(kind, 0) == lines.get(channel, 0), (kind, loaded)
    channels = {c for (c,) in _q(home, "select distinct channel from marts.fct_order_lines")}
    assert channels <= {c for c, n in lines.items() if n}
    if name in ("one_day", "seven_days", "tiktok_only", "amazon_only", "hand_made_files"):
        assert channels, "the orders loaded but no line reached fct_order_lines"
    # No catalogue: every product is discovered from its SKU codes, none dropped or unnamed.
    orphans = _q(home, "select count(*) from marts.fct_order_lines l left join marts.dim_products p "
                       "using (product_id) where p.product_id is null")[0][0]
    assert orphans == 0
    if name == "tiktok_only":
        declared = dict(_q(home, "select product_id, coalesce(channels_sold, '') from marts.dim_products "
                                 "where is_in_catalogue"))
        assert declared == {"MY-SERUM": "tiktok_shop", "NEW-ITEM": ""}, declared
        findings = dict(_q(home, "select product_id, finding from marts.mart_product_matches"))
        assert findings["NEW-ITEM"] == "never_sold"
        # TikTok's own category places what the catalogue does not.
        placed = {r[0] for r in _q(home, "select distinct category_assigned_by from marts.dim_products "
                                         "where not is_in_catalogue")}
        assert placed == {"tiktok_shop_category"}, placed
    elif name != "no_exports":
        assert _q(home, "select bool_and(not is_in_catalogue) from marts.dim_products")[0][0] in (True, None)


def test_margins_without_costs_are_never_shown_as_profit(thin_home):
    name, home, _ = thin_home
    rows = _q(home, "select contribution_margin_usd, share_of_revenue_without_cost, net_revenue_usd "
                    "from marts.mart_category_performance where net_revenue_usd > 0")
    if name == "no_exports":
        assert rows == []
    for margin, share, revenue in rows:
        if name != "tiktok_only":
            assert margin is None and share == pytest.approx(1.0), (margin, share)


def test_without_settlement_files_every_figure_is_an_estimate_and_the_page_says_so(thin_home, monkeypatch):
    # None of these sellers loaded a statement, Transaction report or payout: every order line keeps the
    # estimates from its order export and the rate cards, nothing reads as settled, no finding is invented.
    _, home, _ = thin_home
    settled, actuals, drift = _q(home, """
        select count(*) filter (where is_settled),
               count(actual_net_revenue_usd) + count(actual_platform_fees_usd) + count(actual_fulfilment_cost_usd),
               coalesce(max(abs(net_revenue_usd - estimated_net_revenue_usd)
                            + abs(platform_fees_usd - estimated_platform_fees_usd)
                            + abs(fulfilment_cost_usd - estimated_fulfilment_cost_usd)), 0)
        from marts.fct_order_lines""")[0]
    assert (settled, actuals) == (0, 0) and drift < 1e-9
    assert _q(home, """select coalesce(sum(abs(net_revenue_settled_usd) + abs(platform_fees_settled_usd)), 0),
                              count(*) filter (where settled_share_of_net_revenue <> 0)
                       from marts.mart_category_performance""")[0] == (0, 0)
    assert _q(home, "select count(*) filter (where settled_share_of_net_revenue <> 0) "
                    "from marts.mart_sku_unit_economics")[0][0] == 0
    assert _q(home, "select count(*) from marts.mart_settlement_exceptions")[0][0] == 0
    monkeypatch.setenv("TSW_HOME", str(home))
    for lang in ("en", "zh"):
        at = AppTest.from_file(str(APP_PATH), default_timeout=120)
        at.query_params["lang"] = lang
        at.run()
        at.switch_page("views/categories.py").run()
        assert not at.exception, [e.value for e in at.exception]
        captions = [c.value for c in at.caption]
        shared = t("categories.settled_share", lang, share="\x00").split("\x00")[1][:20]
        assert not [c for c in captions if shared in c], captions
        revenue = {m.label: m.value for m in at.metric}.get(t("categories.kpi.net_revenue", lang))
        if revenue not in (None, fmt_money(0.0, lang)):
            assert t("categories.settled_none", lang) in captions, captions


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_page_renders_without_an_error(thin_home, lang, monkeypatch):
    _, home, _ = thin_home
    monkeypatch.setenv("TSW_HOME", str(home))
    for page in PAGES:
        at = AppTest.from_file(str(APP_PATH), default_timeout=120)
        at.query_params["lang"] = lang
        at.run()
        at.switch_page(f"views/{page}.py").run()
        assert not at.exception, (page, [e.value for e in at.exception])
        errors = [e.value for e in at.error]
        assert not errors, (page, errors)


def test_every_categories_period_renders_on_thin_data(thin_home, monkeypatch):
    """A day, a week or two of orders: every day-range preset and its comparison render without an error (the
    previous period then holds no data, and a preset past the data says it has no orders)."""
    from streamlit_app.periods import PRESETS

    _, home, _ = thin_home
    monkeypatch.setenv("TSW_HOME", str(home))
    at = AppTest.from_file(str(APP_PATH), default_timeout=120)
    at.query_params["lang"] = "zh"
    at.run()
    at.switch_page("views/categories.py").run()
    if "categories_filter_period.zh" not in [s.key for s in at.selectbox]:  # no orders: it says how to load them
        assert at.info
        return
    for preset in PRESETS:
        at.selectbox(key="categories_filter_period.zh").set_value(preset).run()
        assert not at.exception, (preset, [e.value for e in at.exception])
        assert not at.error, (preset, [e.value for e in at.error])


def _tsw(home: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "TSW_HOME": str(home), "OPENBLAS_NUM_THREADS": "1"}
    return subprocess.run([str(Path(sys.executable).parent / "tsw"), *args], env=env, capture_output=True,
                          text=True, timeout=1200, check=False)


def test_tsw_catalogue_lists_every_product_keeps_what_the_seller_wrote_and_costs_reach_the_margin(thin_home):
    import pandas as pd

    name, home, _ = thin_home
    if name != "seven_days":
        pytest.skip("one thin seller is enough for the catalogue round trip")
    result = _tsw(home, "catalogue")
    assert result.returncode == 0, result.stdout + result.stderr
    products_csv = home / "catalogue" / "products.csv"
    assert products_csv.is_file() and products_csv.with_suffix(".xlsx").is_file()
    listed = pd.read_csv(products_csv, dtype=str, keep_default_na=False)
    discovered = {p for (p,) in _q(home, "select product_id from marts.dim_products")}
    assert set(listed["product_id"]) == discovered
    assert (listed["unit_cogs_usd"] == "").all()
    assert f"{len(listed)} products lack a unit cost" in result.stdout
    # The seller fills one product's cost and renames it; a second run keeps both.
    first = listed.index[0]
    listed.loc[first, "unit_cogs_usd"] = "4.25"
    listed.loc[first, "product_name"] = "Named by me"
    listed.to_csv(products_csv, index=False)
    assert _tsw(home, "catalogue").returncode == 0
    again = pd.read_csv(products_csv, dtype=str, keep_default_na=False).set_index("product_id")
    pid = listed.loc[first, "product_id"]
    assert again.loc[pid, "unit_cogs_usd"] == "4.25" and again.loc[pid, "product_name"] == "Named by me"
    assert _build(home).returncode == 0
    status, in_catalogue, name_shown = _q(home, f"select cost_status, is_in_catalogue, product_name "
                                               f"from marts.dim_products where product_id = '{pid}'")[0]
    assert (status, in_catalogue, name_shown) == ("ok", True, "Named by me")
    assert _q(home, f"select count(*) from marts.fct_order_lines where product_id = '{pid}' "
                    "and units_sold > 0 and contribution_before_ads_usd is null")[0][0] == 0


def test_too_little_data_is_a_status_with_a_reason_in_both_languages(thin_home):
    name, home, _ = thin_home
    rows = _q(home, "select analysis, channel, status, reason_en, reason_zh from marts.mart_analysis_status")
    assert {r[0] for r in rows} >= {"category_performance", "category_growth_mom", "unit_economics", "freshness"}
    for analysis, channel, status, en, zh in rows:
        if status == "ok":
            assert en is None and zh is None
        else:
            assert en and zh and en != zh, (analysis, channel, status)
    by_key = {(r[0], r[1]): r for r in rows}
    if name == "no_exports":
        assert {r[2] for r in rows} == {"not_applicable"}
    if name in ("one_day", "seven_days"):
        growth = by_key[("category_growth_mom", "all")]
        assert growth[2] == "insufficient_data" and "2 months" in growth[3], growth
    # The spillover analyses publish their rows too, each non-ok row with its reason.
    with duckdb.connect(str(home / "published.duckdb"), read_only=True) as conn:
        cols = [c for (c,) in conn.execute(
            "select column_name from duckdb_columns() where schema_name = 'marts' "
            "and table_name = 'mart_spillover_estimates'").fetchall()]
        assert cols, "mart_spillover_estimates was not published"
        if "status" in cols:
            reasons = [c for c in cols if "reason" in c]
            assert reasons
            bad = conn.execute(
                "select count(*) from marts.mart_spillover_estimates where status <> 'ok' and ("
                + " or ".join(f"coalesce({c}, '') = ''" for c in reasons) + ")").fetchone()[0]
            assert bad == 0


def test_order_days_are_the_sellers_days_in_the_time_zone_of_its_settings(thin_home):
    scenario, home, _ = thin_home
    if scenario != "amazon_only":
        pytest.skip("the east-coast seller is the Amazon-only one")
    from zoneinfo import ZoneInfo

    rows = _q(home, "select o.amazon_order_id, o.purchase_date, f.order_date from raw.amazon_all_orders o "
                    "join marts.fct_order_lines f on f.source_order_id = o.amazon_order_id and f.channel = 'amazon'")
    assert rows
    new_york = ZoneInfo("America/New_York")
    assert all(day == instant.astimezone(new_york).date() for _, instant, day in rows)
    # Orders placed in the evening in Los Angeles belong to the next day in New York: the setting did something.
    los_angeles = ZoneInfo("America/Los_Angeles")
    assert any(day != instant.astimezone(los_angeles).date() for _, instant, day in rows)
