"""Fixtures for the app tests: an empty TSW_HOME, or one holding a small published snapshot.

The end-to-end check against the real pipeline lives in test_app_built.py and uses the session
fixture `built_warehouse` from tests/conftest.py.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.app.marts_fixture import write_small_warehouse


@pytest.fixture
def tsw_home(tmp_path, monkeypatch) -> Path:
    """An empty TSW_HOME of this test's own (no published build)."""
    home = tmp_path / "tsw_home"
    home.mkdir()
    monkeypatch.setenv("TSW_HOME", str(home))
    return home


@pytest.fixture
def small_published(tsw_home) -> Path:
    """TSW_HOME with a small published.duckdb; returns the published file's path."""
    published = tsw_home / "published.duckdb"
    write_small_warehouse(published)
    return published
