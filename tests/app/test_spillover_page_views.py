"""The rendered Spillover page shows the per-1,000-views figure with its interval, worded like the headline: a
significant negative reads as a drop (no minus sign, no "$-0.00"), and a figure whose interval is missing is
not shown at all. Fast: the 7-day thin home, with the Amazon regression row given a figure."""

from __future__ import annotations

import pytest

from tests.app.spillover_home import publish_thin_home, run_page


def home_with_figure(tmp_path, monkeypatch, views: tuple) -> None:
    publish_thin_home(
        tmp_path, monkeypatch, 7,
        "update marts.mart_spillover_estimates set status = 'ok', estimate = ?, ci_low = ?, ci_high = ?, "
        "estimate_per_1000_views = ?, ci_low_per_1000_views = ?, ci_high_per_1000_views = ?, "
        "sufficiency_verdict = 'sufficient', confounding_warning = false, explanation = 'x', "
        "explanation_zh = 'x' where product_group = 'all' and target_channel = 'amazon' "
        "and method = 'regression_dl'",
        [*(None if v is None else v / 10 for v in views), *views])


def captions(lang: str) -> str:
    return " ".join(c.value for c in run_page(lang).caption)


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
