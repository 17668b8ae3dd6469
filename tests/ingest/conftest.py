"""Each ingest test gets its own TSW_HOME (inbox, archive, quarantine, secrets, warehouse)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "exports"


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("TSW_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def drop(home):
    """Copy fixture files into the inbox, as a seller would; returns their inbox paths."""
    from orchestration import settings

    def _drop(*relative: str) -> list[Path]:
        settings.inbox_dir().mkdir(parents=True, exist_ok=True)
        out = []
        for rel in relative:
            target = settings.inbox_dir() / Path(rel).name
            shutil.copyfile(FIXTURES / rel, target)
            out.append(target)
        return out

    return _drop


@pytest.fixture
def query(home):
    from orchestration import settings

    def _query(sql: str, params=None):
        conn = duckdb.connect(str(settings.warehouse_path()), read_only=True)
        try:
            conn.execute("SET TimeZone = 'UTC'")
            return conn.execute(sql, params or []).fetchall()
        finally:
            conn.close()

    return _query
