"""Shared fixtures: one real build of the whole pipeline per test session.

`built_warehouse` runs what a new user runs — the demo seller written into the inbox and its
catalogue into the home's catalogue/ folder (as `tsw demo` does), then
the full Dagster job (load + GX, dbt build with its tests, publish) — into a temporary
TSW_HOME, and points TSW_HOME at it for the rest of the session.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


@pytest.fixture(scope="session")
def built_warehouse(tmp_path_factory) -> Path:
    from orchestration import settings
    from orchestration.demo import catalogue
    from orchestration.demo.generate import generate_demo
    from orchestration.lib.build import run_full_build

    home = tmp_path_factory.mktemp("tsw_home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TSW_HOME", str(home))
        generate_demo(settings.inbox_dir(), seed=7, truth_dir=settings.demo_truth_dir())
        catalogue.write(settings.catalogue_dir(), seed=7)  # as `tsw demo` does: the seller's own files
        result = run_full_build()
        assert result.success, "\n".join(result.summary_lines())
        assert settings.published_path().exists()
    os.environ["TSW_HOME"] = str(home)
    return home
