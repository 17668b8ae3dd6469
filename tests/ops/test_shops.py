"""Shops of one home (issue 15), without a build: where each shop's files and home are, what the root's ingest
leaves alone, and the union of the shops' snapshots (orchestration/lib/shops.py). The real build of a home of
several shops is tests/pipeline/test_many_shops.py."""

from __future__ import annotations

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
