"""The app as a reader sees it (Streamlit AppTest), on a small published snapshot.

Covers the frame (navigation, language switch, friendly notices) and what the Market and
Sources pages show: numbers formatted from the mart, charts with title/unit/source line,
a CSV download under every table, the conflicts toggle, traceability and search.
"""

from __future__ import annotations

import base64
import json

import numpy as np
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from streamlit_app.i18n import fmt_count, fmt_money, fmt_percent, t
from tests.app.marts_fixture import APP_PATH, CHECKS, CLAIMS, FIGURES

TIMEOUT = 60  # seconds; generous because the test machine's two cores are shared


def start(lang: str | None = None) -> AppTest:
    at = AppTest.from_file(str(APP_PATH), default_timeout=TIMEOUT)
    if lang:
        at.query_params["lang"] = lang
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def go(at: AppTest, page: str) -> AppTest:
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def texts(at: AppTest) -> list[str]:
    """Every string a reader can see: headings, text, notices, metrics and table cells."""
    out: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error"):
        out += [str(el.value) for el in getattr(at, kind)]
    for metric in at.metric:
        out += [metric.label, str(metric.value)]
    for frame in at.dataframe:
        df = frame.value
        out += [str(c) for c in df.columns]
        out += [str(v) for v in df.to_numpy().ravel()]
    return out


def cells(at: AppTest) -> set[str]:
    return {str(v) for frame in at.dataframe for v in frame.value.to_numpy().ravel()}


def numbers(plotly_array) -> list[float]:
    """Plotly 6+ ships numeric arrays as base64 typed arrays; decode them for assertions."""
    if isinstance(plotly_array, dict) and "bdata" in plotly_array:
        return np.frombuffer(base64.b64decode(plotly_array["bdata"]), dtype=plotly_array["dtype"]).tolist()
    return list(plotly_array)


def charts(at: AppTest) -> list[dict]:
    return [json.loads(el.proto.spec) for el in at.get("plotly_chart")]


# --- frame -----------------------------------------------------------------------------------


def test_every_page_is_registered_once_with_titles_in_both_languages():
    from streamlit_app.app import PAGES, PAGES_DIR

    names = [p.name for p in PAGES]
    assert names[:2] == ["market", "sources"] and len(set(names)) == len(names)
    assert sum(p.default for p in PAGES) == 1
    for page in PAGES:
        assert (PAGES_DIR / f"{page.name}.py").is_file()
        assert t(f"page.{page.name}", "zh") != t(f"page.{page.name}", "en")


def test_no_legacy_pages_folder_beside_the_entry_script():
    # A folder named pages/ here makes Streamlit run a deep-linked page without the frame, or
    # show "Page not found", on a fresh server (see app.py). Page scripts belong in views/.
    assert not (APP_PATH.parent / "pages").exists(), "move page scripts to streamlit_app/views/"


@pytest.mark.slow  # renders the app's pages (Streamlit AppTest): 3.4 s in a loaded unit lane
@pytest.mark.parametrize("page", ["market", "sources"])
def test_no_build_yet_shows_a_plain_notice(tsw_home, page):
    at = go(start(), page)
    assert [i.value for i in at.info] == [t("data.no_build", "en")]
    assert "tsw build" in at.info[0].value
    assert not at.dataframe


@pytest.mark.slow  # renders the app's pages (Streamlit AppTest): 1.6 s in a loaded unit lane
def test_no_build_notice_is_translated(tsw_home):
    at = go(start("zh"), "sources")
    assert [i.value for i in at.info] == [t("data.no_build", "zh")]
    assert "尚未发布" in at.info[0].value


@pytest.mark.slow  # renders the app's pages (Streamlit AppTest): 1.0 s in a loaded unit lane
def test_missing_mart_names_the_table(tsw_home):
    import duckdb

    con = duckdb.connect(str(tsw_home / "published.duckdb"))
    con.execute("create schema marts")
    con.close()
    at = start()
    assert any("marts.mart_market_size" in w.value for w in at.warning)


@pytest.mark.slow  # renders the app's pages (Streamlit AppTest): 1.9 s in a loaded unit lane
def test_language_switch_changes_labels_on_every_page(small_published):
    at = start()
    assert at.title[0].value == t("market.title", "en")
    assert at.sidebar.radio(key="lang").value == "en"

    at.sidebar.radio(key="lang").set_value("zh").run()
    assert not at.exception
    assert at.title[0].value == "引用文章中的美国市场数据"
    assert at.multiselect(key="market_filter_subject.zh").label == "对象"
    assert at.query_params["lang"] == "zh"  # shareable URL keeps the choice

    go(at, "sources")
    assert at.title[0].value == t("sources.title", "zh")
    assert at.text_input(key="sources_search").label == "搜索"
    assert at.sidebar.radio(key="lang").value == "zh"

    at.sidebar.radio(key="lang").set_value("en").run()
    assert at.title[0].value == t("sources.title", "en")


@pytest.mark.slow  # renders the app's pages (Streamlit AppTest): 2.4 s in a loaded unit lane
def test_lang_query_parameter_opens_in_chinese(small_published):
    at = start("zh")
    assert at.session_state["lang"] == "zh"
    assert at.title[0].value == t("market.title", "zh")
    figures_table = at.dataframe[0].value
    assert "对象" in figures_table.columns and "Subject" not in figures_table.columns


# --- Market page -----------------------------------------------------------------------------


@pytest.mark.slow  # renders the app's pages (Streamlit AppTest): 1.2 s in a loaded unit lane
def test_market_shows_the_mart_figures_formatted(small_published):
    at = start()
    shown = cells(at)
    for figure in FIGURES:
        if figure[6] == "USD":
            assert fmt_money(figure[7], "en") in shown, figure[0]
    assert "17.0%" in shown  # share_of_market 0.17
    assert fmt_count(170e6, "en") in shown  # TikTok users
    # Headline counts come from the mart too: 6 figures, 1 with conflicting claims.
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("market.kpi.figures", "en")] == str(len(FIGURES))
    assert metrics[t("market.kpi.conflicts", "en")] == "1"


@pytest.mark.slow  # renders the app's pages (Streamlit AppTest): 2.1 s in a loaded unit lane
def test_market_in_chinese_uses_chinese_number_words(small_published):
    at = start("zh")
    assert "860.1亿美元" in cells(at)  # US social commerce 2025 median 86.01e9


@pytest.mark.slow  # renders the app's pages (Streamlit AppTest): 1.9 s in a loaded unit lane
def test_every_chart_has_title_unit_and_source_line(small_published):
    at = start()
    specs = charts(at)
    assert len(specs) == 2  # market sizes, shares (the fixture has no growth figure)
    titles = [s["layout"]["title"]["text"] for s in specs]
    assert titles == [t("market.sizes.chart", "en"), t("market.shares.chart", "en")]
    assert [s["layout"]["xaxis"]["title"]["text"] for s in specs] == ["USD, billions", "Percent (%)"]
    source_lines = [c.value for c in at.caption if c.value.startswith("Source: cited claims")]
    assert len(source_lines) == 2
    assert "c002_004" in source_lines[0] and "c003_011" in source_lines[0]
    assert source_lines[1] == "Source: cited claims c002_007 — see Sources"


@pytest.mark.slow  # renders the app's pages (Streamlit AppTest): 3.1 s in a loaded unit lane
def test_market_size_chart_carries_low_high_ranges(small_published):
    at = start()
    sizes = charts(at)[0]
    social = next(tr for tr in sizes["data"] if tr["name"] == "US social commerce")
    assert social["y"] == ["US social commerce · US · GMV · 2025"]
    assert numbers(social["x"]) == [pytest.approx(86.01)]
    assert numbers(social["error_x"]["array"]) == [pytest.approx(87.02 - 86.01)]
    assert numbers(social["error_x"]["arrayminus"]) == [pytest.approx(86.01 - 85.0)]
    # Forecasts are drawn as open dots, reported figures as filled ones.
    tiktok = next(tr for tr in sizes["data"] if tr["name"] == "TikTok Shop")
    assert dict(zip(tiktok["y"], tiktok["marker"]["symbol"])) == {
        "TikTok Shop · US · GMV · 2024": "circle",
        "TikTok Shop · US · GMV · 2025": "circle-open",
    }


@pytest.mark.slow  # renders the app's pages (Streamlit AppTest): 1.9 s in a loaded unit lane
def test_every_table_has_a_csv_and_an_excel_download(small_published):
    at = start()
    assert len(at.dataframe) >= 4
    labels = [b.label for b in at.get("download_button")]
    assert labels.count("Download CSV") == len(at.dataframe)
    assert labels.count("Download Excel") == len(at.dataframe)
    assert len(labels) == 2 * len(at.dataframe)


@pytest.mark.slow  # renders the app's pages (Streamlit AppTest): 2.7 s in a loaded unit lane
def test_only_conflicts_toggle(small_published):
    at = start()
    checks_table = next(f.value for f in at.dataframe if "Check" in f.value.columns)
    assert sorted(checks_table["Check"]) == sorted(c[0] for c in CHECKS)
    at.toggle(key="market_only_conflicts").set_value(True).run()
    checks_table = next(f.value for f in at.dataframe if "Check" in f.value.columns)
    assert list(checks_table["Check"]) == ["k002"]
    assert checks_table["Status"].str.contains("conflict").all()
    # The stated and recomputed values are shown in the figure's unit.
    assert checks_table["Stated"].iloc[0] == "$700.0B (c004_005)"
    assert checks_table["Recomputed"].iloc[0] == "$710.0B"


@pytest.mark.slow  # renders the app's pages (Streamlit AppTest): 2.0 s in a loaded unit lane
def test_filters_narrow_the_figures(small_published):
    at = start()
    at.multiselect(key="market_filter_subject.en").set_value(["TikTok Shop"]).run()
    figures_tables = [f.value for f in at.dataframe if "Figure" in f.value.columns]
    subjects = set(pd.concat(figures_tables)["Subject"])
    assert subjects == {"TikTok Shop"}
    assert {m.label: m.value for m in at.metric}[t("market.kpi.figures", "en")] == "3"


@pytest.mark.slow  # renders the app's pages (Streamlit AppTest): 2.3 s in a loaded unit lane
def test_traceability_lists_the_claims_behind_a_figure(small_published):
    at = start()
    at.selectbox(key="market_trace_figure.en").set_value("us_social_commerce__us__2025__gmv").run()
    trace = next(f.value for f in at.dataframe if "Value as written" in f.value.columns)
    assert list(trace["Claim"]) == ["c002_004", "c003_011"]
    assert list(trace["Value as written"]) == ["870.2亿美元", "约850亿美元"]
    assert list(trace["Normalized value"]) == ["$87.0B", "$85.0B"]
    assert set(trace["Attributed to"]) == {"EMARKETER", "article (unattributed)"}
    assert set(trace["Outlet"]) == {"AMZ123", "TK观察"}
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("market.trace.value", "en")] == "$86.0B"
    assert metrics[t("market.trace.range", "en")] == "$85.0B – $87.0B"


@pytest.mark.slow  # renders the app's pages (Streamlit AppTest): 3.9 s in a loaded unit lane
def test_a_choice_survives_the_language_switch_and_is_relabelled(small_published):
    # Choice widgets are keyed per language (Streamlit keeps a stale label otherwise); the reader's
    # choice must carry over.
    at = start()
    at.multiselect(key="market_filter_metric.en").set_value(["gmv"]).run()
    at.selectbox(key="market_trace_figure.en").set_value("amazon__us__2023__gmv").run()
    at.sidebar.radio(key="lang").set_value("zh").run()
    assert not at.exception
    assert at.multiselect(key="market_filter_metric.zh").value == ["gmv"]
    assert at.multiselect(key="market_filter_metric.zh").format_func("gmv") == t("metric.gmv", "zh")
    assert at.selectbox(key="market_trace_figure.zh").value == "amazon__us__2023__gmv"


@pytest.mark.slow  # renders the app's pages (Streamlit AppTest): 3.1 s in a loaded unit lane
def test_a_conflicting_figure_is_flagged(small_published):
    at = start()
    at.selectbox(key="market_trace_figure.en").set_value("amazon__us__2023__gmv").run()
    assert any(w.value == t("market.trace.conflict", "en") for w in at.warning)


# --- Sources page ----------------------------------------------------------------------------


@pytest.mark.slow  # renders the app's pages (Streamlit AppTest): 2.0 s in a loaded unit lane
def test_sources_lists_every_claim(small_published):
    at = go(start(), "sources")
    claims_table = next(f.value for f in at.dataframe if "Value as written" in f.value.columns)
    assert sorted(claims_table["Claim"]) == sorted(c[0] for c in CLAIMS)
    assert f"{len(CLAIMS)} of {len(CLAIMS)} claims" in texts(at)
    assert len(at.get("download_button")) == 2 * len(at.dataframe)  # CSV and Excel under every table


@pytest.mark.slow  # renders the app's pages (Streamlit AppTest): 11.7 s in a loaded unit lane
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("EMARKETER", {"c002_004", "c002_007", "c002_008"}),
        ("marketplace pulse 2023", {"c004_005", "c004_006", "c004_007"}),
        ("亿美元 TikTok Shop", {"c002_008", "c004_002"}),
        ("share", {"c002_007"}),  # metric label search
        ("no such thing", set()),
    ],
)
def test_sources_search(small_published, query, expected):
    at = go(start(), "sources")
    at.text_input(key="sources_search").input(query).run()
    claims_table = (
        next(f.value for f in at.dataframe if "Value as written" in f.value.columns) if expected else None
    )
    if expected:
        assert set(claims_table["Claim"]) == expected
    else:
        assert t("data.empty", "en") in texts(at)
    assert f"{len(expected)} of {len(CLAIMS)} claims" in texts(at)


@pytest.mark.slow  # renders the app's pages (Streamlit AppTest): 2.1 s in a loaded unit lane
def test_sources_in_chinese(small_published):
    at = go(start("zh"), "sources")
    claims_table = next(f.value for f in at.dataframe if "原文数值" in f.value.columns)
    assert "870.2亿美元" in set(claims_table["原文数值"])
    assert fmt_percent(0.17, "zh") in set(claims_table["标准化数值"])
