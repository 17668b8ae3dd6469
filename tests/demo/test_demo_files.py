"""The demo's export files look like the platforms' real downloads (seller-export-formats.md)."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import openpyxl
import pytest

from tests.demo.conftest import read_tiktok_csv
from tsw_demo import layouts as L

US_TIME = re.compile(r"^\d{2}/\d{2}/\d{4} (1[0-2]|[1-9]):[0-5]\d:[0-5]\d [AP]M\t$")
ISO_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+00:00$")
SHOPIFY_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} -0[78]00$")


def _paths(demo, kind):
    return [demo.out_dir / f.path for f in demo.by_kind(kind)]


def test_every_kind_written_small_and_fast(demo):
    kinds = {f.kind for f in demo.files}
    assert kinds == {"tiktok_orders", "tiktok_affiliate_orders", "tiktok_video_performance",
                     "tiktok_product_analytics", "tiktok_ads_campaign_daily", "amazon_all_orders",
                     "amazon_business_report", "shopify_orders", "tiktok_statements", "amazon_transactions",
                     "amazon_fba_returns", "shopify_payouts"}
    for f in demo.files:
        assert (demo.out_dir / f.path).stat().st_size == f.bytes > 0
    # The settlement files (statements, transaction reports, payouts) add about 15 MB to the 44 MB of orders.
    assert demo.total_bytes < 65_000_000
    # Ground truth lives apart from the exports so an inbox scan of top-level files never sees it.
    assert not any(p.suffix == ".json" for p in demo.out_dir.iterdir() if p.is_file())
    for name in ("ground_truth.json", "pii_canaries.json", "periods.json", "manifest.json", "ground_truth_daily.csv"):
        assert (demo.truth_dir / name).is_file()


def test_tiktok_orders_csv_quirks(demo):
    csvs = [p for p in _paths(demo, "tiktok_orders") if p.suffix == ".csv"]
    assert len(csvs) >= 12
    raw = csvs[0].read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.count(b"\r\n") > 0 and b"\r\n" in raw.split(b'"', 1)[0]
    header, rows = read_tiktok_csv(csvs[0])
    assert header == list(L.TIKTOK_ORDERS)
    assert header[10] == " Virtual Bundle Seller SKU"
    ix = {c: i for i, c in enumerate(header)}
    # More physical lines than records: Shipping Information holds embedded newlines.
    assert raw.count(b"\r\n") == len(rows) + 1
    assert raw.count(b"\n") > 3 * len(rows)
    assert all("\n" in r[ix["Shipping Information"]] for r in rows)
    for col in ("Order ID", "SKU ID", "Product ID", "Package ID", "Zipcode", "Created Time", "Paid Time"):
        assert all(r[ix[col]].endswith("\t") for r in rows), col
    assert all(US_TIME.match(r[ix["Created Time"]]) for r in rows)
    assert any(r[ix["Cancelled Time"]] == "\t" for r in rows)  # an empty time is a lone TAB
    created = [r[ix["Created Time"]] for r in rows]
    from datetime import datetime
    stamps = [datetime.strptime(c.strip(), "%m/%d/%Y %I:%M:%S %p") for c in created]
    assert stamps == sorted(stamps, reverse=True)  # newest first
    statuses = {r[ix["Order Status"]] for r in rows}
    assert {"Completed", "Cancelled"} <= statuses
    assert {"Fulfillment by seller", "Fulfillment by TikTok"} == {r[ix["Fulfillment Type"]] for r in rows}
    assert any(re.fullmatch(r"[A-Z]\*{4} [A-Z]\*{4}", r[ix["Recipient"]]) for r in rows)
    assert any(r[ix["Creator Handle"]] for r in rows)
    assert any(r[ix["Cancelation/Return Type"]] == "Return/Refund" and int(r[ix["Sku Quantity of return"]]) > 0
               for r in rows)
    # Multi-SKU orders repeat order-level amounts on every line.
    by_order: dict[str, list] = {}
    for r in rows:
        by_order.setdefault(r[ix["Order ID"]], []).append(r)
    multi = [v for v in by_order.values() if len(v) > 1]
    assert len(multi) > 20
    for lines in multi:
        for col in ("Order Amount", "Taxes", "Shipping Fee After Discount", "Order Refund Amount"):
            assert len({r[ix[col]] for r in lines}) == 1
        assert len({r[ix["SKU ID"]] for r in lines}) == len(lines)


def test_tiktok_orders_one_xlsx_with_description_row(demo):
    xlsx = [p for p in _paths(demo, "tiktok_orders") if p.suffix == ".xlsx"]
    assert len(xlsx) == 1
    wb = openpyxl.load_workbook(xlsx[0], read_only=True)
    assert wb.sheetnames == ["OrderSKUList"]
    rows = wb["OrderSKUList"].iter_rows(values_only=True)
    header, desc, first = next(rows), next(rows), next(rows)
    assert list(header) == list(L.TIKTOK_ORDERS)
    assert desc[0] == "Platform unique order ID."
    assert re.fullmatch(r"\d{18}", first[0])  # text, not a number Excel would round


def test_tiktok_windows_overlap_and_a_later_reexport_changes_state(demo):
    files = demo.by_kind("tiktok_orders")
    csv_files = sorted((f for f in files if f.path.endswith(".csv")), key=lambda f: f.exported_at)
    reexport, earlier = csv_files[-1], [f for f in csv_files[:-1]
                                         if (f.period_start, f.period_end) == (csv_files[-1].period_start,
                                                                              csv_files[-1].period_end)]
    assert len(earlier) == 1, "the re-export covers the same window as an earlier file"
    _, old_rows = read_tiktok_csv(demo.out_dir / earlier[0].path)
    _, new_rows = read_tiktok_csv(demo.out_dir / reexport.path)
    old = {(r[0], r[5]): r for r in old_rows}
    changed = {(old[k][1], r[1]) for k, r in ((k, r) for r in new_rows for k in [(r[0], r[5])]) if old[k][1] != r[1]}
    assert ("Shipped", "Delivered") in changed or ("Shipped", "Completed") in changed
    newly_returned = sum(1 for r in new_rows if r[3] == "Return/Refund" and old[(r[0], r[5])][3] == "")
    assert newly_returned > 0
    starts = sorted(f.period_start for f in csv_files[:-1])
    ends = sorted(f.period_end for f in csv_files[:-1])
    assert any(s < e for s, e in zip(starts[1:], ends[:-1])), "monthly windows overlap"


def test_affiliate_orders_layout(demo):
    paths = _paths(demo, "tiktok_affiliate_orders")
    header, rows = read_tiktok_csv(paths[3])
    assert header == list(L.TIKTOK_AFFILIATE_ORDERS)
    ix = {c: i for i, c in enumerate(header)}
    assert {r[ix["Content Type"]] for r in rows} == {"video", "LIVE", "showcase"}
    assert {r[ix["Fully returned or refunded"]] for r in rows} == {"Yes", "No"}
    assert all(re.fullmatch(r"\d+%", r[ix["Standard commission rate"]]) for r in rows)
    assert {"Settled", "Ineligible"} <= {r[ix["Order Status"]] for r in rows}


def test_data_compass_video_list_and_product_analytics(demo):
    videos = _paths(demo, "tiktok_video_performance")
    assert {p.suffix for p in videos} == {".xlsx", ".csv"}
    assert sum(p.suffix == ".csv" for p in videos) == 1
    csv_path = next(p for p in videos if p.suffix == ".csv")
    header, rows = read_tiktok_csv(csv_path)
    assert header == list(L.TIKTOK_VIDEO_LIST)
    ix = {c: i for i, c in enumerate(header)}
    assert all(re.fullmatch(r"\$[\d,]+\.\d\d", r[ix["GMV"]]) for r in rows)
    assert any(r[ix["Affiliate CTR"]] == "-" for r in rows)
    assert any(re.fullmatch(r"\d+\.\d\d%", r[ix["Affiliate CTR"]]) for r in rows)
    assert any("," in r[ix["Shoppable video impressions"]] for r in rows)
    assert all(re.fullmatch(r"\d+m\d\ds", r[ix["Avg. watch time"]]) for r in rows)
    xl = next(p for p in videos if p.suffix == ".xlsx")
    assert [c for c in next(openpyxl.load_workbook(xl, read_only=True).active.iter_rows(values_only=True))] == \
        list(L.TIKTOK_VIDEO_LIST)

    pa = demo.by_kind("tiktok_product_analytics")[0]
    ws = openpyxl.load_workbook(demo.out_dir / pa.path, read_only=True).active
    grid = [list(r) for r in ws.iter_rows(values_only=True)]
    assert grid[0][0] == f"{pa.period_start} ~ {pa.period_end}"
    sections = [c for c in grid[2] if c]
    assert sections == [s for s, _ in L.PRODUCT_ANALYTICS_SECTIONS]
    expected4 = list(L.PRODUCT_ANALYTICS_IDENTIFIERS) + [m for _, ms in L.PRODUCT_ANALYTICS_SECTIONS for m in ms]
    assert grid[3] == expected4
    assert len(grid) - 4 == 40
    assert all(re.fullmatch(r"\$[\d,]+\.\d\d", r[3]) for r in grid[4:])
    assert any(r[expected4.index("Seller LIVE-attributed GMV")] == "-" for r in grid[4:])  # control products


def test_ads_campaign_daily(demo):
    path = _paths(demo, "tiktok_ads_campaign_daily")[0]
    header, rows = read_tiktok_csv(path)
    assert header == list(L.TIKTOK_ADS_CAMPAIGN_DAILY)
    assert all(re.fullmatch(r"\d{2}/\d{2}/\d{4}", r[0]) and r[3].startswith("$") and r[7].startswith("$")
               for r in rows)
    assert len({r[0] for r in rows}) > 20  # daily rows


def test_amazon_all_orders_quirks(demo):
    files = demo.by_kind("amazon_all_orders")
    cp = [f for f in files if f.encoding == "cp1252"]
    assert len(cp) == 1
    raw = (demo.out_dir / cp[0].path).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1252")
    assert "Lumière & Co – " in text
    variants = set()
    pending_blank = 0
    for f in files:
        text = (demo.out_dir / f.path).read_bytes().decode(f.encoding)
        lines = text.split("\n")
        header = lines[0].split("\t")
        variants.add(tuple(header))
        ix = {c: i for i, c in enumerate(header)}
        rows = [ln.split("\t") for ln in lines[1:] if ln]
        assert all(len(r) == len(header) for r in rows)
        assert all(ISO_UTC.match(r[ix["purchase-date"]]) for r in rows)
        assert {r[ix["is-business-order"]] for r in rows} <= {"true", "false"}
        assert any(r[-1] == "" and r[-2] == "" for r in rows)  # trailing empty columns
        pending_blank += sum(1 for r in rows if r[ix["order-status"]] == "Pending" and r[ix["item-price"]] == "")
    assert variants == {tuple(L.AMAZON_ALL_ORDERS), tuple(L.AMAZON_ALL_ORDERS_WITH_ITEM_ID)}
    assert pending_blank > 0


def test_business_report_period_in_file_name_and_periods_json(demo):
    periods = json.loads((demo.truth_dir / "periods.json").read_text())
    for f in demo.by_kind("amazon_business_report"):
        m = re.fullmatch(r"BusinessReport-(\d{1,2})-(\d{1,2})-(\d\d)_(\d{1,2})-(\d{1,2})-(\d\d)\.csv", f.path)
        assert m, f.path
        sm, sd, sy, em, ed, ey = map(int, m.groups())
        assert periods[f.path]["start"] == f"20{sy:02d}-{sm:02d}-{sd:02d}"
        assert periods[f.path]["end"] == f"20{ey:02d}-{em:02d}-{ed:02d}"
    path = demo.out_dir / demo.by_kind("amazon_business_report")[0].path
    text = path.read_bytes().decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == list(L.AMAZON_BUSINESS_REPORT)
    assert "date" not in " ".join(rows[0]).lower()
    ix = {c: i for i, c in enumerate(rows[0])}
    assert all(re.fullmatch(r"\$[\d,]+\.\d\d", r[ix["Ordered Product Sales"]]) for r in rows[1:])
    assert all(re.fullmatch(r"\d+\.\d\d%", r[ix["Unit Session Percentage"]]) for r in rows[1:])
    assert any("," in r[ix["Sessions - Total"]] for r in rows[1:]) or \
        any("," in r[ix["Page Views - Total"]] for r in rows[1:])
    assert text.splitlines()[1].startswith('"B0')  # every value quoted


def test_shopify_orders_layout(demo, truth):
    order_level = [c for c in L.SHOPIFY_ORDERS if c not in L.SHOPIFY_LINE_LEVEL and c != "Vendor"]
    names, synced_names, codes, utm = set(), set(), 0, 0
    for path in _paths(demo, "shopify_orders"):
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
        assert rows[0] == list(L.SHOPIFY_ORDERS) and len(rows[0]) == 79
        ix = {c: i for i, c in enumerate(rows[0])}
        prev = None
        for r in rows[1:]:
            first = r[ix["Name"]] != prev
            prev = r[ix["Name"]]
            if first:
                assert r[ix["Name"]] not in names, "an order's lines are contiguous"
                names.add(r[ix["Name"]])
                assert SHOPIFY_TIME.match(r[ix["Created at"]])
                assert r[ix["Billing Zip"]].startswith("'")
                codes += r[ix["Discount Code"]].startswith("TIKTOK-")
                utm += "utm_source: tiktok" in r[ix["Note Attributes"]]
                if r[ix["Source"]] == "tiktok":
                    assert "TikTok Shop" in r[ix["Tags"]]
                    synced_names.add(r[ix["Name"]])
            else:
                assert all(r[ix[c]] == "" for c in order_level), r[ix["Name"]]
                assert r[ix["Lineitem quantity"]]
    real = truth["realised"]["shopify"]
    assert len(names) == real["orders_total_in_files"]
    assert synced_names == {s["shopify_name"] for s in truth["shopify_synced_tiktok_orders"]}
    assert codes == real["tiktok_driven_orders_by_signal"]["creator_code"]
    assert utm == real["tiktok_driven_orders_by_signal"]["note_attribute"]


@pytest.mark.slow  # > 10 s on two cores (lanes: not in make test-unit)
def test_pii_canaries_are_the_values_written(demo):
    canaries = json.loads((demo.truth_dir / "pii_canaries.json").read_text())
    shopify = "".join((demo.out_dir / f.path).read_text(encoding="utf-8") for f in demo.by_kind("shopify_orders"))
    tiktok = "".join((demo.out_dir / f.path).read_bytes().decode("utf-8-sig")
                     for f in demo.by_kind("tiktok_orders") if f.path.endswith(".csv"))
    tiktok_xlsx = next(demo.out_dir / f.path for f in demo.by_kind("tiktok_orders") if f.path.endswith(".xlsx"))
    tiktok += "\n".join(str(v) for r in openpyxl.load_workbook(tiktok_xlsx, read_only=True)
                        ["OrderSKUList"].iter_rows(values_only=True) for v in r if v)
    text = shopify + tiktok
    assert len(canaries["names"]) > 500
    # Every canary was really written somewhere (so a PII search that finds none of them means something).
    assert all(e in shopify for e in canaries["emails"])
    for key in ("names", "street_addresses", "usernames", "phones_as_written"):
        missing = [v for v in canaries[key] if v not in text]
        assert not missing, (key, missing[:5])
    assert all(re.fullmatch(r"\d{3}55501\d\d", p) for p in canaries["phones"])  # fictional 555-01xx


def test_manifest_matches_files(demo):
    manifest = json.loads((demo.truth_dir / "manifest.json").read_text())
    import hashlib
    for f in manifest["files"][:10]:
        assert hashlib.sha256((demo.out_dir / f["path"]).read_bytes()).hexdigest() == f["sha256"]
    assert Path(manifest["files"][0]["path"]).name == manifest["files"][0]["path"]
