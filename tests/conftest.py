"""Shared fixtures and the test lanes.

Lanes (pyproject.toml lists the markers; README's "Tests" section says which command runs which):
- `warehouse`: the test uses the session's built demo warehouse (`built_warehouse`, directly or through
  another fixture). Added here automatically: nobody has to remember it.
- `slow`: not a unit test: its own build, a statistical fit with its bootstrap, a subprocess run, a real file
  load through the whole ingest engine, a page render (AppTest), a Dagster instance, or more than ~10 s of its
  own. Written by the test's author, with the measured reason beside the mark. Added here to every test that
  reads the generated demo (`demo_source`) without the built warehouse: generating it is ~13-20 s of setup.
- `browser`: drives chromium. Written by the test's author.
- Everything else is the unit lane (`make test-unit`, `-m "not slow and not browser and not warehouse"`):
  no build, no demo, under a minute in parallel on two quiet cores.

Under pytest-xdist (`make test`, `make test-unit` and `make test-fast` run `-n 2 --dist loadfile`) the tests of
one file run on one worker, so a module fixture (each thin seller, the spillover marts) is set up once. Not
`loadgroup`: pytest 9.2 computes `nodeid` from `_id`, so pytest-xdist 3.8's loadgroup (which renames `_nodeid`)
silently puts every test in a group of its own. Each worker builds its own `built_warehouse` in its own
temporary folder (never two processes on one DuckDB file).

`demo_source` is the demo seller as `tsw demo` writes it, generated once per session (once for all xdist
workers: the first one writes it, the others wait for it and read it). It is read-only: copy from it.

`built_warehouse` runs what a new user runs — the demo seller's exports in the inbox and its catalogue in
the home's catalogue/ folder (copied from `demo_source`), then the full Dagster job (load + GX, dbt build
with its tests, publish) — into a temporary TSW_HOME, and points TSW_HOME at it for the rest of the session.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

WAREHOUSE_FIXTURE = "built_warehouse"
DEMO_FIXTURE = "demo_source"


def pytest_configure(config):
    """With xdist, refresh dbt's manifest once before the workers start: two workers that both find it stale
    would both run `dbt parse` into the same target/ folder, and one could read the other's half-written file."""
    if getattr(config.option, "numprocesses", None) and not os.environ.get("PYTEST_XDIST_WORKER"):
        from orchestration.defs.transform.project import ensure_manifest

        ensure_manifest()


def pytest_collection_modifyitems(config, items):
    for item in items:
        if WAREHOUSE_FIXTURE in item.fixturenames:
            item.add_marker(pytest.mark.warehouse)
        elif DEMO_FIXTURE in item.fixturenames:
            item.add_marker(pytest.mark.slow)  # generates the demo once per session: 13-20 s of setup


def _shared_dir(tmp_path_factory, name: str) -> Path:
    """A directory shared by every xdist worker of this run (pytest's own temp root without xdist)."""
    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # the run's basetemp; each worker's own is a child of it
    return root / name


@pytest.fixture(scope="session")
def demo_source(tmp_path_factory):
    """The demo seller (seed 7, 400 days) as `tsw demo` writes it: `inbox/` (the exports), `demo_truth/`
    (ground truth, manifest, PII canaries) and `catalogue/`. Returns the generator's manifest
    (`.out_dir` is the inbox, `.truth_dir` the truth). Shared: never write into it."""
    from filelock import FileLock

    from tsw_demo import catalogue
    from tsw_demo.generate import DemoFile, DemoManifest, generate_demo

    root = _shared_dir(tmp_path_factory, "demo_source")
    root.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(root) + ".lock"):
        done = root / ".complete"
        if not done.exists():
            shutil.rmtree(root, ignore_errors=True)
            manifest = generate_demo(root / "inbox", seed=7, truth_dir=root / "demo_truth")
            catalogue.write(root / "catalogue", seed=7)
            done.write_text("ok")
            return manifest
    files = json.loads((root / "demo_truth" / "manifest.json").read_text(encoding="utf-8"))["files"]
    return DemoManifest(out_dir=root / "inbox", truth_dir=root / "demo_truth", files=[DemoFile(**f) for f in files])


@pytest.fixture(scope="session")
def built_warehouse(tmp_path_factory, demo_source) -> Path:
    from orchestration import settings
    from orchestration.build import run_full_build

    home = tmp_path_factory.mktemp("tsw_home")
    source = demo_source.out_dir.parent
    for part in ("inbox", "demo_truth", "catalogue"):
        shutil.copytree(source / part, home / part)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TSW_HOME", str(home))
        result = run_full_build()
        assert result.success, "\n".join(result.summary_lines())
        assert settings.published_path().exists()
    os.environ["TSW_HOME"] = str(home)
    return home
