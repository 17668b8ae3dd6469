"""The app on a real build: the pages render the marts the pipeline published.

Uses the session fixture `built_warehouse` (tests/conftest.py): it runs the real pipeline into a
temporary TSW_HOME, publishes, and points TSW_HOME there for the session. Every number asserted
here is read from the published marts and formatted with the app's own formatter.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from orchestration.settings import published_path
from streamlit_app.i18n import fmt_count, fmt_value, t
from tests.app.marts_fixture import APP_PATH

TIMEOUT = 120

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def published(built_warehouse) -> dict[str, pd.DataFrame]:
    path = published_path()
    assert path.is_file(), f"built_warehouse did not publish {path}"
    with duckdb.connect(str(path), read_only=True) as con:
        return {
            name: con.execute(f"select * from marts.{name}").df()
            for name in ("mart_cited_claims", "mart_market_size", "mart_claim_checks")
        }


def run_page(page: str, lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(APP_PATH), default_timeout=TIMEOUT)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page(f"views/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    notices = [n.value for n in [*at.info, *at.warning]]
    # The data notices (no build, missing mart, refreshing) all name a remedy; none may show here.
    assert not [n for n in notices if "tsw build" in n or n == t("data.refreshing", lang)], notices
    return at


def cells(at: AppTest) -> set[str]:
    return {str(v) for frame in at.dataframe for v in frame.value.to_numpy().ravel()}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_market_shows_every_figure_of_the_mart(published, lang):
    figures = published["mart_market_size"]
    assert len(figures) > 0
    at = run_page("market", lang)
    # The page opens on the US figures its title promises; emptying the geography filter shows them all.
    us = figures[figures["geography"] == "US"]
    assert {m.label: m.value for m in at.metric}[t("market.kpi.figures", lang)] == fmt_count(len(us), lang)
    at.multiselect(key=f"market_filter_geography.{lang}").set_value([]).run()
    shown = cells(at)
    missing = [
        (row.market_figure_id, fmt_value(row.value, row.normalized_unit, lang))
        for row in figures.itertuples()
        if fmt_value(row.value, row.normalized_unit, lang) not in shown
    ]
    assert missing == []
    kpis = {m.label: m.value for m in at.metric}
    assert kpis[t("market.kpi.figures", lang)] == fmt_count(len(figures), lang)
    assert kpis[t("market.kpi.conflicts", lang)] == fmt_count(int(figures["has_conflict"].sum()), lang)


def checks_table(at: AppTest) -> pd.DataFrame | None:
    return next((f.value for f in at.dataframe if t("col.check_id", "en") in f.value.columns), None)


def test_market_checks_match_the_mart(published):
    checks = published["mart_claim_checks"]
    conflicts = int((checks["status"] == "conflict").sum())
    at = run_page("market")
    table = checks_table(at)
    if checks.empty:
        assert table is None and any(c.value == t("data.empty", "en") for c in at.caption)
    else:
        assert sorted(table[t("col.check_id", "en")]) == sorted(checks["check_id"])
    at.toggle(key="market_only_conflicts").set_value(True).run()
    table = checks_table(at)
    assert (0 if table is None else len(table)) == conflicts
    status_metrics = {m.label: m.value for m in at.metric}
    assert status_metrics[f"🔴 {t('status.conflict', 'en')}"] == fmt_count(conflicts, "en")


def test_traceability_of_the_best_supported_figure(published):
    figures = published["mart_market_size"]
    claims = published["mart_cited_claims"].set_index("claim_id")
    figure = figures.sort_values(["n_claims", "market_figure_id"], ascending=[False, True]).iloc[0]
    at = run_page("market")
    at.multiselect(key="market_filter_geography.en").set_value([]).run()  # every geography, not only US
    at.selectbox(key="market_trace_figure.en").set_value(figure["market_figure_id"]).run()
    trace = next(f.value for f in at.dataframe if t("col.value_as_written", "en") in f.value.columns)
    ids = [i.strip() for i in figure["claim_ids"].split(",") if i.strip()]
    assert sorted(trace[t("col.claim_id", "en")]) == sorted(ids)
    assert sorted(trace[t("col.value_as_written", "en")]) == sorted(claims.loc[ids, "value_as_written"])
    value_metric = {m.label: m.value for m in at.metric}[t("market.trace.value", "en")]
    assert value_metric == fmt_value(figure["value"], figure["normalized_unit"], "en")


def test_sources_lists_every_cited_claim(published):
    claims = published["mart_cited_claims"]
    at = run_page("sources")
    table = next(f.value for f in at.dataframe if t("col.value_as_written", "en") in f.value.columns)
    assert sorted(table[t("col.claim_id", "en")]) == sorted(claims["claim_id"])
    n = fmt_count(len(claims), "en")
    assert any(c.value == t("sources.count", "en", shown=n, total=n) for c in at.caption)
    # A search by attribution finds exactly the claims attributed to it.
    source = claims["attributed_to"].value_counts().index[0]
    at.text_input(key="sources_search").input(source).run()
    table = next(f.value for f in at.dataframe if t("col.value_as_written", "en") in f.value.columns)
    assert set(claims.loc[claims["attributed_to"] == source, "claim_id"]) <= set(
        table[t("col.claim_id", "en")]
    )
