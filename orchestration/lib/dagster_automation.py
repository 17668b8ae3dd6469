"""`tsw dagster` helpers: turn the schedule and sensors on once the UI is up, and stop `dagster dev` whole.

A seller who follows the README (`make dagster`) should get the daily build without finding the
Automation tab: the first `tsw dagster` in a home turns every schedule and sensor on through the
webserver's GraphQL API (the same call as the UI's toggle) and records that it did, in
`$TSW_HOME/dagster/automation_turned_on`; later starts leave the states as the user set them
(`--automation` turns them on again, `--no-automation` never does).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

MARKER = "automation_turned_on"
BOOT_TIMEOUT_S = 900.0
STOP_TIMEOUT_S = 15.0  # then SIGKILL: stopping must end well within a service manager's own timeout

_REPOSITORIES = """{ repositoriesOrError { ... on RepositoryConnection { nodes {
    name location { name }
    schedules { name cronSchedule executionTimezone scheduleState { status } }
    sensors { name sensorState { status } } } } } }"""
_START_SCHEDULE = """mutation($l: String!, $r: String!, $n: String!) {
  startSchedule(scheduleSelector: {repositoryLocationName: $l, repositoryName: $r, scheduleName: $n}) {
    __typename ... on PythonError { message } } }"""
_START_SENSOR = """mutation($l: String!, $r: String!, $n: String!) {
  startSensor(sensorSelector: {repositoryLocationName: $l, repositoryName: $r, sensorName: $n}) {
    __typename ... on PythonError { message } } }"""


def wanted(dagster_home: Path, flag: bool | None) -> bool:
    if flag is not None:
        return flag
    return not (dagster_home / MARKER).exists()


def _graphql(base: str, query: str, variables: dict | None = None) -> dict:
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(f"{base}/graphql", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        payload = json.loads(response.read())
    if payload.get("errors"):
        raise RuntimeError(payload["errors"])
    return payload["data"]


def _repositories(base: str) -> list[dict]:
    data = _graphql(base, _REPOSITORIES)["repositoriesOrError"]
    return data.get("nodes") or []


def turn_on(base: str, dagster_home: Path, proc: subprocess.Popen | None = None,
            timeout_s: float = BOOT_TIMEOUT_S) -> list[str]:
    """Wait for the code location, then start every stopped schedule and sensor; say so in one line."""
    deadline = time.monotonic() + timeout_s
    repos: list[dict] = []
    while time.monotonic() < deadline and (proc is None or proc.poll() is None):
        try:
            repos = _repositories(base)
            if repos:
                break
        except (OSError, RuntimeError, ValueError):
            pass
        time.sleep(2)
    started: list[str] = []
    for repo in repos:
        selector = {"l": repo["location"]["name"], "r": repo["name"]}
        for schedule in repo["schedules"]:
            if schedule["scheduleState"]["status"] != "RUNNING":
                result = _graphql(base, _START_SCHEDULE, {**selector, "n": schedule["name"]})["startSchedule"]
                if result["__typename"] != "PythonError":
                    started.append(f"{schedule['name']} ({schedule['cronSchedule']} {schedule['executionTimezone']})")
        for sensor in repo["sensors"]:
            if sensor["sensorState"]["status"] != "RUNNING":
                result = _graphql(base, _START_SENSOR, {**selector, "n": sensor["name"]})["startSensor"]
                if result["__typename"] != "PythonError":
                    started.append(sensor["name"])
    if repos:
        (dagster_home / MARKER).write_text(time.strftime("%Y-%m-%dT%H:%M:%S") + "\n", encoding="utf-8")
        what = ", ".join(started) if started else "already on"
        print(f"tsw dagster: automation on — {what}. Turn it off in the UI's Automation tab "
              "(or start with --no-automation).", file=sys.stderr, flush=True)
    return started


def stop_group(proc: subprocess.Popen, timeout_s: float = STOP_TIMEOUT_S) -> None:
    """SIGTERM to `proc`'s whole process group (dagster dev and every child), SIGKILL what outlives it."""
    try:
        pgid = os.getpgid(proc.pid)
    except ProcessLookupError:
        pgid = None
    if pgid is not None:
        try:
            os.killpg(pgid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    try:
        proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        pass
    if pgid is None:
        return
    # Children may still be shutting down after the parent exited: a few seconds more, then kill.
    deadline = time.monotonic() + 5.0
    while time.monotonic() < deadline and _group_alive(pgid):
        time.sleep(0.5)
    if _group_alive(pgid):
        try:
            os.killpg(pgid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        pass


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
