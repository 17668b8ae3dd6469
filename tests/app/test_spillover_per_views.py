"""The Spillover page's per-1,000-views line: the figure with its interval, or no line at all (a figure is never
shown without its interval), in both languages."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from streamlit_app.spillover_figures import per_views_caption


def _row(point, low, high) -> pd.Series:
    return pd.Series(
        {"estimate_per_1000_views": point, "ci_low_per_1000_views": low, "ci_high_per_1000_views": high}
    )


def test_the_figure_reads_with_its_interval():
    line = per_views_caption(_row(1.234, 0.51, 2.049), "en")
    assert "$1.23" in line and "$0.51 – $2.05" in line and "1,000 TikTok views" in line


def test_in_chinese_the_interval_is_there_too():
    line = per_views_caption(_row(1.234, 0.51, 2.049), "zh")
    assert "1,000 次 TikTok 观看" in line and "区间" in line and "0.51" in line and "2.05" in line


@pytest.mark.parametrize(
    "missing", ["estimate_per_1000_views", "ci_low_per_1000_views", "ci_high_per_1000_views"]
)
def test_no_line_without_the_figure_or_its_range(missing):
    row = _row(1.2, 0.5, 2.0)
    row[missing] = math.nan
    assert per_views_caption(row, "en") is None
    # A snapshot published before the range existed has no such column at all.
    assert per_views_caption(row.drop(missing), "zh") is None


def test_a_significant_negative_reads_as_a_drop_without_a_minus_sign():
    en = per_views_caption(_row(-1.5, -2.31, -0.001), "en")
    assert en.startswith("About $1.50 less in sales per 1,000 TikTok views, a drop of $0 – $2.31"), en
    assert "-" not in en and "extra" not in en
    zh = per_views_caption(_row(-1.5, -2.31, -0.001), "zh")
    assert "减少 1.50美元" in zh and "-" not in zh, zh


def test_a_negative_point_whose_interval_spans_zero_reads_as_no_clear_change():
    en = per_views_caption(_row(-0.4, -1.2, 0.5), "en")
    assert en.startswith(
        "No clear change in sales per 1,000 TikTok views: about -$0.40, interval -$1.20 – $0.50"
    ), en
    assert "无明显变化" in per_views_caption(_row(-0.4, -1.2, 0.5), "zh")
