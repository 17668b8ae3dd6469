"""The project's persistent Dagster instance under $TSW_HOME/dagster.

`tsw build`, `tsw status` and `make dagster` share it, so builds run from the command line
show up in the Dagster UI with their asset-check history.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import threading
from contextlib import contextmanager
from pathlib import Path

from orchestration import settings


def dagster_home() -> Path:
    return settings.tsw_home() / "dagster"


def prepare_dagster_home() -> Path:
    """Create $TSW_HOME/dagster with the project's dagster.yaml and point DAGSTER_HOME at it."""
    home = dagster_home()
    home.mkdir(parents=True, exist_ok=True)
    source = settings.REPO_ROOT / "dagster.yaml"
    target = home / "dagster.yaml"
    if not target.exists() or target.read_bytes() != source.read_bytes():
        shutil.copyfile(source, target)
    os.environ["DAGSTER_HOME"] = str(home)
    return home


_instances: dict[str, object] = {}
# Opening an instance on a fresh home creates its SQLite storages and stamps their schema version; two
# threads doing it at once (the build and its progress display) stamp twice, and the instance can never
# be opened again ("alembic_version has more than one head"). One opener at a time per process.
_instances_lock = threading.Lock()


def repair_double_stamps(home: Path) -> list[Path]:
    """Heal storages an earlier concurrent first open stamped twice: their tables were created at the
    newest schema, so the newest revision is the true one; the older row is removed. Returns what changed."""
    from dagster._core.storage.sqlite import LAST_KNOWN_STAMPED_SQLITE_ALEMBIC_REVISION as OLD_STAMP

    repaired = []
    for db in home.rglob("*.db"):
        try:
            with sqlite3.connect(db) as conn:
                rows = [r[0] for r in conn.execute("select version_num from alembic_version")]
                if len(rows) > 1 and OLD_STAMP in rows:
                    conn.execute("delete from alembic_version where version_num = ?", (OLD_STAMP,))
                    repaired.append(db)
        except sqlite3.Error:
            continue
    return repaired


def project_instance():
    """The project's Dagster instance, opened once per process and per $TSW_HOME, never disposed.

    Dagster keeps process-wide references to the instance it last created (definitions-state
    storage); disposing it with `with DagsterInstance.get()` breaks every later definitions load
    in the same process, so the CLI, the app and the tests share one long-lived instance.
    """
    import dagster as dg

    home = str(prepare_dagster_home())
    with _instances_lock:
        if home not in _instances:
            repair_double_stamps(Path(home))
            _instances[home] = dg.DagsterInstance.get()
        return _instances[home]


@contextmanager
def project_context():
    """Resolve and run definitions against the project's instance.

    Dagster looks up "the current instance's definitions-state storage" through a context
    variable that an instance sets only while used as a context manager; a disposed instance
    (a test's temporary one, say) can leave it dangling. Pointing it at our live instance for
    the duration makes definition loads independent of whatever ran before in this process.
    """
    from dagster._core.storage.defs_state.base import set_defs_state_storage

    instance = project_instance()
    with set_defs_state_storage(instance.defs_state_storage):
        yield instance
