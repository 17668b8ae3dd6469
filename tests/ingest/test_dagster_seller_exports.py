"""The Dagster side: one asset per raw table loading its kind from the inbox, and the inbox sensor."""

from __future__ import annotations

import shutil
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from orchestration import settings
from orchestration.defs.resources import WarehouseResource

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "exports"
RESOURCES = {"warehouse": WarehouseResource()}


def _drop(*names: str) -> None:
    settings.inbox_dir().mkdir(parents=True, exist_ok=True)
    for name in names:
        shutil.copyfile(FIXTURES / name, settings.inbox_dir() / Path(name).name)


def test_one_asset_per_raw_table_in_the_writer_pool():
    from orchestration.defs.ingest import seller_exports

    keys = {key.to_user_string() for a in seller_exports.build_assets() for key in a.keys}
    assert keys == {
        "raw/tiktok_orders", "raw/tiktok_affiliate_orders", "raw/tiktok_video_performance",
        "raw/tiktok_product_analytics", "raw/tiktok_ads_campaign_daily", "raw/amazon_all_orders",
        "raw/amazon_business_report", "raw/shopify_orders", "raw/tiktok_statements", "raw/amazon_transactions",
        "raw/amazon_fba_returns", "raw/shopify_payouts",
    }
    for a in seller_exports.build_assets():
        assert a.op.pool == "warehouse_writer"
        assert a.group_names_by_key[a.key] == "seller_exports"


@pytest.mark.slow  # > 10 s on two cores (lanes: not in make test-unit)
def test_assets_load_their_kind_and_report_metadata(home):
    from orchestration.defs.ingest import seller_exports

    _drop("tiktok/All order-2025-10-31-09_15.csv", "shopify/orders_export_1.csv")
    result = dg.materialize(seller_exports.build_assets(), resources=RESOURCES)
    assert result.success
    meta = {
        m.asset_key.to_user_string(): m.metadata
        for m in result.asset_materializations_for_node("raw__tiktok_orders") + result.asset_materializations_for_node("raw__shopify_orders")
    }
    assert meta["raw/tiktok_orders"]["rows_loaded"].value == 3
    assert meta["raw/tiktok_orders"]["rows_quarantined"].value == 1
    assert meta["raw/shopify_orders"]["table_rows"].value == 3
    # Nothing new: every asset is a no-op that still reports the table's size.
    again = dg.materialize(seller_exports.build_assets(), resources=RESOURCES)
    (m,) = again.asset_materializations_for_node("raw__tiktok_orders")
    assert m.metadata["files_loaded"].value == 0 and m.metadata["table_rows"].value == 3
    assert list(settings.inbox_dir().iterdir()) == []


@pytest.mark.slow  # materializes the twelve loaders
def test_each_inbox_file_is_detected_once_per_build_by_the_twelve_loaders(home):
    from orchestration.defs.ingest import seller_exports
    from orchestration.ingest import detect

    _drop("tiktok/All order-2025-10-31-09_15.csv", "shopify/orders_export_1.csv", "tiktok/affiliate_orders_2025-10.csv",
          "amazon/All Orders Report 2025-10.txt")
    (settings.inbox_dir() / "notes.csv").write_text("what,ever\n1,2\n", encoding="utf-8")  # nobody's format
    before = detect.detections()
    result = dg.materialize(seller_exports.build_assets(), resources=RESOURCES)
    assert result.success
    assert detect.detections() - before == 5  # was 12 assets x 5 files = 60
    statuses = {f["file"]: f["status"] for m in result.get_asset_materialization_events()
                for f in m.materialization.metadata["files"].value}
    assert statuses["notes.csv"] == "quarantined_file"
    assert {statuses[n] for n in statuses if n != "notes.csv"} == {"loaded"}
    assert list(settings.inbox_dir().iterdir()) == []


@pytest.mark.slow  # materializes the twelve loaders
def test_the_export_gate_is_an_asset_check_failing_for_the_kind_whose_file_it_refused(home):
    """Great Expectations' verdict on each export reaches Dagster as the loader's `gx_export_gate` check,
    so a refused file shows in the Dagster UI, `tsw status` and the Data quality page, not only in the log."""
    from orchestration.defs.ingest import seller_exports

    _drop("tiktok/orders_mixed_currency.csv", "tiktok/affiliate_orders_2025-10.csv", "shopify/orders_export_1.csv")
    result = dg.materialize(seller_exports.build_assets(), resources=RESOURCES)
    assert result.success  # a refused file is quarantined; the build goes on
    gate = {e.asset_key.to_user_string(): e for e in result.get_asset_check_evaluations()
            if e.check_name == "gx_export_gate"}
    assert len(gate) == 12  # one per loader
    orders = gate["raw/tiktok_orders"]
    assert not orders.passed and orders.metadata["files_refused"].value == 1
    assert "one_currency_per_file" in orders.metadata["failures"].value
    assert "orders_mixed_currency.csv" in orders.metadata["failures"].value
    for key in ("raw/tiktok_affiliate_orders", "raw/shopify_orders"):
        assert gate[key].passed and gate[key].metadata["files_checked"].value == 1
    assert gate["raw/amazon_all_orders"].passed and gate["raw/amazon_all_orders"].metadata["files_checked"].value == 0


def test_a_new_process_reuses_the_detection_but_not_after_the_file_or_a_format_changed(home, monkeypatch):
    """Dagster's multiprocess executor runs each loader in its own process: the detection is remembered on
    disk, keyed by the file's identity and the format definitions, never by its name."""
    from orchestration.ingest import detect

    (path,) = [settings.inbox_dir() / "All order-2025-10-31-09_15.csv"]
    _drop("tiktok/All order-2025-10-31-09_15.csv")
    assert detect.inbox_kinds([path]) == {path: "tiktok_orders"}
    before = detect.detections()
    assert detect.inbox_kinds([path]) == {path: "tiktok_orders"}
    assert detect.detections() == before
    # Same name, other content (a Shopify export saved over it): detected again.
    shutil.copyfile(FIXTURES / "shopify/orders_export_1.csv", path)
    assert detect.inbox_kinds([path]) == {path: "shopify_orders"}
    assert detect.detections() == before + 1
    # A changed format definition (another fingerprint) invalidates what was remembered.
    monkeypatch.setattr(detect, "_formats_fingerprint", lambda directory: "edited")
    detect.inbox_kinds([path])
    assert detect.detections() == before + 2


@pytest.mark.slow  # a Dagster instance and its run storage: 3.5 s in a loaded unit lane
def test_sensor_requests_one_run_for_the_new_contents(home):
    from orchestration.defs.automation.sensors import batch_run_key, inbox_sensor
    from orchestration.ingest import ingest_paths
    from orchestration.ingest.readers import file_sha256
    from orchestration.lib.warehouse import publish

    _drop("tiktok/affiliate_orders_2025-10.csv", "shopify/orders_export_1.csv")
    ctx = dg.build_sensor_context(cursor=None)
    request = inbox_sensor(ctx)
    assert isinstance(request, dg.RunRequest) and request.tags["tsw/new_files"] == "2"
    # Same files on the next tick: already requested (cursor), nothing new.
    assert isinstance(inbox_sensor(dg.build_sensor_context(cursor=ctx.cursor)), dg.SkipReason)
    # A content already in the published build's _load_log is not requested again even with a fresh
    # cursor (the sensor reads the published snapshot, never the writer's file).
    ingest_paths([settings.inbox_dir() / "affiliate_orders_2025-10.csv"], move_files=False)
    publish()
    fresh = inbox_sensor(dg.build_sensor_context(cursor=None))
    assert fresh.tags["tsw/files"] == "orders_export_1.csv"
    assert fresh.run_key == batch_run_key([file_sha256(settings.inbox_dir() / "orders_export_1.csv")])
    with duckdb.connect(str(settings.warehouse_path()), read_only=True) as conn:
        assert conn.execute("SELECT count(*) FROM raw._load_log").fetchone() == (1,)
