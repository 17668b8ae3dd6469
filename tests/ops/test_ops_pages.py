"""Overview, Data quality and SQL pages as a reader sees them (Streamlit AppTest), on a small home:
the test app's marts, a raw layer with a load log, quarantined rows and sources of known age, and a
Dagster instance holding two publishes, and the check results a build wrote (one failing, one warning)."""

from __future__ import annotations

import datetime as dt
import shutil
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from orchestration import settings
from orchestration.lib import check_results
from streamlit_app.i18n import fmt_count, t
from tests.app.marts_fixture import FIGURES, render_page, write_small_warehouse

# Not unit tests: each renders pages (Streamlit AppTest) on a home with a Dagster instance written per test:
# 3-14 s each with its setup, 115 s for the file in a loaded unit lane (load 5-6). They run in make test.
pytestmark = pytest.mark.slow

TIMEOUT = 90
NOW = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
RECENT = "after the previous publish"  # resolved when the home is written
# file, kind, status, loaded_at, rows_read, rows_loaded, rows_quarantined, rule, message
LOAD_LOG = [
    ("All order-2025-10-01.csv", "tiktok_orders", "loaded", NOW - dt.timedelta(days=3), 120, 118, 2, None,
     "118 rows loaded, 2 quarantined"),
    ("orders_export_1.csv", "shopify_orders", "loaded", NOW - dt.timedelta(days=3), 40, 40, 0, None, "40 rows loaded"),
    ("All order-2025-11-01.csv", "tiktok_orders", "loaded", RECENT, 75, 74, 1, None,
     "74 rows loaded, 1 quarantined"),
    ("broken.csv", None, "quarantined_file", RECENT, 0, 0, 0, "recognised export",
     "broken.csv: headers match no known export"),
]
QUARANTINED = [
    ("All order-2025-10-01.csv", "tiktok_orders", 17, "money parses", "row 17: 'Order Amount' value '12,3,4' is not money"),
    ("All order-2025-10-01.csv", "tiktok_orders", 58, "order id present", "row 58: 'Order ID' is empty"),
    ("All order-2025-11-01.csv", "tiktok_orders", 9, "money parses", "row 9: 'Order Amount' value 'abc' is not money"),
]
TIKTOK_ROWS = 118 + 74


def write_home(home: Path) -> None:
    shutil.copyfile(settings.REPO_ROOT / "dagster.yaml", (home / "dagster").mkdir() or home / "dagster" / "dagster.yaml")
    instance = dg.DagsterInstance.from_config(str(home / "dagster"))
    # The previous build was published before the November file arrived; the latest one after.
    instance.report_runless_asset_event(dg.AssetMaterialization(asset_key="published_snapshot"))
    recent = dt.datetime.now(dt.UTC).replace(tzinfo=None) + dt.timedelta(seconds=1)
    published = home / "published.duckdb"
    write_small_warehouse(published)
    with duckdb.connect(str(published)) as conn:
        conn.execute("create schema if not exists raw")
        conn.execute("""create table raw._load_log (batch_id varchar, file_name varchar, kind varchar,
            sha256 varchar, loaded_at timestamptz, status varchar, rows_read bigint, rows_loaded bigint,
            rows_quarantined bigint, message varchar, rule varchar, period_start date, period_end date,
            exported_at timestamp, encoding varchar, stored_as varchar)""")
        for i, (name, kind, status, when, read, loaded, quarantined, rule, message) in enumerate(LOAD_LOG):
            conn.execute("insert into raw._load_log values (?, ?, ?, ?, ?::timestamp at time zone 'UTC', ?, ?, ?, ?, "
                         "?, ?, '2025-10-01', '2025-10-31', null, 'utf-8', null)",
                         [f"b{i}", name, kind, f"{i:064d}", recent if when == RECENT else when, status, read, loaded, quarantined, message, rule])
        conn.execute("""create table raw._quarantined_rows (batch_id varchar, file_name varchar, kind varchar,
            row_number bigint, rule varchar, reason varchar, original_values json, quarantined_at timestamptz)""")
        for name, kind, row, rule, reason in QUARANTINED:
            conn.execute("insert into raw._quarantined_rows values ('b0', ?, ?, ?, ?, ?, '{\"Order ID\": \"x\"}', "
                         "now())", [name, kind, row, rule, reason])
        # A seller export loaded half an hour ago (fresh) and a reference table three days ago (stale).
        conn.execute("create table raw.tiktok_orders as select i as order_line, "
                     "?::timestamp at time zone 'UTC' as _loaded_at, 'b2' as _batch_id from range(?) t(i)",
                     [NOW - dt.timedelta(minutes=30), TIKTOK_ROWS])
        conn.execute("create table raw.fx_rates as select 2024 as year, 7.1 as cny_per_usd, "
                     "'seeds/reference/fx_rates.csv' as _source_file, ?::timestamp as _loaded_at",
                     [NOW - dt.timedelta(days=3)])
        conn.execute("comment on column marts.mart_market_size.value is 'Median of the cited values, in USD.'")

    with instance:
        while dt.datetime.now(dt.UTC).replace(tzinfo=None) <= recent:
            time.sleep(0.1)
        instance.report_runless_asset_event(dg.AssetMaterialization(asset_key="published_snapshot"))
    # The check results the build writes (orchestration/lib/check_results.py): one failing, one passing (its
    # severity ERROR, which a passing check must never read as), one warning.
    check_results.write(home, results=[
        check_results.CheckResult("marts/mart_market_size", "unique_market_figure_id", "failed", False, "ERROR",
                                  NOW, "r1", "2 duplicate market_figure_id values", '{"failed_row_count": 2}'),
        check_results.CheckResult("raw/cited_metrics", "gx_cited_metrics", "passed", True, "ERROR", NOW, "r1",
                                  "", '{"rows_checked": 118, "failures": "none"}'),
        check_results.CheckResult("raw/tiktok_orders", "gx_export_gate", "warning", False, "WARN", NOW, "r1",
                                  "", '{"files_checked": 3, "files_refused": 1}'),
    ])


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("TSW_HOME", str(home))
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    write_home(home)
    return home


def open_page(page: str, lang: str = "en") -> AppTest:
    return render_page(page, lang, TIMEOUT)


def cells(at: AppTest) -> list[str]:
    return [str(v) for frame in at.dataframe for v in frame.value.to_numpy().ravel()]


def frame_with(at: AppTest, column: str):
    for frame in at.dataframe:
        if column in frame.value.columns:
            return frame.value
    raise AssertionError(f"no table with column {column!r}: {[list(f.value.columns) for f in at.dataframe]}")


def test_overview_shows_headline_numbers_freshness_and_what_changed(home):
    at = open_page("overview")
    assert at.title[0].value == t("overview.title", "en")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("overview.kpi.figures", "en")] == fmt_count(len(FIGURES), "en")
    assert metrics[t("overview.kpi.files", "en")] == "3"
    assert metrics[t("overview.kpi.rows", "en")] == fmt_count(118 + 40 + 74, "en")
    assert metrics[t("overview.kpi.checks_failing", "en")] == "1"

    fresh = frame_with(at, t("overview.col.source", "en")).set_index(t("overview.col.source", "en"))
    status = fresh[t("overview.col.status", "en")]
    # Loaded half an hour ago, but its newest day (2025-10-31) is long past: old data, not fresh.
    assert t("overview.status.old_data", "en") in status["tiktok_orders"]
    assert t("overview.status.stale", "en") in status["fx_rates"]
    assert fresh.loc["tiktok_orders", t("overview.col.rows", "en")] == fmt_count(TIKTOK_ROWS, "en")

    # Only what arrived after the previous publish counts as changed: the November file and the broken one.
    changes = frame_with(at, t("overview.col.files_quarantined", "en"))
    by_kind = changes.set_index(t("overview.col.source", "en"))
    assert by_kind.loc["tiktok_orders", t("overview.changes.rows_loaded", "en")] == "74"
    assert "shopify_orders" not in by_kind.index
    assert by_kind.loc[t("overview.changes.unknown_kind", "en"), t("overview.col.files_quarantined", "en")] == "1"
    assert len(at.get("plotly_chart")) == 1
    assert len(at.get("download_button")) == 2 * len(at.dataframe)  # CSV and Excel under every table


def test_data_quality_shows_accounting_quarantine_and_check_results(home):
    at = open_page("data_quality")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("quality.kpi.files_quarantined", "en")] == "1"
    assert metrics[t("quality.kpi.rows_quarantined", "en")] == "3"
    assert metrics[t("quality.kpi.checks_failing", "en")] == "1"
    assert metrics[t("quality.kpi.checks_passing", "en")] == "1"

    log = frame_with(at, t("quality.col.rows_read", "en"))
    assert len(log) == len(LOAD_LOG)
    assert set(log[t("quality.col.adds_up", "en")]) == {"✓", "—"}

    checks = frame_with(at, t("quality.col.check", "en"))
    check_id = t("quality.col.check_id", "en")  # the check's own name beside the words a seller reads
    failing = checks[checks[check_id] == "unique_market_figure_id"]
    assert t("quality.check.failed", "en") in failing[t("quality.col.result", "en")].iloc[0]
    assert "2 duplicate" in failing[t("quality.col.detail", "en")].iloc[0]
    passing = checks[checks[check_id] == "gx_cited_metrics"].iloc[0]
    assert t("quality.check.passed", "en") in passing[t("quality.col.result", "en")]
    assert passing[t("quality.col.severity", "en")] == "—"  # a passing check never reads "error"
    assert passing[t("quality.col.detail", "en")] == t("quality.fact.rows_checked", "en", n="118")
    warning = checks[checks[check_id] == "gx_export_gate"].iloc[0]
    assert t("quality.check.warning", "en") in warning[t("quality.col.result", "en")]

    reasons = frame_with(at, t("quality.col.row_number", "en"))
    assert sorted(reasons[t("quality.col.row_number", "en")]) == [9, 17, 58]
    assert "row 58: 'Order ID' is empty" in cells(at)
    assert "broken.csv: headers match no known export" in cells(at)

    # Narrow to one file.
    at.selectbox(key="quarantine_file").set_value("All order-2025-11-01.csv").run()
    reasons = frame_with(at, t("quality.col.row_number", "en"))
    assert list(reasons[t("quality.col.row_number", "en")]) == [9]
    # Only failing checks.
    at.toggle(key="checks_only_failing").set_value(True).run()
    checks = frame_with(at, t("quality.col.check", "en"))
    assert list(checks[check_id]) == ["unique_market_figure_id", "gx_export_gate"]
    # and the words beside each id are not the id
    assert not set(checks[t("quality.col.check", "en")]) & {"unique_market_figure_id", "gx_export_gate"}
    assert len(at.get("download_button")) == 2 * len(at.dataframe)  # CSV and Excel under every table
    assert len(at.get("plotly_chart")) == 1


def test_overview_data_quality_and_tsw_status_count_the_same_checks(home):
    """One table, three readers: the same failing / warning / passing counts, and no Dagster import on the way."""
    import subprocess
    import sys

    overview = {m.label: m.value for m in open_page("overview").metric}
    quality = {m.label: m.value for m in open_page("data_quality").metric}
    probe = ("import sys\nfrom orchestration.status import collect_status\ns = collect_status()\n"
             "print(s.passing_checks, len(s.warning_checks), len(s.failing_checks), s.unknown_checks, "
             "'dagster' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["1", "1", "1", "0", "False"]
    assert overview[t("overview.kpi.checks_failing", "en")] == quality[t("quality.kpi.checks_failing", "en")] == "1"
    assert quality[t("quality.kpi.checks_passing", "en")] == "1"
    assert t("quality.kpi.warnings", "en", n="1") in str([m.delta for m in open_page("data_quality").metric])


def run_sql(at: AppTest, query: str) -> AppTest:
    at.text_area(key="sql_query").set_value(query)
    at.button[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_sql_page_runs_selects_and_shows_the_schema_with_descriptions(home):
    at = open_page("sql")
    run_sql(at, "select count(*) as n from marts.mart_market_size")
    result = frame_with(at, "n")
    assert result["n"].tolist() == [len(FIGURES)]
    assert not at.error
    # The schema browser: every mart, with the persisted description of a column.
    labels = [e.label for e in at.expander]
    assert any("marts.mart_market_size" in label for label in labels)
    assert "Median of the cited values, in USD." in cells(at)


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("insert into marts.mart_market_size (market_figure_id) values ('x')", "change data"),
        ("drop table marts.mart_market_size", "drop"),
        ("copy marts.mart_market_size to '/tmp/tsw_page_leak.csv'", "files"),
        ("select * from read_csv('/etc/passwd')", "files or the network"),
        ("attach '/tmp/x.duckdb' as x", "ATTACH"),
        ("install httpfs", "extensions"),
        ("load httpfs", "extensions"),
        ("set enable_external_access = true", "settings"),
    ],
)
def test_sql_page_refuses_with_a_clear_message(home, query, words):
    at = run_sql(open_page("sql"), query)
    assert len(at.error) == 1
    message = at.error[0].value
    assert message.startswith("Refused") and words.lower() in message.lower(), message
    assert not Path("/tmp/tsw_page_leak.csv").exists()


@pytest.mark.slow  # renders every page twice: 17 s in a loaded unit lane
def test_pages_switch_to_chinese(home):
    for page, title in (("overview", "overview.title"), ("data_quality", "quality.title"), ("sql", "sql.title")):
        at = open_page(page, "zh")
        assert at.title[0].value == t(title, "zh")
        assert t(f"page.{page}", "zh") != t(f"page.{page}", "en")
        if page == "data_quality":  # what the checks found reads in Chinese too
            details = set(frame_with(at, t("quality.col.detail", "zh"))[t("quality.col.detail", "zh")])
            assert {t("quality.fact.files_checked", "zh", n="3") + "；" + t("quality.fact.files_refused", "zh", n="1"),
                    t("quality.fact.rows_checked", "zh", n="118")} <= details


def test_pages_without_a_build_say_so(tmp_path, monkeypatch):
    monkeypatch.setenv("TSW_HOME", str(tmp_path / "empty"))
    for page in ("overview", "data_quality", "sql"):
        at = open_page(page)
        assert [i.value for i in at.info] == [t("data.no_build", "en")], page


def test_a_result_recorded_after_the_table_makes_it_stale_and_the_sensor_rewrites_it(home):
    from orchestration.defs.automation.sensors import check_results_sensor

    assert not check_results.is_stale(home)
    instance = dg.DagsterInstance.from_config(str(home / "dagster"))
    with instance:
        instance.report_runless_asset_event(dg.AssetCheckEvaluation(
            asset_key=dg.AssetKey(["raw", "cited_metrics"]), check_name="gx_cited_metrics", passed=False))
        assert check_results.is_stale(home)
        with dg.build_sensor_context(instance=instance) as context:
            result = check_results_sensor.evaluate_tick(context)
    assert "rewritten" in result.skip_message and not check_results.is_stale(home)
