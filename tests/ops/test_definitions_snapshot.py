"""A snapshot of the code location's wiring: every Python-defined asset (group, pool, what it depends on), every
asset check outside dbt, the dbt step's pool, the jobs, schedules, sensors and resources, compared with the
committed `definitions.snapshot.txt`. An accidental change to the wiring — an asset that lost a dependency, a
check that vanished, a writer outside the pool, a sensor off by default — fails here and shows as a diff of
that file in review. dbt's models and tests are dbt's own graph (reviewed in dbt_project/), so they appear
only as the one step that runs them: adding a model does not touch this file.

After an intended change, rewrite the file and commit it with the change:

    UPDATE_DEFS_SNAPSHOT=1 .venv/bin/pytest tests/ops/test_definitions_snapshot.py
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import dagster as dg
import pytest

SNAPSHOT = Path(__file__).with_name("definitions.snapshot.txt")
UPDATE_COMMAND = "UPDATE_DEFS_SNAPSHOT=1 .venv/bin/pytest tests/ops/test_definitions_snapshot.py"


def _name(key: dg.AssetKey) -> str:
    return key.to_user_string()


def _is_dbt(a: dg.AssetsDefinition) -> bool:
    return "dbt" in {kind for spec in a.specs for kind in spec.kinds}


def render(defs: dg.Definitions) -> str:
    """The definitions as sorted text, one fact per line (stable across runs and machines)."""
    assets = [a for a in defs.assets or [] if isinstance(a, dg.AssetsDefinition)
              and not isinstance(a, dg.AssetChecksDefinition)]
    lines: list[str] = []
    asset_lines, check_lines = [], []
    dbt_keys = {key for a in assets if _is_dbt(a) for key in a.keys}
    for a in assets:
        pool = a.op.pool or "-"
        if _is_dbt(a):
            asset_lines.append(f"{a.op.name} (every dbt model, and dbt's tests as checks)  pool={pool}")
            continue
        for key in a.keys:
            upstream = a.asset_deps.get(key, ())
            deps = sorted(_name(d) for d in upstream if d not in dbt_keys)
            deps += ["dbt models"] if any(d in dbt_keys for d in upstream) else []
            asset_lines.append(f"{_name(key)}  group={a.group_names_by_key.get(key) or '-'}  pool={pool}"
                               f"  deps=[{', '.join(deps)}]")
        for spec in a.check_specs:
            check_lines.append(f"{_name(spec.asset_key)}:{spec.name}  pool={pool}  blocking={spec.blocking}")
    for c in defs.asset_checks or []:
        pool = c.op.pool or "-"
        for spec in c.check_specs:
            extra = sorted(_name(d.asset_key) for d in spec.additional_deps)
            check_lines.append(f"{_name(spec.asset_key)}:{spec.name}  pool={pool}  blocking={spec.blocking}"
                               + (f"  also_reads=[{', '.join(extra)}]" if extra else ""))
    lines.append(f"assets ({len(asset_lines)})")
    lines += [f"  {line}" for line in sorted(asset_lines)]
    lines.append(f"asset checks ({len(check_lines)})")
    lines += [f"  {line}" for line in sorted(check_lines)]
    lines.append("jobs")
    for job in sorted(defs.jobs or [], key=lambda j: j.name):
        selection = getattr(job, "selection", None)
        lines.append(f"  {job.name}  selection={selection!r}")
    lines.append("schedules")
    for schedule in sorted(defs.schedules or [], key=lambda s: s.name):
        lines.append(f"  {schedule.name}  cron={schedule.cron_schedule}  tz={schedule.execution_timezone}"
                     f"  job={schedule.job_name}  default={schedule.default_status.value}")
    lines.append("sensors")
    for sensor in sorted(defs.sensors or [], key=lambda s: s.name):
        job = ", ".join(sorted(str(t.resolvable_to_job) for t in sensor.targets)) or "-"
        lines.append(f"  {sensor.name}  job={job}  every={sensor.minimum_interval_seconds}s"
                     f"  default={sensor.default_status.value}")
    lines.append("resources")
    lines += [f"  {name}: {type(resource).__name__}" for name, resource in sorted((defs.resources or {}).items())]
    return "\n".join(lines) + "\n"


pytestmark = pytest.mark.slow  # loads the whole code location (dbt's manifest): 10+ s


@pytest.fixture(scope="module")
def current(tmp_path_factory) -> str:
    """Rendered in an empty home: the seller's settings (time zone) are their defaults."""
    from orchestration.definitions import defs

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TSW_HOME", str(tmp_path_factory.mktemp("home")))
        return render(defs())


def test_the_definitions_match_the_committed_snapshot(current):
    if os.environ.get("UPDATE_DEFS_SNAPSHOT"):
        SNAPSHOT.write_text(current, encoding="utf-8")
    expected = SNAPSHOT.read_text(encoding="utf-8") if SNAPSHOT.exists() else ""
    diff = "".join(difflib.unified_diff(expected.splitlines(True), current.splitlines(True),
                                        "definitions.snapshot.txt (committed)", "definitions (now)"))
    assert not diff, (f"The Dagster definitions changed. If that was intended, run `{UPDATE_COMMAND}` "
                      f"and commit the file with the change:\n{diff}")


def test_every_writer_is_in_the_pool_and_the_snapshot_waits_for_every_asset(current):
    """What the snapshot file must say whatever else changes."""
    from orchestration.definitions import defs

    definitions = defs()
    graph = definitions.resolve_asset_graph()
    published = dg.AssetKey("published_snapshot")
    # The named shops' builds (one partition each) run on their own homes: nothing of this shop waits for them.
    other_homes = {k for k in graph.materializable_asset_keys if graph.get(k).group_name == "shops"}
    assert other_homes == {dg.AssetKey("shop_build")}
    assert graph.get(dg.AssetKey("shop_build")).partitions_def.name == "shop"
    upstream = dg.AssetSelection.assets(published).upstream().resolve(graph) - {published}
    assert upstream == set(graph.materializable_asset_keys) - {published} - other_homes  # it waits for everything
    [line] = [line for line in current.splitlines() if line.strip().startswith("published_snapshot ")]
    assert "dbt models" in line
    sinks = {k for k in graph.materializable_asset_keys - {published} - other_homes
             if not graph.get(k).child_keys - {published}}  # what nothing but the snapshot depends on
    assert definitions.resolve_assets_def(published).asset_deps[published] == sinks  # not every asset
    assert 5 <= len(sinks) < 25
    job = definitions.resolve_job_def("ingest_and_build_job")
    assert not other_homes & set(job.asset_layer.executable_asset_keys)
    assert "pool=-" not in current.split("asset checks")[0].replace("shop_build  group=shops  pool=-", "")
    # every asset of this shop writes its warehouse; shop_build starts another home's build
