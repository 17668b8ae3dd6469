"""What runs by itself: the daily schedule, the inbox sensor, the freshness checks — evaluated the way
the daemon evaluates them, against a real Dagster instance — and the one-writer rule."""

from __future__ import annotations

import datetime as dt
import inspect
import shutil
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from orchestration import settings

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "exports"
POOL = "warehouse_writer"


@pytest.fixture(scope="module")
def definitions():
    """The code location exactly as `dagster dev` loads it."""
    from orchestration.definitions import defs

    return defs()


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("TSW_HOME", str(home))
    settings.inbox_dir().mkdir(parents=True)
    return home


def _drop(relative: str, name: str | None = None) -> Path:
    target = settings.inbox_dir() / (name or Path(relative).name)
    shutil.copyfile(FIXTURES / relative, target)
    return target


def _tick(sensor, **context_args):
    """One evaluation of `sensor`, in a context that is closed again (see the schedule test)."""
    with dg.build_sensor_context(**context_args) as context:
        return sensor.evaluate_tick(context)


# ---------------------------------------------------------------------------------------------
# Schedule
# ---------------------------------------------------------------------------------------------
@pytest.mark.slow  # loads the whole code location (dbt's manifest): 44 s setup in a loaded unit lane
def test_daily_schedule_requests_the_full_build_every_morning_in_los_angeles(definitions):
    schedule = definitions.resolve_schedule_def("daily_build")
    assert schedule.job_name == "ingest_and_build_job"
    assert schedule.execution_timezone == "America/Los_Angeles"
    assert schedule.cron_schedule == "0 6 * * *"
    with dg.instance_for_test() as instance:
        # Across the March DST change the tick stays at 06:00 local time.
        for day in (dt.datetime(2026, 3, 7, 6, 0), dt.datetime(2026, 3, 9, 6, 0)):
            when = day.replace(tzinfo=ZoneInfo("America/Los_Angeles"))
            # A context opens its own instance from the reference on first use: only `with` closes it (left
            # open, Dagster's current state storage keeps pointing at this test's deleted folder and the next
            # dg.materialize in the session fails with "unable to open database file").
            with dg.build_schedule_context(instance=instance, scheduled_execution_time=when) as context:
                result = schedule.evaluate_tick(context)
            assert result.skip_message is None
            assert len(result.run_requests) == 1
            request = result.run_requests[0]
            assert request.job_name in (None, "ingest_and_build_job")
    # The job it runs selects every asset, so "what is stale" is always rebuilt (loaders are no-ops
    # without new files; dbt and publish always run).
    job = definitions.resolve_job_def("ingest_and_build_job")
    selected = {key for key in job.asset_layer.executable_asset_keys}
    assert dg.AssetKey("published_snapshot") in selected
    assert dg.AssetKey(["marts", "mart_market_size"]) in selected


# ---------------------------------------------------------------------------------------------
# Inbox sensor
# ---------------------------------------------------------------------------------------------
@pytest.mark.slow  # loads the whole code location and evaluates the sensor: 42 s setup in a loaded unit lane
def test_inbox_sensor_starts_one_run_per_tick_for_all_new_files(definitions, home):
    """Dropping many exports at once starts one build (each run loads the whole inbox), not one per file."""
    from orchestration.defs.automation.sensors import batch_run_key
    from orchestration.ingest.readers import file_sha256

    sensor = definitions.resolve_sensor_def("inbox_sensor")
    assert sensor.job_name == "ingest_and_build_job"
    with dg.instance_for_test() as instance:
        # Empty inbox: nothing to do.
        first = _tick(sensor, instance=instance, cursor=None)
        assert first.run_requests == []

        # A seller's download folder dropped in at once: every distinct export, one run for the set.
        dropped = [_drop(str(p.relative_to(FIXTURES))) for p in sorted(FIXTURES.glob("*/*.*"))
                   if p.suffix in (".csv", ".txt", ".tsv", ".xlsx")]
        assert len(dropped) >= 20
        tick = _tick(sensor, instance=instance, cursor=first.cursor)
        assert len(tick.run_requests) == 1
        [request] = tick.run_requests
        hashes = {file_sha256(p) for p in dropped}
        assert request.run_key == batch_run_key(list(hashes))  # the set's identity, order-free
        assert request.tags["tsw/new_files"] == str(len(hashes))
        names = sorted({p.name for p in dropped})
        assert request.tags["tsw/files"].startswith(", ".join(names[:2]) + ", ")  # a short, readable list

        # Same files on the next tick (the daemon passes the stored cursor): no new run.
        again = _tick(sensor, instance=instance, cursor=tick.cursor)
        assert again.run_requests == []
        assert "no new file" in (again.skip_message or "")

        # The same content under another name (a re-download) is still the same content.
        _drop("tiktok/affiliate_orders_2025-10.csv", "affiliate_orders_2025-10 (1).csv")
        copy = _tick(sensor, instance=instance, cursor=again.cursor)
        assert copy.run_requests == []

        # A genuinely new export does start a run, for just that content.
        new_file = settings.inbox_dir() / "orders_export_2.csv"
        new_file.write_bytes((FIXTURES / "shopify/orders_export_1.csv").read_bytes().replace(b"#1001", b"#2001"))
        new = _tick(sensor, instance=instance, cursor=copy.cursor)
        assert [r.run_key for r in new.run_requests] == [batch_run_key([file_sha256(new_file)])]
        assert new.run_requests[0].tags["tsw/files"] == "orders_export_2.csv"


@pytest.mark.slow  # loads the whole code location
def test_stale_runs_sensor_is_on_by_default_and_fails_a_dead_run(definitions, dagster_home, writer_runs):
    """The daemon's half of crash recovery: a run whose process was SIGKILLed is failed and its slot freed."""
    sensor = definitions.resolve_sensor_def("stale_runs_sensor")
    assert sensor.default_status == dg.DefaultSensorStatus.RUNNING
    run_id = writer_runs.kill()
    instance = dg.DagsterInstance.from_config(str(dagster_home))
    result = _tick(sensor, instance=instance)
    assert result.run_requests == []
    assert run_id[:8] in (result.skip_message or "")
    assert instance.get_run_by_id(run_id).status == dg.DagsterRunStatus.FAILURE
    info = instance.event_log_storage.get_concurrency_info(POOL)
    assert info.claimed_slots == [] and info.pending_steps == []
    # Nothing left to do on the next tick.
    assert "no interrupted runs" in _tick(sensor, instance=instance).skip_message


# ---------------------------------------------------------------------------------------------
# Freshness checks
# ---------------------------------------------------------------------------------------------
@pytest.mark.slow  # loads the whole code location
def test_freshness_checks_cover_every_raw_seller_export_and_have_a_sensor(definitions):
    from orchestration.defs.quality.freshness import build_freshness_checks, seller_export_keys

    freshness_checks = build_freshness_checks()
    covered = {key.asset_key for checks in freshness_checks for key in checks.check_keys}
    assert covered == set(seller_export_keys())
    assert len(covered) == len(list((settings.FORMATS_DIR).glob("*.yaml")))
    graph_checks = definitions.resolve_asset_graph().asset_check_keys
    assert {key for checks in freshness_checks for key in checks.check_keys} <= set(graph_checks)
    assert definitions.resolve_sensor_def("freshness_checks_sensor")


@pytest.mark.slow  # a Dagster instance and its run storage: 8.0 s in a loaded unit lane
def test_freshness_check_fails_when_never_loaded_and_passes_after_a_load():
    from orchestration.defs.quality.freshness import build_freshness_checks

    checks = build_freshness_checks()
    orders = dg.AssetKey(["raw", "tiktok_orders"])
    mine = [c for c in checks if any(k.asset_key == orders for k in c.check_keys)]
    selection = [k for c in mine for k in c.check_keys if k.asset_key == orders]
    job_defs = dg.Definitions(
        assets=[dg.AssetSpec(orders)],
        asset_checks=mine,
        jobs=[dg.define_asset_job("freshness_of_orders", selection=dg.AssetSelection.checks(*selection))],
    )
    with dg.instance_for_test() as instance:
        job = job_defs.resolve_job_def("freshness_of_orders")
        result = job.execute_in_process(instance=instance, raise_on_error=False)
        [evaluation] = [e for e in result.get_asset_check_evaluations() if e.asset_key == orders]
        assert not evaluation.passed

        instance.report_runless_asset_event(dg.AssetMaterialization(asset_key=orders))
        result = job.execute_in_process(instance=instance, raise_on_error=False)
        [evaluation] = [e for e in result.get_asset_check_evaluations() if e.asset_key == orders]
        assert evaluation.passed
        # Results accumulate in the instance: the history the UI and the Data quality page show.
        record = instance.get_latest_asset_check_evaluation_record(selection[0])
        assert record is not None and record.evaluation.passed


# ---------------------------------------------------------------------------------------------
# One writer at a time
# ---------------------------------------------------------------------------------------------
def _opens_warehouse(fn) -> bool:
    """Whether an op's compute function (or what it calls) reaches the warehouse file."""
    try:
        source = inspect.getsource(inspect.unwrap(fn))
    except (OSError, TypeError):
        return True  # cannot tell: treat as a writer, the safe side
    markers = ("warehouse", "duckdb", "open_warehouse", "load_kind", "dbt", "ingest", "run_suite", "publish")
    return any(marker in source for marker in markers)


@pytest.mark.slow  # loads the whole code location
def test_every_op_that_opens_the_warehouse_runs_in_the_writer_pool(definitions):
    graph = definitions.resolve_asset_graph()
    job = definitions.resolve_implicit_global_asset_job_def()
    seen_writers, seen_others = [], []
    for node in job.graph.node_defs:
        compute = getattr(node, "compute_fn", None)
        fn = getattr(compute, "decorated_fn", None) or compute
        if node.pool == POOL:
            seen_writers.append(node.name)
            continue
        if node.name == "shop_build":
            # Another shop's build, in a process on that shop's own home whose steps take that home's pool; then
            # the union, which reads published snapshots only (never a writer's file) and writes all_shops.duckdb.
            source = inspect.getsource(inspect.unwrap(fn))
            assert "run_each_shop" in source and "WarehouseResource" not in source and "writer(" not in source
            seen_others.append(node.name)
            continue
        # Only Dagster's built-in freshness checks may run outside the pool: they read the
        # instance's materialization times, never the warehouse.
        assert "freshness_check" in node.name, (
            f"op {node.name!r} has pool={node.pool!r}; every op that opens the warehouse must declare "
            f"pool='{POOL}'")
        assert not _opens_warehouse(fn), f"op {node.name!r} reaches the warehouse without the writer pool"
        seen_others.append(node.name)
    # The pool is really declared on loaders, GX checks, dbt and publish (not vacuously true).
    assert any("dbt" in name for name in seen_writers)
    assert any(name.startswith("raw__") for name in seen_writers)
    assert any("published_snapshot" in name for name in seen_writers)
    assert any(name.startswith("gx_") or "gx" in name for name in seen_writers)
    assert seen_others  # the freshness checks are in the graph
    assert len(graph.asset_check_keys) > 0


def test_instance_settings_limit_the_pool_to_one_slot():
    import yaml

    config = yaml.safe_load((settings.REPO_ROOT / "dagster.yaml").read_text())
    pools = config["concurrency"]["pools"]
    assert pools["default_limit"] == 1
    assert pools["granularity"] == "op"
    assert config["telemetry"]["enabled"] is False
