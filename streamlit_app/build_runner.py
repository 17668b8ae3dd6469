"""A build started from the app (the Catalogue page's button): `tsw build` in its own process — the app never
writes the warehouse — followed through the progress display's lines in its log and the exit code written
beside it when it ends. State lives in $TSW_HOME/logs/, so a reload or another server process sees it too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from orchestration import settings


def _build_state_path() -> Path:
    return settings.tsw_home() / "logs" / "catalogue_build.json"


def _alive(pid: int) -> bool:
    try:  # our own child: reap it if it ended, so a finished build is never a zombie that looks alive
        ended, _ = os.waitpid(pid, os.WNOHANG)
        return ended == 0
    except ChildProcessError:  # started by an earlier server process: only ask whether it exists
        pass
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return False
    return True


def running_build() -> dict | None:
    """The build this page started last: running, or finished with its exit code (None if it was killed)."""
    path = _build_state_path()
    if not path.exists():
        return None
    state = json.loads(path.read_text(encoding="utf-8"))
    exit_file = Path(state.get("exit_file", ""))
    code = exit_file.read_text(encoding="utf-8").strip() if exit_file.is_file() else ""
    state["returncode"] = int(code) if code.lstrip("-").isdigit() else None
    state["running"] = state["returncode"] is None and _alive(int(state["pid"]))
    return state


def start_build(command: list[str] | None = None) -> None:
    """Start `tsw build` in its own process (the app never writes the warehouse), logging to $TSW_HOME/logs;
    its exit code is written beside the log when it ends."""
    logs = settings.tsw_home() / "logs"
    logs.mkdir(parents=True, exist_ok=True)
    log = logs / "catalogue_build.log"
    exit_file = logs / "catalogue_build.exit"
    exit_file.unlink(missing_ok=True)
    command = command or [str(Path(sys.executable).parent / "tsw"), "build"]
    with open(log, "w", encoding="utf-8") as out:
        proc = subprocess.Popen(["/bin/sh", "-c", '"$@"; echo $? > "$0"', str(exit_file), *command], stdout=out,
                                stderr=subprocess.STDOUT, env=settings.subprocess_env(), start_new_session=True)
    _build_state_path().write_text(json.dumps({"pid": proc.pid, "started": time.time(), "log": str(log),
                                               "exit_file": str(exit_file)}), encoding="utf-8")


def last_progress(log: Path) -> str:
    """The newest stage line of the build's progress display ("...   dbt models and tests: 21/55, …")."""
    if not log.exists():
        return ""
    for line in reversed(log.read_text(encoding="utf-8", errors="replace").splitlines()[-200:]):
        if line.startswith(("...   ", "done  ")):
            return line[6:].strip()[:160]
    return ""
