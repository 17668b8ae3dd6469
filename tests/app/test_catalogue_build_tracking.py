"""The Catalogue page's "rebuild" button: it follows the build it started through the build's own progress
lines and its exit code, so a finished build reads finished (never 'running' forever, never 'failed' when it
succeeded)."""

from __future__ import annotations

import sys
import time

import pytest

from streamlit_app import build_runner


def _wait_until_finished(timeout: float = 30.0) -> dict:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = build_runner.running_build()
        if not state["running"]:
            return state
        time.sleep(0.1)
    raise AssertionError("the build still reads running")


@pytest.mark.slow  # renders the app's pages (Streamlit AppTest): 3.2 s in a loaded unit lane
@pytest.mark.parametrize("code", [0, 3])
def test_the_page_follows_its_build_to_the_end(tmp_path, monkeypatch, code):
    monkeypatch.setenv("TSW_HOME", str(tmp_path))
    # A stand-in process that writes the progress display's lines the way `tsw build` does when not on a terminal.
    script = ("import sys, time; print('Building the warehouse'); print('done  Seller exports: 12/12, 3 new files');"
              "print('...   dbt models and tests: 21/55, 48 tests run (running 1m48s)', flush=True); time.sleep(1.5);"
              f"sys.exit({code})")
    build_runner.start_build([sys.executable, "-c", script])
    assert build_runner.running_build()["running"]
    time.sleep(0.8)
    assert build_runner.last_progress(tmp_path / "logs" / "catalogue_build.log") == \
        "dbt models and tests: 21/55, 48 tests run (running 1m48s)"
    state = _wait_until_finished()
    assert state["returncode"] == code


def test_a_build_killed_before_it_could_say_how_it_ended_is_not_running(tmp_path, monkeypatch):
    monkeypatch.setenv("TSW_HOME", str(tmp_path))
    build_runner.start_build([sys.executable, "-c", "import os, signal; os.kill(os.getppid(), signal.SIGKILL)"])
    state = _wait_until_finished()
    assert state["returncode"] is None
