"""The project's persistent Dagster instance under $TSW_HOME/dagster.

`tsw build`, `tsw status` and `make dagster` share it, so builds run from the command line
show up in the Dagster UI with their asset-check history.
"""

from __future__ import annotations

import os
import shutil
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


def project_instance():
    """The project's Dagster instance, opened once per process and per $TSW_HOME, never disposed.

    Dagster keeps process-wide references to the instance it last created (definitions-state
    storage); disposing it with `with DagsterInstance.get()` breaks every later definitions load
    in the same process, so the CLI, the app and the tests share one long-lived instance.
    """
    import dagster as dg

    home = str(prepare_dagster_home())
    if home not in _instances:
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
