"""A fresh home's Dagster instance opened by several threads at once (the build and its progress display)
is created once; a storage an earlier version stamped twice is healed instead of locking the user out."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import pytest


def _stamps(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute("select version_num from alembic_version")]


@pytest.mark.slow  # a Dagster instance and its run storage: 2.3 s in a loaded unit lane
def test_concurrent_first_opens_create_one_instance_stamped_once(tmp_path, monkeypatch):
    from orchestration.lib import dagster_instance

    monkeypatch.setenv("TSW_HOME", str(tmp_path))
    opened = []
    threads = [threading.Thread(target=lambda: opened.append(dagster_instance.project_instance()))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(i) for i in opened}) == 1
    for db in (tmp_path / "dagster").rglob("*.db"):
        assert len(_stamps(db)) <= 1, db


@pytest.mark.slow  # a Dagster instance and its run storage: 2.9 s in a loaded unit lane
def test_a_double_stamped_storage_is_healed_and_opens(tmp_path):
    import dagster as dg
    from dagster._core.storage.sqlite import LAST_KNOWN_STAMPED_SQLITE_ALEMBIC_REVISION as OLD_STAMP

    from orchestration import settings
    from orchestration.lib.dagster_instance import repair_double_stamps

    home = tmp_path / "dagster"
    home.mkdir()
    (home / "dagster.yaml").write_bytes((settings.REPO_ROOT / "dagster.yaml").read_bytes())
    dg.DagsterInstance.from_config(str(home))
    db = home / "schedules" / "schedules.db"
    with sqlite3.connect(db) as conn:
        conn.execute("insert into alembic_version values (?)", (OLD_STAMP,))
    assert len(_stamps(db)) == 2
    assert repair_double_stamps(home) == [db]
    assert len(_stamps(db)) == 1
    dg.DagsterInstance.from_config(str(home)).get_runs()
