"""`tsw build` as a seller sees it in a terminal or a redirected log: a screenful at most, progress by
stage with files and rows, the outcome in plain words, no colour codes when not a terminal — and the
full Dagster/dbt log in a file under $TSW_HOME/logs/."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from orchestration import settings

SCREENFUL = 40


@pytest.mark.slow
def test_build_output_fits_a_screen_and_shows_progress(built_warehouse, tmp_path):
    home = tmp_path / "home"
    shutil.copytree(built_warehouse, home, ignore=shutil.ignore_patterns("*.tmp", "logs"))
    env = {**settings.subprocess_env(), "TSW_HOME": str(home), "TSW_WAREHOUSE": str(home / "warehouse.duckdb")}
    env.pop("DAGSTER_HOME", None)
    out = subprocess.run([sys.executable, "-m", "orchestration.cli", "build"], cwd=tmp_path, env=env,
                         capture_output=True, text=True, timeout=900, check=False)
    shown = out.stdout + out.stderr
    assert out.returncode == 0, shown
    lines = shown.splitlines()
    assert len(lines) <= SCREENFUL, f"{len(lines)} lines:\n{shown}"
    assert "\x1b[" not in shown, "colour codes in redirected output"
    assert "DEBUG" not in shown and "STEP_SUCCESS" not in shown
    # Progress by stage: what each stage did, with files and rows for the exports and counts for dbt.
    assert lines[0] == f"Building the warehouse in {home}"
    assert any(re.match(r"done  Seller exports: \d+/\d+, .*rows loaded", line) for line in lines), shown
    assert any(re.match(r"done  dbt models and tests: \d+/\d+, \d+ tests run", line) for line in lines), shown
    assert any(line.startswith("done  Publish for readers") for line in lines), shown
    assert re.search(r"^Build finished in \S+: \d+ tables built; checks: \d+ passed", shown, re.MULTILINE), shown
    # Warnings read as sentences, not as dbt test ids.
    warnings = lines[lines.index("Warnings:") + 1:] if "Warnings:" in lines else []
    for line in (w for w in warnings if w.startswith("  - ")):
        assert not re.fullmatch(r"  - [\w/]+:\w+", line), f"raw check id shown: {line}"
    # The full log is a file under $TSW_HOME/logs/, with what used to flood the terminal.
    logs = sorted((home / "logs").glob("build-*.log"))
    assert len(logs) == 1 and f"Full log: {logs[0]}" in shown
    log = logs[0].read_text(encoding="utf-8")
    assert "STEP_SUCCESS" in log and "PASS" in log and "\x1b[" not in log
    assert len(log.splitlines()) > 10 * len(lines)
