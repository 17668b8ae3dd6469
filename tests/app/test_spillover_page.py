"""The Spillover page on the real demo build: it renders, and for the demo's main product group ("all"
TikTok-promoted products) and Amazon it shows the modelled estimate and an interval that contains the
demo's true spillover.

The truth is read from `<TSW_HOME>/demo_truth/ground_truth.json` (world → groups → all → amazon → beta: the
GMV-weighted spillover of the group's products, see tsw_demo/world/); the displayed numbers are
parsed back from the page, so a page that shows the wrong row, the wrong channel or a mis-rounded interval
fails here.
"""

from __future__ import annotations

import json
import re

import duckdb
import pytest

from orchestration.settings import published_path
from streamlit_app.i18n import t
from tests.app.marts_fixture import render_page

TIMEOUT = 180
MAIN_GROUP = "all"

pytestmark = pytest.mark.slow

_MONEY = re.compile(r"(-?)\$(\d+(?:\.\d+)?)")


@pytest.fixture(scope="module")
def built(built_warehouse):
    """The built demo: the full build materializes the spillover estimates and publishes them."""
    with duckdb.connect(str(built_warehouse / "published.duckdb"), read_only=True) as con:
        assert con.execute("select count(*) from marts.mart_spillover_estimates").fetchone()[0] > 0
    return built_warehouse


def money_values(text: str) -> list[float]:
    """'-$0.15 – $0.46' → [-0.15, 0.46]; '$0.16 per $1' → [0.16, 1.0]."""
    return [float(num) * (-1 if sign else 1) for sign, num in _MONEY.findall(text)]


def run_page(lang: str = "en"):
    return render_page("spillover", lang, TIMEOUT)


def test_main_group_interval_contains_the_true_amazon_spillover(built):
    truth = json.loads((built / "demo_truth" / "ground_truth.json").read_text(encoding="utf-8"))
    beta = truth["world"]["groups"][MAIN_GROUP]["amazon"]["beta"]
    with duckdb.connect(str(published_path()), read_only=True) as con:
        estimate, low, high = con.execute(
            "select estimate, ci_low, ci_high from marts.mart_spillover_estimates "
            "where product_group = ? and target_channel = 'amazon' and method = 'regression_dl'",
            [MAIN_GROUP],
        ).fetchone()

    at = run_page()
    # The page opens on the main group and Amazon.
    assert at.selectbox(key="spill_group.en").value == MAIN_GROUP
    assert at.radio(key="spill_channel").value == "amazon"
    metrics = {m.label: m.value for m in at.metric}
    shown_estimate = money_values(metrics[t("spill.kpi.estimate", "en")])[0]
    shown_low, shown_high = money_values(metrics[t("spill.kpi.interval", "en")])
    assert shown_estimate == pytest.approx(round(estimate, 2), abs=1e-9)
    assert (shown_low, shown_high) == (pytest.approx(round(low, 2)), pytest.approx(round(high, 2)))
    assert shown_low <= beta <= shown_high, f"true {beta:.3f} outside the shown {shown_low} – {shown_high}"
    # The per-1,000-views figure stands with its own interval, both the mart's.
    with duckdb.connect(str(published_path()), read_only=True) as con:
        per_views = con.execute(
            "select estimate_per_1000_views, ci_low_per_1000_views, ci_high_per_1000_views "
            "from marts.mart_spillover_estimates "
            "where product_group = ? and target_channel = 'amazon' and method = 'regression_dl'",
            [MAIN_GROUP],
        ).fetchone()
    # The page escapes "$" (three amounts must not read as inline LaTeX): read it as the seller sees it.
    views_line = next(c.value for c in at.caption if "1,000 TikTok views" in c.value).replace("\\$", "$")
    assert money_values(views_line) == [pytest.approx(round(v, 2)) for v in per_views]
    # Every estimate says what it means and what it cannot claim.
    text = " ".join(m.value for m in at.markdown)
    assert "cannot prove cause" in text
    assert t("spill.verdict.placebo_passed", "en") in text or "Placebo failed" in text
    # The charts: estimates by group, the lag curve; and the table of every method with a CSV.
    assert len(at.get("plotly_chart")) >= 2
    assert any(t("spill.col.method", "en") in f.value.columns for f in at.dataframe)


def test_switching_channel_shows_the_shopify_row_and_its_floor(built):
    with duckdb.connect(str(published_path()), read_only=True) as con:
        estimate = con.execute(
            "select estimate from marts.mart_spillover_estimates where product_group = ? "
            "and target_channel = 'shopify' and method = 'regression_dl'",
            [MAIN_GROUP],
        ).fetchone()[0]
        floor = con.execute(
            "select floor_usd_per_usd_tiktok_gmv from marts.mart_spillover_attribution_floor "
            "where product_group = ? and target_channel = 'shopify'",
            [MAIN_GROUP],
        ).fetchone()[0]
    at = run_page()
    at.radio(key="spill_channel").set_value("shopify").run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert money_values(metrics[t("spill.kpi.estimate", "en")])[0] == pytest.approx(round(estimate, 2))
    assert money_values(metrics[t("spill.kpi.floor", "en")])[0] == pytest.approx(round(floor, 2))


def test_page_in_chinese(built):
    at = run_page("zh")
    labels = [m.label for m in at.metric]
    assert t("spill.kpi.estimate", "zh") in labels and t("spill.kpi.interval", "zh") in labels
    assert at.title[0].value == t("spill.title", "zh")
    # The plain-words reading is in Chinese too (mart column explanation_zh), not the English sentence.
    meaning = next(m.value for m in at.markdown if m.value.startswith(f"**{t('spill.meaning', 'zh')}**"))
    assert "统计关联" in meaning and "Over " not in meaning
    # Short enough for its KPI column: one unit for both ends of the interval.
    interval = {m.label: m.value for m in at.metric}[t("spill.kpi.interval", "zh")]
    assert interval.count("美元") == 1
