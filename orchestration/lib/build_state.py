"""The outcome of the latest build, for readers: was its snapshot published, and if not, which core
model failed. Written by the dbt step (core failure: the snapshot is withheld) and by the publish step
(success) to $TSW_HOME/last_build.json — beside the snapshot, not in it, because a withheld build never
reaches the snapshot. `tsw status` and every page of the app read it.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

from orchestration import settings


def state_path() -> Path:
    return settings.tsw_home() / "last_build.json"


def record(*, published: bool, failed_models: list[str] | None = None, message: str = "") -> None:
    path = state_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps({
        "published": published,
        "failed_models": failed_models or [],
        "message": message[:2000],
        "at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    }), encoding="utf-8")
    os.replace(tmp, path)


def read() -> dict | None:
    try:
        return json.loads(state_path().read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None


def withheld() -> dict | None:
    """The latest build's state when it was withheld (a core model failed), else None."""
    state = read()
    return state if state and not state.get("published") else None
