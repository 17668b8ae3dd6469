"""Where `tsw` keeps its state does not depend on the folder it is run from, and a command that finds
nothing says which home it looked in — without creating folders there or where it runs."""

from __future__ import annotations

import os
import subprocess
import sys

from orchestration import settings


def _run(args: list[str], cwd, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_a_second_folder_finds_the_same_home(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "TSW_HOME"}
    homes = []
    for name in ("first", "second"):
        folder = tmp_path / name
        folder.mkdir()
        out = _run(["-c", "from orchestration import settings; print(settings.tsw_home())"], folder, env)
        assert out.returncode == 0, out.stderr
        homes.append(out.stdout.strip())
    assert homes[0] == homes[1] == str((settings.REPO_ROOT / "data").resolve())


def test_status_in_an_empty_home_names_it_and_creates_nothing(tmp_path):
    home = tmp_path / "never-built"
    here = tmp_path / "somewhere-else"
    here.mkdir()
    env = {**os.environ, "TSW_HOME": str(home)}
    env.pop("DAGSTER_HOME", None)
    out = _run(["-m", "orchestration.cli", "status"], here, env)
    assert out.returncode == 0, out.stderr
    assert str(home) in out.stdout and "TSW_HOME" in out.stdout
    assert "never" in out.stdout and "tsw build" in out.stdout
    assert not home.exists(), "tsw status created the home it was only asked to look at"
    assert list(here.iterdir()) == [], "tsw status wrote into the folder it was run from"
