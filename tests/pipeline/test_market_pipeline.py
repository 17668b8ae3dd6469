"""The market slice end to end: registry → GX → raw → dbt marts → published snapshot → tsw."""

from __future__ import annotations

import shutil

import dagster as dg
import duckdb
import pandas as pd
import pytest
from click.testing import CliRunner

from orchestration import settings
from orchestration.cli import main as tsw
from orchestration.lib.article_registry import read_registry, validate_registry
from orchestration.quality.violations import ValidationFailed


def _query(home, sql):
    with duckdb.connect(str(home / "published.duckdb"), read_only=True) as conn:
        return conn.execute(sql).fetchall()


@pytest.mark.slow  # loads the whole code location (dbt's manifest): 10+ s
def test_definitions_load_with_assets_checks_schedule_and_sensor():
    from orchestration.definitions import defs
    from orchestration.lib.dagster_instance import project_context

    with project_context():
        definitions = defs()
        graph = definitions.resolve_asset_graph()
    keys = {k.to_user_string() for k in graph.get_all_asset_keys()}
    assert {"raw/cited_metrics", "marts/mart_market_size", "marts/mart_claim_checks", "published_snapshot"} <= keys
    checks = {k.to_user_string() for k in graph.asset_check_keys}
    # GX suites and dbt tests both appear as asset checks.
    assert "raw/cited_metrics:gx_cited_metrics" in checks
    assert any(c.startswith("marts/mart_market_size:unique_") for c in checks)
    assert definitions.resolve_schedule_def("daily_build")


def test_marts_hold_one_row_per_claim_and_per_quantity(built_warehouse):
    registry = pd.read_csv(settings.ARTICLE_SEEDS_DIR / "cited_metrics.csv", dtype=str)
    [(claims,)] = _query(built_warehouse, "select count(*) from marts.mart_cited_claims")
    assert claims == len(registry)
    [(figures,)] = _query(built_warehouse, "select count(*) from marts.mart_market_size")
    # A quantity is subject × geography × period × metric (units never differ within a metric here).
    assert figures == len(registry.drop_duplicates(["subject", "geography", "period", "metric"]))


def test_claim_checks_cover_every_kind(built_warehouse):
    kinds = {k for (k,) in _query(built_warehouse, "select distinct check_kind from marts.mart_claim_checks")}
    assert kinds == {"share_of_total", "ratio_projection", "multiple", "parts_sum", "yoy_growth", "cross_source"}


def test_share_of_us_social_commerce_recomputed_by_hand(built_warehouse):
    """k001: 18.2 % × 870.2亿美元 = 158.3764亿 against the stated 158.2亿 → +0.1115 %."""
    [(stated, recomputed, deviation, status)] = _query(
        built_warehouse,
        "select stated_value, recomputed_value, relative_deviation, status from marts.mart_claim_checks "
        "where check_id = 'k001'")
    assert recomputed == pytest.approx(0.182 * 870.2e8)
    assert stated == pytest.approx(158.2e8)
    assert deviation == pytest.approx((0.182 * 870.2e8 - 158.2e8) / 158.2e8)
    assert status == "consistent"


def test_cny_figures_are_converted_with_the_fx_table(built_warehouse):
    fx = pd.read_csv(settings.REFERENCE_SEEDS_DIR / "fx_rates.csv")
    rows = _query(built_warehouse, """
        select c.value_normalized, c.fx_rate_used, c.period_year, m.parsed_value
        from marts.mart_cited_claims c join raw.cited_metrics m using (claim_id)
        where c.unit = 'CNY' and m.parsed_value is not null""")
    assert rows, "the registry holds CNY figures"
    for value, rate, year, parsed in rows:
        year_rates = fx[(fx.currency == "CNY") & (fx.year <= year)].sort_values("year")
        expected_rate = (year_rates.iloc[-1] if len(year_rates) else fx[fx.currency == "CNY"].iloc[0]).usd_per_unit
        assert rate == pytest.approx(expected_rate)
        assert value == pytest.approx(parsed * expected_rate, rel=1e-9)


def test_tsw_sql_answers_from_the_published_build(built_warehouse):
    result = CliRunner().invoke(tsw, ["sql", "select count(*) as n from marts.mart_market_size"])
    assert result.exit_code == 0, result.output
    [(n,)] = _query(built_warehouse, "select count(*) from marts.mart_market_size")
    assert str(n) in result.output


def test_tsw_sql_refuses_writes(built_warehouse):
    result = CliRunner().invoke(tsw, ["sql", "delete from marts.mart_market_size"])
    assert result.exit_code != 0
    assert "read-only" in result.output


def test_tsw_status_lists_loaded_tables(built_warehouse):
    result = CliRunner().invoke(tsw, ["status"])
    assert result.exit_code == 0, result.output
    assert "raw.cited_metrics" in result.output
    assert "checks:" in result.output


def _bad_registry(tmp_path):
    folder = tmp_path / "articles"
    shutil.copytree(settings.ARTICLE_SEEDS_DIR, folder)
    claims = pd.read_csv(folder / "cited_metrics.csv", dtype=str, keep_default_na=False)
    claims.loc[4, "qualifier"] = "roughly"          # not in the vocabulary; data row 5
    claims.loc[9, "value_as_written"] = "很多"       # no number to read; data row 10
    claims.to_csv(folder / "cited_metrics.csv", index=False)
    return folder


@pytest.mark.slow  # runs the market pipeline's Dagster assets: 4.9 s in a loaded unit lane
def test_bad_registry_rows_are_named_in_the_error(tmp_path):
    folder = _bad_registry(tmp_path)
    with pytest.raises(ValidationFailed) as failure:
        validate_registry(read_registry(folder), folder)
    message = str(failure.value)
    assert "cited_metrics.csv: row 5: rule 'expect_column_values_to_be_in_set(column=qualifier" in message
    assert "'roughly'" in message
    assert "cited_metrics.csv: row 10: rule 'expect_column_values_to_be_null(column=parse_error)'" in message


def test_bad_registry_fails_the_asset_and_keeps_previous_data(built_warehouse, tmp_path, monkeypatch):
    from orchestration.defs.ingest.articles import article_registry
    from orchestration.defs.resources import WarehouseResource

    work = tmp_path / "home"
    shutil.copytree(built_warehouse, work, ignore=shutil.ignore_patterns("dagster", "inbox", "archive"))
    monkeypatch.setenv("TSW_HOME", str(work))
    before = duckdb.connect(str(work / "warehouse.duckdb"), read_only=True)
    expected = before.execute("select * from raw.cited_metrics order by claim_id").df()
    before.close()

    monkeypatch.setattr(settings, "ARTICLE_SEEDS_DIR", _bad_registry(tmp_path))
    from orchestration.lib.dagster_instance import project_context

    with project_context():
        result = dg.materialize([article_registry], resources={"warehouse": WarehouseResource()}, raise_on_error=False)
    assert not result.success
    failure = next(e for e in result.all_events if e.is_step_failure)
    assert "row 5" in failure.step_failure_data.error.message or "row 5" in str(failure.step_failure_data)

    with duckdb.connect(str(work / "warehouse.duckdb"), read_only=True) as conn:
        after = conn.execute("select * from raw.cited_metrics order by claim_id").df()
    pd.testing.assert_frame_equal(expected, after)
