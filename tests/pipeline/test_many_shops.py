"""Several shops in one home (issue 15): `tsw build` on the root builds each shop on its own home and publishes
all_shops.duckdb, every table with a `shop` column; a bad file or a failed build in one shop never stops another;
every page filters by shop through the sidebar's shop switch (streamlit_app/data.py), one shop at a time.

One build (module fixture): three shops cut from the demo's real-layout exports over different windows — `us`
(all channels, a week), `uk` (all channels, another week, plus a file no definition knows, which is quarantined)
and `outlet` (TikTok only) — and a fourth shop, `broken`, whose settings file is invalid, so its build does not
start. Nothing is put directly in the inbox: there is no default shop.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from streamlit_app.i18n import t
from tests.app.marts_fixture import APP_PATH
from tests.pipeline.thin_sellers import cut_orders

pytestmark = pytest.mark.slow

ALL = {"tiktok_shop", "amazon", "shopify"}
SHOPS = {"us": (date(2025, 6, 10), 7, ALL), "uk": (date(2025, 9, 1), 7, ALL), "outlet": (date(2025, 11, 3), 5,
                                                                                      {"tiktok_shop"})}
BAD_FILE = "notes from the warehouse.csv"
KIND_OF = {"tiktok_shop": "tiktok_orders", "amazon": "amazon_all_orders", "shopify": "shopify_orders"}
PAGES = ("market", "sources", "categories", "spillover", "settlements", "overview", "data_quality", "sql",
         "catalogue")


@pytest.fixture(scope="module")
def many_shops(demo_source, tmp_path_factory):
    demo = demo_source.out_dir.parent
    home = tmp_path_factory.mktemp("many_shops")
    lines = {}
    for shop, (start, days, channels) in SHOPS.items():
        lines[shop] = cut_orders(demo / "inbox", demo / "demo_truth", home / "inbox" / shop, start=start, days=days,
                                 channels=channels)
    (home / "inbox" / "uk" / BAD_FILE).write_text("what,is,this\n1,2,3\n", encoding="utf-8")
    (home / "inbox" / "broken").mkdir()
    (home / "shops" / "broken").mkdir(parents=True)
    (home / "shops" / "broken" / "settings.toml").write_text('time_zone = "Mars/Olympus_Mons"\n', encoding="utf-8")
    env = {**os.environ, "TSW_HOME": str(home), "OPENBLAS_NUM_THREADS": "1"}
    env.pop("TSW_SHOP", None)
    result = subprocess.run([str(Path(sys.executable).parent / "tsw"), "build"], env=env, capture_output=True,
                            text=True, timeout=3000, check=False)
    return home, lines, result


def _q(path: Path, sql: str):
    with duckdb.connect(str(path), read_only=True) as conn:
        return conn.execute(sql).fetchall()


def test_a_failed_shop_fails_the_command_but_every_other_shop_is_built_and_published(many_shops):
    home, _, result = many_shops
    out = result.stdout + result.stderr
    assert result.returncode == 1, out[-4000:]
    assert "shop broken: FAILED" in out and "shop us: built" in out and "shop uk: built" in out, out[-4000:]
    assert not (home / "published.duckdb").exists()  # no default shop: the root holds no warehouse of its own
    for shop in SHOPS:
        assert (home / "shops" / shop / "published.duckdb").is_file()
    assert _q(home / "all_shops.duckdb", "select shop from main._shops order by shop") == [
        ("outlet",), ("uk",), ("us",)]


def test_every_table_has_shop_and_holds_exactly_each_shops_own_snapshot(many_shops):
    home, _, _ = many_shops
    union = home / "all_shops.duckdb"
    tables = _q(union, "select schema_name, table_name from duckdb_tables() where schema_name <> 'main' "
                       "order by 1, 2")
    marts = [name for schema, name in tables if schema == "marts"]
    assert {"fct_order_lines", "fct_orders", "mart_category_daily", "mart_payout_reconciliation",
            "mart_channel_daily"} <= set(marts), marts
    with duckdb.connect(str(union), read_only=True) as con:
        for shop in SHOPS:
            con.execute(f"ATTACH '{home / 'shops' / shop / 'published.duckdb'}' AS own (READ_ONLY)")
            for schema, name in tables:
                first = con.execute(f"select column_name from duckdb_columns() where database_name = 'all_shops' "
                                    f"and schema_name = '{schema}' and table_name = '{name}' "
                                    "order by column_index limit 1").fetchone()[0]
                assert first == "shop", (schema, name)
                own = con.execute(f"select count(*) from own.{schema}.{name}").fetchone()[0]
                if not own:
                    continue
                # Same rows, cell for cell (multisets): the shop's slice of the union is its snapshot.
                columns = ", ".join(f'"{c}"' for (c,) in con.execute(
                    "select column_name from duckdb_columns() where database_name = 'own' and schema_name = ? "
                    "and table_name = ? order by column_index", [schema, name]).fetchall())
                extra = con.execute(f"select count(*) from (select {columns} from {schema}.{name} where shop = ? "
                                    f"except all select {columns} from own.{schema}.{name})", [shop]).fetchone()[0]
                missing = con.execute(f"select count(*) from (select {columns} from own.{schema}.{name} except all "
                                      f"select {columns} from {schema}.{name} where shop = ?)", [shop]).fetchone()[0]
                assert (extra, missing) == (0, 0), (shop, schema, name, extra, missing)
            con.execute("DETACH own")


def test_each_shops_totals_are_its_own_files_and_a_bad_file_stays_in_its_shop(many_shops):
    home, lines, _ = many_shops
    union = home / "all_shops.duckdb"
    loaded = {(s, k): n for s, k, n in _q(union, "select shop, kind, sum(rows_loaded) from raw._load_log "
                                                 "where status = 'loaded' group by all")}
    facts = {(s, c): n for s, c, n in _q(union, "select shop, channel, count(*) from marts.fct_order_lines "
                                                "group by all")}
    for shop, counts in lines.items():
        for channel, n in counts.items():
            assert loaded.get((shop, KIND_OF[channel]), 0) == n, (shop, channel, loaded)
            if n:
                assert facts.get((shop, channel), 0) > 0, (shop, channel, facts)
        assert {c for (s, c) in facts if s == shop} <= {c for c, n in counts.items() if n}
    refused = _q(union, "select shop, file_name from raw._load_log where status = 'quarantined_file'")
    assert refused == [("uk", BAD_FILE)], refused
    assert (home / "shops" / "uk" / "quarantine" / BAD_FILE).is_file()
    assert sorted(p.name for p in (home / "inbox").iterdir()) == ["broken", "outlet", "uk", "us"]
    assert not [p for s in SHOPS for p in (home / "inbox" / s).iterdir()]  # every file filed away in its own shop


def _categories_revenue(home: Path, monkeypatch, lang: str, shop: str | None) -> tuple[object, list[str]]:
    monkeypatch.setenv("TSW_HOME", str(home))
    at = AppTest.from_file(str(APP_PATH), default_timeout=120)
    at.query_params["lang"] = lang
    if shop:
        at.query_params["shop"] = shop
    at.run()
    at.switch_page("views/categories.py").run()
    assert not at.exception, [e.value for e in at.exception]
    boxes = [s for s in at.sidebar.selectbox if s.label == t("app.shop", lang)]
    return {m.label: m.value for m in at.metric}.get(t("categories.kpi.net_revenue", lang)), \
        [o for o in boxes[0].options] if boxes else []


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_shop_switch_filters_every_page(many_shops, lang, monkeypatch):
    home, _, _ = many_shops
    # The switch lists every shop (the broken one too: its pages say it has no build yet); before a choice the
    # pages show the first shop with a build.
    first, options = _categories_revenue(home, monkeypatch, lang, None)
    assert options == ["broken", "outlet", "uk", "us"], options
    assert first == _categories_revenue(home, monkeypatch, lang, "outlet")[0]
    # A shop's page on the multi-shop home shows what the shop's own home shows alone.
    seen = {}
    for shop in ("us", "uk"):
        seen[shop], _ = _categories_revenue(home, monkeypatch, lang, shop)
        alone, alone_options = _categories_revenue(home / "shops" / shop, monkeypatch, lang, None)
        assert alone_options == []  # a shop's own home is a single-shop home: no switch
        assert seen[shop] == alone, (shop, seen[shop], alone)
    assert seen["us"] != seen["uk"], seen
    monkeypatch.setenv("TSW_HOME", str(home))
    for shop in (None, "uk"):
        for page in PAGES:
            at = AppTest.from_file(str(APP_PATH), default_timeout=120)
            at.query_params["lang"] = lang
            if shop:
                at.query_params["shop"] = shop
            at.run()
            at.switch_page(f"views/{page}.py").run()
            assert not at.exception, (shop, page, [e.value for e in at.exception])
            assert not [e.value for e in at.error], (shop, page, [e.value for e in at.error])


def test_each_named_shop_is_a_dagster_partition_whose_failure_is_its_own(many_shops, monkeypatch):
    """`shop_builds_job` (defs/shops), as the daemon runs it for one partition: `outlet` gets a new export and is
    rebuilt on its own home; `broken` fails its own run, says why, and leaves every other shop's snapshot and the
    union as they were."""
    import dagster as dg

    from orchestration.definitions import defs

    home, _, _ = many_shops
    monkeypatch.setenv("TSW_HOME", str(home))
    monkeypatch.delenv("TSW_SHOP", raising=False)
    outlet = home / "shops" / "outlet" / "published.duckdb"
    before = _q(outlet, "select count(*) from marts.fct_order_lines")[0][0]
    us_snapshot = (home / "shops" / "us" / "published.duckdb").stat().st_mtime_ns
    archive = home / "shops" / "outlet" / "archive"
    demo = next(p for p in sorted(archive.glob("*.csv"))  # one of outlet's TikTok order exports, re-cut
                if json.loads(p.with_name(p.name + ".json").read_text())["kind"] == "tiktok_orders")
    with demo.open(encoding="utf-8-sig", newline="") as f:
        header, *body = [r for r in csv.reader(f) if r and not r[0].startswith("Platform unique")]
    new_orders = [["9" + r[0][1:], *r[1:]] for r in body[:3]]  # three new order ids (the first digit changed)
    with (home / "inbox" / "outlet" / "All order-2025-12-31-09_00.csv").open("w", encoding="utf-8-sig",
                                                                              newline="") as f:
        csv.writer(f, lineterminator="\r\n").writerows([header, *new_orders])

    job = defs().resolve_job_def("shop_builds_job")
    with dg.instance_for_test() as instance:
        instance.add_dynamic_partitions("shop", ["broken", "outlet"])
        built = job.execute_in_process(instance=instance, partition_key="outlet", raise_on_error=False)
        failed = job.execute_in_process(instance=instance, partition_key="broken", raise_on_error=False)
    assert built.success
    [materialized] = built.asset_materializations_for_node("shop_build")
    assert materialized.partition == "outlet"
    assert _q(outlet, "select count(*) from marts.fct_order_lines")[0][0] == before + 3
    assert not failed.success
    [failure] = [e for e in failed.all_events if e.event_type_value == "STEP_FAILURE"]
    assert "shop broken's build failed" in failure.event_specific_data.error.message
    assert (home / "shops" / "us" / "published.duckdb").stat().st_mtime_ns == us_snapshot  # untouched
    assert _q(home / "all_shops.duckdb", "select shop from main._shops order by shop") == [
        ("outlet",), ("uk",), ("us",)]
    assert _q(home / "all_shops.duckdb", "select count(*) from marts.fct_order_lines where shop = 'outlet'")[0][0] \
        == before + 3
