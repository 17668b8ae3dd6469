"""Writers on hand-built order lines: what an export shows at each moment of an order's life."""

from __future__ import annotations

import csv
import io

import numpy as np
import openpyxl
import pandas as pd
import pytest

from tsw_demo import exports as X
from tsw_demo import layouts as L
from tsw_demo.people import PeoplePool

T0 = np.datetime64("2025-03-01T09:05:03", "s")
DAY = np.timedelta64(86400, "s")
HOUR = np.timedelta64(3600, "s")
NAT = np.datetime64("NaT", "s")


@pytest.fixture()
def products():
    return pd.DataFrame({
        "product_id": ["P001", "P002"], "tiktok_sku_id": ["1729000000000000001", "1729000000000000002"],
        "seller_sku": ["BPC-001", "WMN-001"], "tiktok_product_id": ["1730000000000000001", "1730000000000000002"],
        "product_name": ["Vitamin C Serum", "Wrap Midi Dress"], "variation": ["30 ml", "Black, M"],
        "weight_kg": [0.1, 0.4], "category_name": ["Beauty & Personal Care", "Womenswear & Underwear"],
        "commission_rate": [0.1, 0.2], "amazon_title": ["Lumière & Co – Vitamin C Serum", "Lumière & Co – Dress"],
        "asin": ["B0AAAAAAA1", "B0AAAAAAA2"],
    })


@pytest.fixture()
def people():
    return PeoplePool(np.random.default_rng(0), size=10)


def _order_lines(cancel: bool = False) -> pd.DataFrame:
    """Order 1: two lines (2 x P001 and 1 x P002); one unit of P001 comes back on day 9."""
    def col(v):
        return np.array([v, v], dtype="datetime64[s]")
    lines = pd.DataFrame({
        "order_seq": [0, 0], "_pidx": [0, 1], "order_id": ["576400000000000001"] * 2, "quantity": [2, 1],
        "unit_price": [20.0, 41.0], "gross": [40.0, 41.0], "platform_discount": [0.0, 2.0],
        "seller_discount": [4.0, 0.0], "subtotal": [36.0, 39.0], "shipping_fee": [0.0, 0.0],
        "shipping_fee_original": [5.99, 5.99], "shipping_fee_seller_discount": [0.0, 0.0],
        "shipping_fee_platform_discount": [5.99, 5.99], "taxes": [6.56, 6.56], "order_amount": [81.56, 81.56],
        "created": col(T0), "paid": col(T0 + 60), "rts": col(T0 + DAY), "shipped": col(T0 + 2 * DAY),
        "delivered": col(T0 + 5 * DAY), "completed": col(T0 + 12 * DAY),
        "cancelled_at": col(NAT), "cancel_by": ["", ""], "cancel_reason": ["", ""],
        "returned_at": np.array([T0 + 9 * DAY, NAT], dtype="datetime64[s]"), "return_qty": [1, 0],
        "line_refund": [19.46, 0.0], "fulfillment_type": ["Fulfillment by seller"] * 2,
        "warehouse": ["Reno"] * 2, "tracking_id": ["9400111"] * 2, "shipping_provider": ["USPS"] * 2,
        "buyer_message": ["", ""], "payment_method": ["PayPal"] * 2, "package_id": ["1152000000000000001"] * 2,
        "creator_handle": ["glowwithmaya", "glowwithmaya"], "content_type": ["video"] * 2,
        "content_id": ["7000000000000000001"] * 2, "buyer_idx": [3, 3], "masked": [False, False],
    })
    if cancel:
        for c in ("rts", "shipped", "delivered", "completed", "returned_at"):
            lines[c] = col(NAT)
        lines["return_qty"] = 0
        lines["line_refund"] = 0.0
        lines["cancelled_at"] = col(T0 + 2 * HOUR)
        lines["cancel_by"] = "Buyer"
        lines["cancel_reason"] = "Ordered by mistake"
    return lines


@pytest.mark.parametrize("after, status, substatus, shipped_shown, returned", [
    (12 * HOUR, "To ship", "Awaiting shipment", False, 0),
    (DAY + 12 * HOUR, "To ship", "Awaiting collection", False, 0),
    (3 * DAY, "Shipped", "In transit", True, 0),
    (6 * DAY, "Delivered", "Delivered", True, 0),
    (10 * DAY, "Delivered", "Delivered", True, 1),
    (13 * DAY, "Completed", "Completed", True, 1),
])
def test_tiktok_order_state_over_time(products, people, after, status, substatus, shipped_shown, returned):
    frame = X.tiktok_order_frame(_order_lines(), products, people, T0 + after)
    assert list(frame.columns) == list(L.TIKTOK_ORDERS)
    assert set(frame["Order Status"]) == {status}
    assert set(frame["Order Substatus"]) == {substatus}
    p001 = frame[frame["Seller SKU"] == "BPC-001"].iloc[0]
    assert p001["Sku Quantity of return"] == str(returned)
    assert p001["Cancelation/Return Type"] == ("Refund only" if returned else "")  # 1 of 2 units back
    # Order-level refund is repeated on both lines.
    assert set(frame["Order Refund Amount"]) == {"19.46" if returned else "0"}
    assert (p001["Shipped Time"] != "\t") == shipped_shown
    assert (p001["Tracking ID"] != "") == shipped_shown
    assert p001["Created Time"] == "03/01/2025 9:05:03 AM\t"
    assert p001["Order ID"] == "576400000000000001\t"
    assert set(frame["Order Amount"]) == {"81.56"}


def test_tiktok_cancelled_order(products, people):
    lines = _order_lines(cancel=True)
    before = X.tiktok_order_frame(lines, products, people, T0 + HOUR)
    after = X.tiktok_order_frame(lines, products, people, T0 + 3 * HOUR)
    assert set(before["Order Status"]) == {"To ship"} and set(before["Cancelled Time"]) == {"\t"}
    assert set(after["Order Status"]) == {"Cancelled"}
    assert set(after["Cancelation/Return Type"]) == {"Cancel"}
    assert set(after["Order Refund Amount"]) == {"81.56"}
    assert set(after["Cancel By"]) == {"Buyer"}
    assert set(after["Sku Quantity of return"]) == {"0"}


def test_tiktok_masked_buyer_hides_name_phone_and_street(products, people):
    lines = _order_lines()
    lines["masked"] = True
    frame = X.tiktok_order_frame(lines, products, people, T0 + 3 * DAY)
    person = people.people[3]
    text = frame.to_csv()
    assert person.name not in text and person.street not in text and person.phone_digits not in text
    assert frame["Recipient"].iloc[0] == f"{person.first[0]}**** {person.last[0]}****"


def test_affiliate_status_moves_from_pending_to_settled(products):
    lines = _order_lines()
    status = [X.affiliate_frame(lines, products, T0 + d)["Order Status"].iloc[0] for d in (DAY, 13 * DAY, 30 * DAY)]
    assert status == ["Pending", "Completed", "Settled"]
    cancelled = X.affiliate_frame(_order_lines(cancel=True), products, T0 + 30 * DAY)
    assert set(cancelled["Order Status"]) == {"Ineligible"}
    assert set(cancelled["Fully returned or refunded"]) == {"Yes"}
    settled = X.affiliate_frame(lines, products, T0 + 30 * DAY)
    assert settled["Standard commission rate"].tolist() == ["20%", "10%"]  # newest first: P002 line, then P001


def _amazon_lines(blank_when_cancelled=True):
    return pd.DataFrame({
        "_pidx": [0, 1], "amazon_order_id": ["111-0000001-0000001", "111-0000002-0000002"],
        "order_item_id": ["10000000000001", "10000000000002"], "created": np.array([T0, T0], dtype="datetime64[s]"),
        "pending_until": np.array([T0 + 4 * HOUR] * 2, dtype="datetime64[s]"),
        "shipped": np.array([T0 + DAY, NAT], dtype="datetime64[s]"),
        "cancelled_at": np.array([NAT, T0 + 10 * HOUR], dtype="datetime64[s]"),
        "price_blank_when_cancelled": [False, blank_when_cancelled], "quantity": [2, 1],
        "item_price": [40.0, 41.0], "item_tax": [3.5, 3.59], "item_promotion_discount": [0.0, 0.0],
        "promotion_ids": ["", ""], "fba": [True, False], "buyer_idx": [1, 2], "is_business": [False, True],
        "ship_service_level": ["Standard", "Expedited"],
    })


def test_amazon_pending_blank_prices_then_shipped_and_cancelled(products, people):
    lines = _amazon_lines()
    pending = X.amazon_frame(lines, products, people, T0 + HOUR, with_item_id=False)
    assert list(pending.columns) == list(L.AMAZON_ALL_ORDERS)
    assert pending["order-status"].tolist() == ["Pending", "Pending"]
    assert pending["item-price"].tolist() == ["", ""]
    later = X.amazon_frame(lines, products, people, T0 + 2 * DAY, with_item_id=True)
    assert list(later.columns) == list(L.AMAZON_ALL_ORDERS_WITH_ITEM_ID)
    assert later["order-status"].tolist() == ["Shipped", "Cancelled"]
    assert later["item-price"].tolist() == ["40.00", ""]  # line total, not unit price
    assert later["quantity"].tolist() == ["2", "0"]
    assert later["is-business-order"].tolist() == ["false", "true"]
    assert later["purchase-date"].iloc[0] == "2025-03-01T17:05:03+00:00"  # 09:05 Pacific (PST) in UTC


def test_amazon_tsv_cp1252(tmp_path, products, people):
    frame = X.amazon_frame(_amazon_lines(), products, people, T0 + 2 * DAY, with_item_id=False)
    path = tmp_path / "1.txt"
    X.write_amazon_tsv(path, frame, encoding="cp1252")
    raw = path.read_bytes()
    assert b"Lumi\xe8re & Co \x96 Vitamin C Serum" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("cp1252")), delimiter="\t"))
    assert all(len(r) == len(L.AMAZON_ALL_ORDERS) for r in rows)


def test_value_formats():
    assert X.money_plain([41, 8.99, 0, 1234.5, -2]).tolist() == ["41", "8.99", "0", "1234.50", "-2"]
    assert X.money_2dp([41, 0.1]).tolist() == ["41.00", "0.10"]
    assert list(X.dollars([1234.561, 0])) == ["$1,234.56", "$0.00"]
    assert list(X.percent([0.0411])) == ["4.11%"]
    assert list(X.duration([88, 5])) == ["1m28s", "0m05s"]
    ts = np.array(["2025-05-12T22:26:17", "2025-05-12T00:15:00", "NaT"], dtype="datetime64[s]")
    assert list(X.us_time(ts)) == ["05/12/2025 10:26:17 PM", "05/12/2025 12:15:00 AM", ""]
    summer = np.array(["2025-07-04T09:50:26"], dtype="datetime64[s]")
    assert list(X.shopify_time(summer)) == ["2025-07-04 09:50:26 -0700"]


def test_xlsx_writer_is_deterministic_and_readable(tmp_path):
    rows = [["Order ID", "Shipping Information"], ["Platform unique order ID.", ""],
            ["576400000000000001", "A <B> & C\nline two"]]
    a, b = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    X.write_xlsx(a, [("OrderSKUList", rows)])
    X.write_xlsx(b, [("OrderSKUList", rows)])
    assert a.read_bytes() == b.read_bytes()
    got = list(openpyxl.load_workbook(a, read_only=True)["OrderSKUList"].iter_rows(values_only=True))
    assert got[2] == ("576400000000000001", "A <B> & C\nline two")
    assert got[1] == ("Platform unique order ID.", None)


def test_streamed_orders_csv_equals_the_one_shot_file(tmp_path, products, people):
    one = _order_lines()
    two = _order_lines(cancel=True).assign(order_seq=1, order_id="576400000000000002",
                                           created=np.array([T0 + HOUR] * 2, dtype="datetime64[s]"))
    lines = pd.concat([one, two, one.assign(order_seq=2, order_id="576400000000000003")], ignore_index=True)
    as_of = T0 + 13 * DAY
    X.write_tiktok_orders_csv(tmp_path / "a.csv", X.tiktok_order_frame(lines, products, people, as_of))
    X.stream_tiktok_orders_csv(tmp_path / "b.csv", lines, products, people, as_of, chunk=3)
    assert (tmp_path / "a.csv").read_bytes() == (tmp_path / "b.csv").read_bytes()
