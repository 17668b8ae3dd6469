"""`tsw dagster` as a README follower uses it: the first start turns the daily build schedule and the sensors
on (so the seller gets a daily build), and Ctrl-C / SIGTERM stops `dagster dev` with every child it
started — webserver, daemon, code server — none left running. Slow: it boots the whole code location."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from orchestration import settings
from tests.ops.test_dagster_dev import BOOT_TIMEOUT_S, REPOSITORIES, free_port, graphql

pytestmark = pytest.mark.slow


def descendants(pid: int) -> set[int]:
    """Every live process below `pid` (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM])
def test_tsw_dagster_turns_automation_on_and_stops_every_child(tmp_path, stop_signal):
    home = tmp_path / "tsw_home"
    env = {**os.environ, "TSW_HOME": str(home)}
    env.pop("DAGSTER_HOME", None)
    port = free_port()
    log_path = tmp_path / "tsw_dagster.log"
    with log_path.open("wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "orchestration.cli", "dagster", "--port", str(port)],
                                cwd=settings.REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        children: set[int] = set()
        try:
            deadline = time.monotonic() + BOOT_TIMEOUT_S
            while "automation on" not in log_path.read_text(errors="replace"):
                assert proc.poll() is None, log_path.read_text(errors="replace")[-4000:]
                assert time.monotonic() < deadline, log_path.read_text(errors="replace")[-4000:]
                time.sleep(2)
            nodes = graphql(base, REPOSITORIES)["repositoriesOrError"]["nodes"]
            schedules = {s["name"]: s["scheduleState"]["status"] for s in nodes[0]["schedules"]}
            sensors = {s["name"]: s["sensorState"]["status"] for s in nodes[0]["sensors"]}
            assert schedules["daily_build"] == "RUNNING"
            assert sensors["inbox_sensor"] == "RUNNING" and set(sensors.values()) == {"RUNNING"}
            assert (home / "dagster" / "automation_turned_on").exists()

            children = descendants(proc.pid)
            assert len(children) >= 3, children  # dagster dev, webserver, daemon (and a code server)
            os.kill(proc.pid, stop_signal)  # the tsw process only, as a terminal's Ctrl-C or a service manager
            proc.wait(timeout=90)
            deadline = time.monotonic() + 60
            while [p for p in children if alive(p)] and time.monotonic() < deadline:
                time.sleep(0.5)
            assert [p for p in children if alive(p)] == [], log_path.read_text(errors="replace")[-4000:]
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=10)
            for child in [p for p in children if alive(p)]:  # never leave a process behind, even on failure
                os.kill(child, signal.SIGKILL)
