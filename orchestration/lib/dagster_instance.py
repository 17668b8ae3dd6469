"""The project's persistent Dagster instance under $TSW_HOME/dagster.

`tsw build`, `tsw status` and `make dagster` share it, so builds run from the command line
show up in the Dagster UI with their asset-check history.
"""

from __future__ import annotations

import os
import shutil
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
