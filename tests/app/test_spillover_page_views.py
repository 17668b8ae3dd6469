"""The rendered Spillover page shows the per-1,000-views figure with its interval, worded like the headline: a
significant negative reads as a drop (no minus sign, no "$-0.00"), and a figure whose interval is missing is
not shown at all. Fast: the 7-day thin home, with the Amazon regression row given a figure."""

from __future__ import annotations

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from orchestration.defs.analysis.spillover_estimates import run_spillover_step
from orchestration.lib.warehouse import publish
from tests.analysis.thin_marts import mart_rows, write_mart
from tests.app.marts_fixture import APP_PATH
from tests.app.test_spillover_page_thin import SQL_MARTS


def home_with_figure(tmp_path, monkeypatch, views: tuple) -> None:
    monkeypatch.setenv("TSW_HOME", str(tmp_path))
    path = tmp_path / "warehouse.duckdb"
    write_mart(path, mart_rows(7))
    run_spillover_step(path)
    with duckdb.connect(str(path)) as con:
        con.execute(SQL_MARTS)
        con.execute(
            "update marts.mart_spillover_estimates set status = 'ok', estimate = ?, ci_low = ?, ci_high = ?, "
            "estimate_per_1000_views = ?, ci_low_per_1000_views = ?, ci_high_per_1000_views = ?, "
            "sufficiency_verdict = 'sufficient', confounding_warning = false, explanation = 'x', "
            "explanation_zh = 'x' where product_group = 'all' and target_channel = 'amazon' "
            "and method = 'regression_dl'",
            [*(None if v is None else v / 10 for v in views), *views],
        )
    publish()


def captions(lang: str) -> str:
    at = AppTest.from_file(str(APP_PATH), default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("views/spillover.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return " ".join(c.value for c in at.caption)


@pytest.mark.parametrize(
    ("views", "en", "zh"),
    [
        (
            (1.5, 0.7, 2.31),
            r"About \$1.50 of extra sales per 1,000 TikTok views, interval \$0.70 – \$2.31",
            "带来 1.50美元 额外销售额，区间 0.70 – 2.31美元",
        ),
        (
            (-1.5, -2.31, -0.001),
            r"About \$1.50 less in sales per 1,000 TikTok views, a drop of \$0 – \$2.31",
            "销售额减少 1.50美元，减少区间 0 – 2.31美元",
        ),
        (
            (-0.4, -1.2, 0.5),
            r"No clear change in sales per 1,000 TikTok views: about -\$0.40, interval -\$1.20 – \$0.50",
            "无明显变化：约 -0.40美元，区间 -1.20 – 0.50美元",
        ),
    ],
    ids=["extra", "drop", "unclear"],
)
def test_per_views_figure_is_shown_with_its_interval(tmp_path, monkeypatch, views, en, zh):
    home_with_figure(tmp_path, monkeypatch, views)
    text_en, text_zh = captions("en"), captions("zh")
    assert en in text_en, text_en
    assert zh in text_zh, text_zh
    assert "-0.00" not in text_en + text_zh


def test_per_views_figure_without_its_interval_is_not_shown(tmp_path, monkeypatch):
    home_with_figure(tmp_path, monkeypatch, (1.5, None, None))
    assert "per 1,000 TikTok views" not in captions("en")
