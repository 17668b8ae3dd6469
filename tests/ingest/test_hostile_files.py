"""Damaged, oversized and hostile files: each ends quarantined with a reason naming it, never a crash, and
never stops another file or kind from loading."""

from __future__ import annotations

import resource
import time
from pathlib import Path

import dagster as dg
import hostile
import pytest

from orchestration import settings
from orchestration.defs.resources import WarehouseResource
from orchestration.ingest import ingest_inbox, ingest_paths, xlsx

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "exports"
RESOURCES = {"warehouse": WarehouseResource()}
TT_CSV = "tiktok/All order-2025-10-31-09_15.csv"
TT_XLSX = "tiktok/All order-2025-11-01-08_00.xlsx"
TIKTOK_HEADERS = ["Order ID", "Order Status", "SKU ID", "Product ID", "Quantity", "Created Time", "Order Amount"]


def _inbox(name: str, data: bytes) -> Path:
    return hostile.write(settings.inbox_dir() / name, data)


def _load_log(query):
    return query("SELECT file_name, status, rule, message FROM raw._load_log ORDER BY file_name")


@pytest.mark.slow  # real file loads through the whole ingest engine: 7.4 s in a loaded unit lane
@pytest.mark.parametrize("damage", [hostile.flip_compressed_sheet_bytes, hostile.garble_sheet_xml])
def test_corrupted_xlsx_is_quarantined_naming_the_file_and_the_good_csv_still_loads(home, query, damage):
    bad = _inbox("All order-2025-11-01-08_00.xlsx", damage((FIXTURES / TT_XLSX).read_bytes()))
    good = _inbox(Path(TT_CSV).name, (FIXTURES / TT_CSV).read_bytes())
    results = {r.file: r for r in ingest_paths([bad, good])}
    assert results[bad.name].status == "quarantined_file" and results[bad.name].rule == "damaged_xlsx"
    assert bad.name in results[bad.name].message and "re-download" in results[bad.name].message
    assert results[good.name].status == "loaded"
    assert (settings.quarantine_dir() / f"{bad.name}.reason.txt").exists()
    rows = _load_log(query)
    assert [(f, s, r) for f, s, r, _ in rows] == [
        (good.name, "loaded", None), (bad.name, "quarantined_file", "damaged_xlsx"),
    ]


@pytest.mark.slow  # runs the eight loader assets: 43 s in a loaded unit lane
def test_corrupted_xlsx_never_fails_the_loader_assets(home, query):
    """The build's 8 loader assets: a damaged workbook of one kind beside good files of that and other kinds."""
    from orchestration.defs.ingest import seller_exports

    _inbox("All order-2025-11-01-08_00.xlsx", hostile.flip_compressed_sheet_bytes((FIXTURES / TT_XLSX).read_bytes()))
    _inbox("Product Analytics.xlsx", hostile.garble_sheet_xml((FIXTURES / "tiktok/Product Analytics.xlsx").read_bytes()))
    for rel in (TT_CSV, "shopify/orders_export_1.csv", "tiktok/Video List 2025-10-01_2025-10-31.xlsx"):
        _inbox(Path(rel).name, (FIXTURES / rel).read_bytes())
    result = dg.materialize(seller_exports.build_assets(), resources=RESOURCES, raise_on_error=False)
    assert result.success
    status = {f: (s, r) for f, s, r, _ in _load_log(query)}
    assert status == {
        "All order-2025-11-01-08_00.xlsx": ("quarantined_file", "damaged_xlsx"),
        "Product Analytics.xlsx": ("quarantined_file", "damaged_xlsx"),
        Path(TT_CSV).name: ("loaded", None),
        "orders_export_1.csv": ("loaded", None),
        "Video List 2025-10-01_2025-10-31.xlsx": ("loaded", None),
    }
    assert list(settings.inbox_dir().iterdir()) == []


@pytest.mark.slow  # runs the eight loader assets: 39 s in a loaded unit lane
def test_each_xlsx_is_opened_once_by_the_eight_loader_assets(home):
    from orchestration.defs.ingest import seller_exports

    names = [TT_XLSX, "tiktok/Product Analytics.xlsx", "tiktok/Video List 2025-10-01_2025-10-31.xlsx", TT_CSV,
             "amazon/All Orders Report 2025-10.txt", "shopify/orders_export_1.csv"]
    for rel in names:
        _inbox(Path(rel).name, (FIXTURES / rel).read_bytes())
    before = xlsx.open_count()
    assert dg.materialize(seller_exports.build_assets(), resources=RESOURCES).success
    # Was 25 per workbook (detection by every asset, per layout). Now one parser per workbook; the orders
    # fixture's Excel-damaged ID, a number (9.43461E+21), sends it from calamine to openpyxl: 4 opens.
    assert xlsx.open_count() - before == 4


@pytest.mark.slow  # builds and refuses a bomb workbook: 16 s in a loaded unit lane
def test_shared_strings_bomb_is_refused_quickly_with_bounded_memory(home, query):
    # 6 million one-letter strings (100 MB of XML in a ~100 KB file): over the default limit of 5 million.
    bomb = _inbox("All order-2025-11-02-08_00.xlsx", hostile.shared_strings_bomb(TIKTOK_HEADERS, 6_000_000))
    assert bomb.stat().st_size < 1_000_000
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    (r,) = ingest_paths([bomb])
    elapsed = time.monotonic() - started
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
    assert (r.status, r.rule) == ("quarantined_file", "xlsx_over_limit")
    assert "shared strings" in r.message and "TSW_XLSX_MAX_SHARED_STRINGS" in r.message and bomb.name in r.message
    assert grown_mb < 200, grown_mb  # streamed, never held: openpyxl would hold every string
    assert elapsed < 60, elapsed  # generous: the machine is shared; the scan itself takes ~1 s


def test_decompressed_size_limit_is_configurable(home, monkeypatch):
    monkeypatch.setenv("TSW_XLSX_MAX_UNZIPPED_MB", "5")
    bomb = _inbox("All order-2025-11-02-08_00.xlsx", hostile.shared_strings_bomb(TIKTOK_HEADERS, 1_000_000))
    (r,) = ingest_paths([bomb])
    assert (r.status, r.rule) == ("quarantined_file", "xlsx_over_limit")
    assert "decompress" in r.message and "5 MB" in r.message and "TSW_XLSX_MAX_UNZIPPED_MB" in r.message


@pytest.mark.parametrize("column, row, limit", [("XFD", 2, "TSW_XLSX_MAX_COLUMNS"), ("A", 1_048_577, "TSW_XLSX_MAX_ROWS")])
def test_far_away_cell_is_refused_before_a_reader_pads_to_it(home, column, row, limit):
    path = _inbox("All order-2025-11-03-08_00.xlsx", hostile.far_cell_sheet(TIKTOK_HEADERS, column, row))
    (r,) = ingest_paths([path])
    assert (r.status, r.rule) == ("quarantined_file", "xlsx_over_limit") and limit in r.message


@pytest.mark.slow  # real file loads through the whole ingest engine: 3.9 s in a loaded unit lane
def test_row_limit_is_configurable(home, monkeypatch, query):
    monkeypatch.setenv("TSW_XLSX_MAX_ROWS", "3")
    (path,) = [_inbox(Path(TT_XLSX).name, (FIXTURES / TT_XLSX).read_bytes())]
    (r,) = ingest_paths([path])
    assert (r.status, r.rule) == ("quarantined_file", "xlsx_over_limit") and "rows" in r.message
    monkeypatch.delenv("TSW_XLSX_MAX_ROWS")
    (again,) = [_inbox(Path(TT_XLSX).name, (FIXTURES / TT_XLSX).read_bytes())]
    assert ingest_paths([again])[0].status == "loaded"


@pytest.mark.slow  # real file loads through the whole ingest engine: 3.2 s in a loaded unit lane
def test_inbox_filter_by_kind_survives_a_damaged_workbook(home, query):
    _inbox("broken.xlsx", hostile.flip_compressed_sheet_bytes((FIXTURES / TT_XLSX).read_bytes()))
    _inbox("orders_export_1.csv", (FIXTURES / "shopify/orders_export_1.csv").read_bytes())
    results = ingest_inbox(kinds={"shopify_orders"})
    assert sorted((r.file, r.status, r.rule) for r in results) == [
        ("broken.xlsx", "quarantined_file", "damaged_xlsx"), ("orders_export_1.csv", "loaded", None),
    ]


# ------------------------------------------------------------------ links, folders, pipes, names


@pytest.mark.slow  # real file loads through the whole ingest engine: 4.2 s in a loaded unit lane
def test_links_folders_and_pipes_in_the_inbox_are_refused_never_followed(home, query):
    import os
    import threading

    from orchestration.ingest.pii import buyer_salt_hex

    buyer_salt_hex()  # the salt exists, as after any build
    salt = settings.secrets_dir() / "buyer_salt"
    inbox = settings.inbox_dir()
    inbox.mkdir(parents=True)
    os.symlink("/etc/passwd", inbox / "passwd.csv")
    os.symlink(salt, inbox / "salt.csv")
    (inbox / "a folder").mkdir()
    hostile.write(inbox / "a folder" / "inside.csv", (FIXTURES / TT_CSV).read_bytes())
    os.mkfifo(inbox / "pipe.csv")
    _inbox(Path(TT_CSV).name, (FIXTURES / TT_CSV).read_bytes())

    done: list = []
    worker = threading.Thread(target=lambda: done.append(ingest_inbox()), daemon=True)
    worker.start()
    worker.join(120)
    assert done, "ingest hung (a pipe was opened?)"
    results = {r.file: r for r in done[0]}
    refused = {"passwd.csv", "salt.csv", "a folder", "pipe.csv"}
    assert {n for n, r in results.items() if r.rule == "not_a_regular_file"} == refused
    assert results[Path(TT_CSV).name].status == "loaded"
    messages = " ".join(r.message for r in results.values())
    assert "symbolic link" in messages and "folder" in messages and "named pipe" in messages
    log = query("SELECT file_name, rule, message FROM raw._load_log WHERE rule = 'not_a_regular_file'")
    assert {f for f, _, _ in log} == refused
    # Nothing of the targets was read: no passwd line, no salt byte anywhere in the warehouse or quarantine.
    assert not any("root:" in m for _, _, m in log)
    q = settings.quarantine_dir()
    assert os.path.islink(q / "passwd.csv") and os.path.islink(q / "salt.csv")  # moved aside as links
    for p in q.rglob("*"):
        if p.is_file() and not p.is_symlink():
            body = p.read_bytes()
            assert b"root:" not in body and salt.read_bytes() not in body, p
    assert (q / "passwd.csv.reason.txt").read_text().count("\n") == 6
    # Refused once: the next build finds nothing new.
    assert ingest_inbox() == []
    assert query("SELECT count(*) FROM raw._load_log") == [(5,)]


@pytest.mark.slow  # 21 s in a loaded unit lane
def test_ingest_a_folder_loads_the_files_inside_it(home, tmp_path, query):
    from click.testing import CliRunner

    from orchestration.cli import main

    folder = tmp_path / "downloads"
    hostile.write(folder / Path(TT_CSV).name, (FIXTURES / TT_CSV).read_bytes())
    hostile.write(folder / "orders_export_1.csv", (FIXTURES / "shopify/orders_export_1.csv").read_bytes())
    (folder / "sub").mkdir()
    result = CliRunner().invoke(main, ["ingest", str(folder)])
    assert "is a folder: loading the 2 file(s)" in result.output, result.output
    assert result.exit_code == 0, result.output
    assert "IsADirectoryError" not in result.output
    assert sorted(query("SELECT file_name, status FROM raw._load_log")) == [
        (Path(TT_CSV).name, "loaded"), ("orders_export_1.csv", "loaded"),
    ]
    assert (folder / "orders_export_1.csv").exists()  # the user's own folder is left as it was


@pytest.mark.slow  # real file loads through the whole ingest engine: 3.1 s in a loaded unit lane
@pytest.mark.parametrize("name", [
    "x" * 242 + ".csv",  # 246 bytes: the reason file's name would pass the file system's 255
    "evil\nrule: loaded\nreason: all good.csv",  # forges lines in .reason.txt and the load log
    "\u202eVSC.exe.csv",  # a right-to-left override disguising the name
])
def test_file_names_are_sanitised_before_paths_messages_and_tables(home, query, name):
    path = _inbox(name, (FIXTURES / "rejects/customer_list.csv").read_bytes())
    (r,) = ingest_paths([path])
    assert r.status == "quarantined_file" and r.rule == "unknown_format"
    (file_name, message, stored_as) = query("SELECT file_name, message, stored_as FROM raw._load_log")[0]
    for text in (file_name, message, r.file):
        assert "\n" not in text and "\u202e" not in text and len(file_name) <= 120
    stored = Path(stored_as)
    assert stored.exists() and stored.parent == settings.quarantine_dir()
    reason = Path(str(stored) + ".reason.txt").read_text()
    assert reason.count("\nrule: ") == 1 and "rule: loaded" not in reason.replace("?rule: loaded", "")
    assert not path.exists()


def test_headerless_export_never_echoes_its_personal_data(home, query):
    """A Shopify export missing its header row: the first data row is where the headers should be."""
    from test_seller_exports import PII_VALUES

    lines = (FIXTURES / "shopify/orders_export_1.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    path = _inbox("orders_export_1.csv", "".join(lines[1:]).encode())
    # A header row cut to two known names plus the same data: known headers are shown, the rest counted.
    partial = _inbox("orders_export_2.csv", ("Name,Email,Jennifer Okafor\n" + "".join(lines[1:])).encode())
    results = {r.file: r for r in ingest_paths([path, partial])}
    assert {r.rule for r in results.values()} == {"unknown_format"}
    assert "not shown" in results[path.name].message
    assert ("the column titles 'Name', 'Email' and 1 other cell that matches no known header"
            in results[partial.name].message)
    texts = [m for (m,) in query("SELECT message FROM raw._load_log")] + [r.message for r in results.values()]
    texts += [p.read_text() for p in settings.quarantine_dir().glob("*.reason.txt")]
    leaked = [v for v in PII_VALUES for t in texts if v.lower() in t.lower()]
    assert leaked == []
