"""The build's DuckDB budget: dbt and the publish are held to TSW_DUCKDB_MEMORY_LIMIT (default 4GB), not DuckDB's
80 % of the machine (11.8 GB for dbt at 1M order lines, benchmarks/RESULTS.md)."""

from __future__ import annotations

from pathlib import Path

import yaml

from orchestration import settings

PROFILE = Path(__file__).resolve().parents[2] / "dbt_project" / "profiles.yml"


def test_dbt_gets_the_budget_the_seller_set_or_the_default(monkeypatch, tmp_path):
    monkeypatch.setenv("TSW_HOME", str(tmp_path))
    monkeypatch.delenv("TSW_DUCKDB_MEMORY_LIMIT", raising=False)
    assert settings.subprocess_env()["TSW_DUCKDB_MEMORY_LIMIT"] == settings.DEFAULT_DUCKDB_MEMORY_LIMIT == "4GB"
    monkeypatch.setenv("TSW_DUCKDB_MEMORY_LIMIT", "12GB")
    assert settings.subprocess_env()["TSW_DUCKDB_MEMORY_LIMIT"] == "12GB"
    monkeypatch.setenv("TSW_DUCKDB_MEMORY_LIMIT", "12 gigs")  # a typo never stops a build: the default holds
    assert settings.subprocess_env()["TSW_DUCKDB_MEMORY_LIMIT"] == "4GB"


def test_the_dbt_profile_reads_that_budget():
    local = yaml.safe_load(PROFILE.read_text())["tsw"]["outputs"]["local"]
    assert "env_var('TSW_DUCKDB_MEMORY_LIMIT'" in local["settings"]["memory_limit"]
