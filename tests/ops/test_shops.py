"""Shops of one home (issue 15), without a build: where each shop's files and home are, what the root's ingest
leaves alone, and the union of the shops' snapshots (orchestration/lib/shops.py). The real build of a home of
several shops is tests/pipeline/test_many_shops.py."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from orchestration import settings
from orchestration.lib import shops

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "exports"


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("TSW_HOME", str(tmp_path))
    monkeypatch.delenv("TSW_SHOP", raising=False)
    return tmp_path


def test_a_home_without_shop_folders_is_a_single_shop_home_as_before(home, monkeypatch):
    (home / "inbox").mkdir()
    (home / "inbox" / "orders.csv").write_text("x\n")
    assert settings.shops() == [] and shops.home_shops() == []
    assert (settings.tsw_home(), settings.inbox_dir(), settings.warehouse_path()) == (
        home, home / "inbox", home / "warehouse.duckdb")


def test_each_named_shop_has_its_inbox_folder_and_its_own_home(home, monkeypatch):
    (home / "inbox" / "uk").mkdir(parents=True)
    (home / "inbox" / "Not A Shop").mkdir()  # not a shop name: refused by the ingest like any folder
    (home / "shops" / "us").mkdir(parents=True)  # built before; its inbox folder may be gone
    assert settings.shops() == ["uk", "us"]
    assert shops.home_shops() == ["uk", "us"]  # nothing of the root's own: no default shop
    (home / "inbox" / "loose.csv").write_text("x\n")
    assert shops.home_shops() == ["default", "uk", "us"]
    monkeypatch.setenv("TSW_SHOP", "uk")
    assert settings.inbox_dir() == home / "inbox" / "uk"
    assert settings.warehouse_path() == home / "shops" / "uk" / "warehouse.duckdb"
    assert settings.catalogue_dir() == home / "shops" / "uk" / "catalogue"
    assert settings.secrets_dir() == home / "secrets"  # one buyer salt for the home
    assert settings.subprocess_env()["TSW_HOME"] == str(home)  # a child works on the same shop, not shops/uk/shops
    monkeypatch.setenv("TSW_SHOP", "../etc")
    with pytest.raises(ValueError):
        settings.tsw_home()


@pytest.mark.slow  # real file loads through the whole ingest engine: 6.7 s in a loaded unit lane
def test_the_roots_ingest_leaves_shop_folders_to_their_shop(home, monkeypatch):
    from orchestration.ingest import ingest_inbox

    name = "orders_export_1.csv"
    (home / "inbox" / "uk").mkdir(parents=True)
    (home / "inbox" / "Not A Shop").mkdir()
    for folder in (home / "inbox", home / "inbox" / "uk"):
        (folder / name).write_bytes((FIXTURES / "shopify" / name).read_bytes())
    results = {r.file: r for r in ingest_inbox()}
    assert results[name].status == "loaded"
    assert results["Not A Shop"].rule == "not_a_regular_file"
    assert "uk" not in results and (home / "inbox" / "uk" / name).exists()
    monkeypatch.setenv("TSW_SHOP", "uk")
    (result,) = ingest_inbox()
    assert (result.file, result.status) == (name, "loaded")  # the same content is new to the shop's own warehouse
    assert not (home / "inbox" / "uk" / name).exists()
    assert (home / "shops" / "uk" / "archive").is_dir()


def _snapshot(path: Path, rows: list[tuple], extra_column: bool = False) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(path)) as con:
        con.execute("create schema marts; create schema raw")
        con.execute("create table marts.fct (order_id varchar, revenue double"
                    + (", note varchar" if extra_column else "") + ")")
        for row in rows:
            con.execute(f"insert into marts.fct values ({', '.join('?' * len(row))})", list(row))
        con.execute("create view marts.v as select order_id from marts.fct")
        con.execute("create table raw._load_log as select 'f.csv' as file_name")


def test_the_union_gives_every_table_and_view_a_shop_column_and_leaves_out_an_unbuilt_shop(home):
    _snapshot(home / "shops" / "uk" / "published.duckdb", [("A", 1.0), ("B", 2.0)])
    _snapshot(home / "shops" / "us" / "published.duckdb", [("A", 5.0, "late")], extra_column=True)
    (home / "shops" / "broken").mkdir()
    result = shops.publish_all_shops(["broken", "uk", "us"])
    assert list(result.published) == ["uk", "us"]
    with duckdb.connect(str(settings.all_shops_path()), read_only=True) as con:
        assert con.execute("select * from marts.fct order by shop, order_id").fetchall() == [
            ("uk", "A", 1.0, None), ("uk", "B", 2.0, None), ("us", "A", 5.0, "late")]
        assert con.execute("select shop, count(*) from marts.v group by all order by 1").fetchall() == [
            ("uk", 2), ("us", 1)]
        assert con.execute("select shop, file_name from raw._load_log order by 1").fetchall() == [
            ("uk", "f.csv"), ("us", "f.csv")]
        assert con.execute("select shop from main._shops order by 1").fetchall() == [("uk",), ("us",)]
    assert not list(home.glob(".all_shops.duckdb.*.tmp"))


# ---------------------------------------------------------------------------------------------
# Each named shop a Dagster partition: the sensor and the schedule (defs/shops); the build itself is in
# tests/pipeline/test_many_shops.py
# ---------------------------------------------------------------------------------------------
def _sensor_tick(instance, cursor):
    import dagster as dg

    from orchestration.defs.shops.automation import shop_sensor

    # As the daemon evaluates a sensor: partitions are looked up in this instance.
    with dg.partition_loading_context(dynamic_partitions_store=instance), \
            dg.build_sensor_context(instance=instance, cursor=cursor, definitions=_shop_definitions()) as context:
        return shop_sensor.evaluate_tick(context)


def _shop_definitions():
    """The shops' part of the code location alone (no dbt manifest to load)."""
    from orchestration.defs.shops.definitions import defs

    return defs()


def test_the_shop_sensor_registers_each_shop_and_starts_only_the_shop_with_new_files(home):
    import dagster as dg

    from orchestration.defs.shops.automation import daily_shop_builds
    from orchestration.defs.shops.definitions import SHOP_PARTITIONS

    name = "orders_export_1.csv"
    (home / "inbox" / "uk").mkdir(parents=True)
    (home / "inbox" / "us").mkdir(parents=True)
    (home / "inbox" / "uk" / name).write_bytes((FIXTURES / "shopify" / name).read_bytes())
    (home / "inbox" / "loose.csv").write_text("x\n")  # the default shop's: inbox_sensor's, not this sensor's
    with dg.instance_for_test() as instance:
        first = _sensor_tick(instance, None)
        [added] = first.dynamic_partitions_requests
        assert added.partition_keys == ["uk", "us"] and added.partitions_def_name == SHOP_PARTITIONS.name
        assert first.run_requests == []  # a shop's files are looked at once it is a partition (the next tick)
        instance.add_dynamic_partitions(SHOP_PARTITIONS.name, list(added.partition_keys))  # as the daemon does

        second = _sensor_tick(instance, first.cursor)
        assert [(r.partition_key, r.tags["tsw/new_files"]) for r in second.run_requests] == [("uk", "1")]
        assert not second.dynamic_partitions_requests

        again = _sensor_tick(instance, second.cursor)
        assert again.run_requests == [] and not again.dynamic_partitions_requests
        assert "no new" in (again.skip_message or "")

        # A new export for `us` starts `us`'s build only; `uk`'s file (already requested) starts nothing.
        (home / "inbox" / "us" / "orders_export_2.csv").write_bytes(
            (FIXTURES / "shopify" / name).read_bytes().replace(b"#1001", b"#2001"))
        third = _sensor_tick(instance, again.cursor)
        assert [r.partition_key for r in third.run_requests] == ["us"]
        assert third.run_requests[0].run_key != second.run_requests[0].run_key

        # A shop folder created later is registered on the next tick.
        (home / "inbox" / "de").mkdir()
        fourth = _sensor_tick(instance, third.cursor)
        assert [list(r.partition_keys) for r in fourth.dynamic_partitions_requests] == [["de"]]
        assert fourth.run_requests == []

        # Every morning: one run per registered shop, each its own partition (so one failing never stops another).
        repository = _shop_definitions().get_repository_def()
        with dg.partition_loading_context(dynamic_partitions_store=instance), \
                dg.build_schedule_context(instance=instance, repository_def=repository,
                                          scheduled_execution_time=datetime(2026, 3, 9, 6, 0)) as context:
            result = daily_shop_builds.evaluate_tick(context)
        assert sorted(r.partition_key for r in result.run_requests) == ["uk", "us"]
        assert {r.run_key for r in result.run_requests} == {"uk:2026-03-09", "us:2026-03-09"}


def test_a_single_shop_home_has_no_shop_runs(home):
    import dagster as dg

    (home / "inbox").mkdir()
    (home / "inbox" / "orders.csv").write_text("x\n")
    with dg.instance_for_test() as instance:
        tick = _sensor_tick(instance, None)
        assert tick.run_requests == [] and not tick.dynamic_partitions_requests
