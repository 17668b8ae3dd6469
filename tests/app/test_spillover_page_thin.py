"""The Spillover page for a seller with a week of exports, or with none: no error, and the reason there is
no figure stands where the figure would be, in the reader's language."""

from __future__ import annotations

import pytest

from tests.app.spillover_home import publish_thin_home, run_page


@pytest.fixture(params=[0, 7], ids=["no_exports", "seven_days"])
def thin_home(request, tmp_path, monkeypatch):
    publish_thin_home(tmp_path, monkeypatch, request.param)
    return request.param


@pytest.mark.slow  # renders the app's pages (Streamlit AppTest): 6.4 s in a loaded unit lane
def test_the_page_shows_why_there_is_no_figure_in_both_languages(thin_home):
    days = thin_home
    en, zh = run_page("en"), run_page("zh")
    notice_en = " ".join(i.value for i in en.info)
    notice_zh = " ".join(i.value for i in zh.info)
    if days == 0:
        assert "No TikTok Shop sales" in notice_en
        assert "还没有 TikTok Shop 销售" in notice_zh
    else:
        assert "7 days of TikTok Shop sales; the estimate needs at least 90" in notice_en
        assert "只有 7 天" in notice_zh
    # No figure is made up: no KPI shows a dollar amount for the modelled estimate.
    assert not [m for m in en.metric if m.label == "Modelled spillover"]
    # The table of every method says why each has no figure.
    table = en.dataframe[0].value
    assert table.iloc[:, -1].str.len().gt(20).all()
