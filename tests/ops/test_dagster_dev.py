"""`tsw dagster` (= `make dagster`: `dagster dev` on $TSW_HOME/dagster with the project's dagster.yaml)
really starts the webserver and the daemon; the schedule and the sensors are listed and can be
turned on, and the daemon then ticks the inbox sensor. Slow: it boots the whole code location."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from orchestration import settings

pytestmark = pytest.mark.slow

BOOT_TIMEOUT_S = 420  # the code location loads dbt's manifest; slow on a shared 2-core machine
TICK_TIMEOUT_S = 360


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def graphql(base: str, query: str, variables: dict | None = None) -> dict:
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    request = urllib.request.Request(f"{base}/graphql", data=body, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        payload = json.loads(response.read())
    assert "errors" not in payload, payload
    return payload["data"]


REPOSITORIES = """
{ repositoriesOrError { ... on RepositoryConnection { nodes {
    name location { name }
    schedules { name cronSchedule executionTimezone scheduleState { status } }
    sensors { name sensorState { status ticks(limit: 5) { status } } }
} } } }
"""
START_SCHEDULE = """
mutation($location: String!, $repository: String!) {
  startSchedule(scheduleSelector: {repositoryLocationName: $location, repositoryName: $repository,
                                   scheduleName: "daily_build"}) {
    __typename
    ... on ScheduleStateResult { scheduleState { status } }
    ... on PythonError { message }
  }
}
"""
DAEMONS = "{ instance { daemonHealth { allDaemonStatuses { daemonType healthy required } } } }"


@pytest.fixture
def dagster_dev(tmp_path):
    home = tmp_path / "tsw_home"
    env = {**os.environ, "TSW_HOME": str(home)}
    env.pop("DAGSTER_HOME", None)  # tsw dagster sets it to $TSW_HOME/dagster
    port = free_port()
    log = (tmp_path / "dagster_dev.log").open("wb")
    proc = subprocess.Popen(
        # --no-automation: this test turns the schedule and a sensor on itself (the default first start turns
        # them all on: tests/cli/test_dagster_command.py).
        [sys.executable, "-m", "orchestration.cli", "dagster", "--port", str(port), "--no-automation"],
        cwd=settings.REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + BOOT_TIMEOUT_S
        while True:
            try:
                with urllib.request.urlopen(f"{base}/server_info", timeout=3) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"dagster dev did not answer /server_info:\n{(tmp_path / 'dagster_dev.log').read_text()}")
            time.sleep(1)
        yield base, env, home, tmp_path / "dagster_dev.log"
    finally:
        # dagster dev runs the webserver, the daemon and a code server as children: stop the group.
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait(timeout=10)
        log.close()


def _cli(env: dict, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "dagster", *args, "-m", "orchestration.definitions"],
        cwd=settings.REPO_ROOT, env=env, capture_output=True, text=True, timeout=420, check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _ticks(base: str) -> list:
    return {s["name"]: s for s in _repository(base)["sensors"]}["inbox_sensor"]["sensorState"]["ticks"]


def _repository(base: str) -> dict:
    nodes = graphql(base, REPOSITORIES)["repositoriesOrError"]["nodes"]
    assert len(nodes) == 1, nodes
    return nodes[0]


def test_dagster_dev_serves_schedule_and_sensor_that_can_be_started(dagster_dev):
    base, env, home, log = dagster_dev
    # The instance is the project's: $TSW_HOME/dagster with the repo's dagster.yaml (pools, telemetry).
    instance_yaml = home / "dagster" / "dagster.yaml"
    assert instance_yaml.read_text() == (settings.REPO_ROOT / "dagster.yaml").read_text()
    env = {**env, "DAGSTER_HOME": str(home / "dagster")}

    repo = _repository(base)
    schedules = {s["name"]: s for s in repo["schedules"]}
    sensors = {s["name"]: s for s in repo["sensors"]}
    assert schedules["daily_build"]["cronSchedule"] == "0 6 * * *"
    assert schedules["daily_build"]["executionTimezone"] == "America/Los_Angeles"
    assert "inbox_sensor" in sensors
    assert sensors["inbox_sensor"]["sensorState"]["status"] == "STOPPED"

    # The daemon is up (it is what fires schedules and sensors).
    statuses = graphql(base, DAEMONS)["instance"]["daemonHealth"]["allDaemonStatuses"]
    by_type = {d["daemonType"]: d for d in statuses}
    for daemon in ("SCHEDULER", "SENSOR"):
        assert by_type[daemon]["required"], by_type

    # The CLI sees the same instance and definitions and turns the sensor on (one CLI call: each one
    # loads the code location); the UI's GraphQL API turns the schedule on.
    _cli(env, "sensor", "start", "inbox_sensor")
    started = graphql(base, START_SCHEDULE, {"location": repo["location"]["name"], "repository": repo["name"]})
    assert started["startSchedule"]["__typename"] == "ScheduleStateResult", started

    repo = _repository(base)
    assert {s["name"]: s for s in repo["schedules"]}["daily_build"]["scheduleState"]["status"] == "RUNNING"
    assert {s["name"]: s for s in repo["sensors"]}["inbox_sensor"]["sensorState"]["status"] == "RUNNING"

    # And the daemon actually evaluates the running sensor: with an empty inbox every tick is skipped
    # (those ticks did not show in the GraphQL tick history here), so the daemon's own log is the witness.
    deadline = time.monotonic() + TICK_TIMEOUT_S
    evaluated = "Checking for new runs for sensor: inbox_sensor"
    while evaluated not in log.read_text(errors="replace"):
        assert time.monotonic() < deadline, (
            "the daemon never ticked inbox_sensor; dagster dev log:\n" + log.read_text(errors="replace")[-6000:])
        time.sleep(5)
    assert "Sensor inbox_sensor skipped" in log.read_text(errors="replace") or _ticks(base)
    statuses = graphql(base, DAEMONS)["instance"]["daemonHealth"]["allDaemonStatuses"]
    assert {d["daemonType"]: d for d in statuses}["SENSOR"]["healthy"]
