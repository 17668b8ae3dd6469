"""TikTok Shop exports: orders (CSV and XLSX), affiliate orders, Data Compass video list and product analytics.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import numpy as np
import pandas as pd

from tsw_demo import layouts as L
from tsw_demo.exports.files import write_csv, write_xlsx
from tsw_demo.exports.formats import (
    _mask_times,
    _seen,
    dollars,
    duration,
    money_2dp,
    money_plain,
    percent,
    thousands,
    us_date,
    us_time,
)
from tsw_demo.people import PeoplePool, format_phone_tiktok


# ---------------------------------------------------------------- TikTok Shop orders
def tiktok_state(lines: pd.DataFrame, as_of: np.datetime64) -> dict[str, np.ndarray]:
    """Status, substatus, visible return quantity and refund per line as of `as_of`."""
    cancelled = _seen(lines["cancelled_at"].to_numpy(), as_of)
    completed = _seen(lines["completed"].to_numpy(), as_of)
    delivered = _seen(lines["delivered"].to_numpy(), as_of)
    shipped = _seen(lines["shipped"].to_numpy(), as_of)
    rts = _seen(lines["rts"].to_numpy(), as_of)
    status = np.select([cancelled, completed, delivered, shipped], ["Cancelled", "Completed", "Delivered", "Shipped"],
                       "To ship").astype(object)
    sub = np.select([cancelled, completed, delivered, shipped, rts],
                    ["Cancelled", "Completed", "Delivered", "In transit", "Awaiting collection"],
                    "Awaiting shipment").astype(object)
    returned = _seen(lines["returned_at"].to_numpy(), as_of) & ~cancelled
    ret_qty = np.where(returned, lines["return_qty"].to_numpy(), 0)
    line_refund = np.where(returned, lines["line_refund"].to_numpy(), 0.0)
    seq = lines["order_seq"].to_numpy()
    _, inv = np.unique(seq, return_inverse=True)
    order_refund = np.bincount(inv, weights=line_refund)[inv]
    order_refund = np.where(cancelled, lines["order_amount"].to_numpy(), order_refund)
    rtype = np.where(cancelled, "Cancel", np.where(returned, np.where(
        ret_qty < lines["quantity"].to_numpy(), "Refund only", "Return/Refund"), "")).astype(object)
    return {"status": status, "substatus": sub, "return_qty": ret_qty, "order_refund": order_refund,
            "return_type": rtype, "cancelled": cancelled}


def tiktok_order_frame(lines: pd.DataFrame, products: pd.DataFrame, people: PeoplePool,
                       as_of: np.datetime64, *, tabs: bool = True) -> pd.DataFrame:
    """The export's rows (63 columns, strings), newest order first."""
    cols = tiktok_order_columns(lines, products, people, as_of, tabs=tabs)
    return pd.DataFrame(dict(zip(L.TIKTOK_ORDERS, cols)))


def tiktok_order_columns(lines: pd.DataFrame, products: pd.DataFrame, people: PeoplePool,
                         as_of: np.datetime64, *, tabs: bool = True) -> list[np.ndarray]:
    """The export's columns in layout order (63 arrays of strings), newest order first; the streaming
    writers zip them into rows without a DataFrame (whose Arrow strings cost a copy per column)."""
    lines = lines.iloc[::-1]  # sampling sorts oldest first; the export lists newest first
    st = tiktok_state(lines, as_of)
    n = len(lines)
    pidx = lines["_pidx"].to_numpy()
    t = "\t" if tabs else ""

    def tabbed(a):
        return np.char.add(np.asarray(a, dtype=str), t).astype(object) if tabs else np.asarray(a, dtype=object)

    def times(col, visible=True):
        ts = lines[col].to_numpy()
        if visible:
            ts = _mask_times(ts, as_of)
        return tabbed(us_time(ts))

    buyers = people.pick(lines["buyer_idx"].to_numpy())
    masked = lines["masked"].to_numpy()
    people.record(lines["buyer_idx"].to_numpy()[~masked],
                  ("names", "phones", "phone_tiktok", "street_addresses", "usernames"))
    recipient = np.array([b.masked_name if m else b.name for b, m in zip(buyers, masked)], dtype=object)
    phone = np.array([f"(+1){b.phone_digits[:3]}*****{b.phone_digits[-2:]}" if m else format_phone_tiktok(b)
                      for b, m in zip(buyers, masked)], dtype=object)
    addr1 = np.array(["******" if m else b.street for b, m in zip(buyers, masked)], dtype=object)
    addr2 = np.array(["" if (m or not b.unit) else b.unit for b, m in zip(buyers, masked)], dtype=object)
    ship_info = np.array([
        f"{r}, {p}\n{a1}{', ' + a2 if a2 else ''}\n{b.city}, {b.state}, {b.zipcode}\nUnited States"
        for r, p, a1, a2, b in zip(recipient, phone, addr1, addr2, buyers)], dtype=object)
    nickname = np.array([b.masked_name if m else f"{b.first} {b.last[0]}." for b, m in zip(buyers, masked)],
                        dtype=object)
    username = np.array(["" if m else b.username for b, m in zip(buyers, masked)], dtype=object)
    qty = lines["quantity"].to_numpy()
    weight = products["weight_kg"].to_numpy(dtype=float)[pidx] * qty
    cancelled = st["cancelled"]
    col = {
        "Order ID": tabbed(lines["order_id"].to_numpy()),
        "Order Status": st["status"],
        "Order Substatus": st["substatus"],
        "Cancelation/Return Type": st["return_type"],
        "Normal or Pre-order": np.full(n, "Normal", dtype=object),
        "SKU ID": tabbed(products["tiktok_sku_id"].to_numpy()[pidx]),
        "Seller SKU": products["seller_sku"].to_numpy()[pidx],
        "Product ID": tabbed(products["tiktok_product_id"].to_numpy()[pidx]),
        "Product Name": products["product_name"].to_numpy()[pidx],
        "Variation": products["variation"].to_numpy()[pidx],
        " Virtual Bundle Seller SKU": np.full(n, "", dtype=object),
        "Quantity": qty.astype(str),
        "Sku Quantity of return": st["return_qty"].astype(str),
        "SKU Unit Original Price": money_plain(lines["unit_price"]),
        "SKU Subtotal Before Discount": money_plain(lines["gross"]),
        "SKU Platform Discount": money_plain(lines["platform_discount"]),
        "SKU Seller Discount": money_plain(lines["seller_discount"]),
        "SKU Subtotal After Discount": money_plain(lines["subtotal"]),
        "Shipping Fee After Discount": money_plain(lines["shipping_fee"]),
        "Original Shipping Fee": money_plain(lines["shipping_fee_original"]),
        "Shipping Fee Seller Discount": money_plain(lines["shipping_fee_seller_discount"]),
        "Co-Funded Shipping Fee Discount": np.full(n, "0", dtype=object),
        "Shipping Fee Platform Discount": money_plain(lines["shipping_fee_platform_discount"]),
        "Payment platform discount": np.full(n, "0", dtype=object),
        "Retail Delivery Fee": np.full(n, "0", dtype=object),
        "Taxes": money_plain(lines["taxes"]),
        "Order Amount": money_plain(lines["order_amount"]),
        "Order Refund Amount": money_plain(st["order_refund"]),
        "Created Time": times("created", visible=False),
        "Paid Time": times("paid", visible=False),
        "RTS Time": times("rts"),
        "Shipped Time": times("shipped"),
        "Delivered Time": times("delivered"),
        "Cancelled Time": times("cancelled_at"),
        "Cancel By": np.where(cancelled, lines["cancel_by"].to_numpy(), ""),
        "Cancel Reason": np.where(cancelled, lines["cancel_reason"].to_numpy(), ""),
        "Fulfillment Type": lines["fulfillment_type"].to_numpy(),
        "Warehouse Name": lines["warehouse"].to_numpy(),
        "Tracking ID": np.where(_seen(lines["shipped"].to_numpy(), as_of), lines["tracking_id"].to_numpy(), ""),
        "Delivery Option Type": np.full(n, "Standard", dtype=object),
        "Delivery Option": np.full(n, "Standard shipping", dtype=object),
        "Shipping Provider Name": np.where(_seen(lines["rts"].to_numpy(), as_of),
                                           lines["shipping_provider"].to_numpy(), ""),
        "Buyer Message": lines["buyer_message"].to_numpy(),
        "Buyer Nickname": nickname,
        "Buyer Username": username,
        "Recipient": recipient,
        "Phone #": phone,
        "Country": np.full(n, "United States", dtype=object),
        "State": np.array([b.state for b in buyers], dtype=object),
        "City": np.array([b.city for b in buyers], dtype=object),
        "Zipcode": tabbed(np.array([b.zipcode for b in buyers])),
        "Address Line 1": addr1,
        "Address Line 2": addr2,
        "Delivery Instruction": np.where(lines["buyer_idx"].to_numpy() % 11 == 0, "Leave at front door", ""),
        "Payment Method": lines["payment_method"].to_numpy(),
        "Weight(kg)": np.array([f"{w:.3f}".rstrip("0").rstrip(".") for w in weight], dtype=object),
        "Product Category": products["category_name"].to_numpy()[pidx],
        "Package ID": tabbed(lines["package_id"].to_numpy()),
        "Seller Note": np.full(n, "", dtype=object),
        "Shipping Information": ship_info,
        "Combined Listing": np.full(n, "", dtype=object),
        "Order Channel": np.full(n, "TikTok Shop", dtype=object),
        "Creator Handle": lines["creator_handle"].to_numpy(),
    }
    return [col[c] for c in L.TIKTOK_ORDERS]


def write_tiktok_orders_csv(path: Path, frame: pd.DataFrame) -> None:
    write_csv(path, L.TIKTOK_ORDERS, frame, bom=True, crlf=True)


def stream_tiktok_orders_csv(path: Path, lines: pd.DataFrame, products: pd.DataFrame, people: PeoplePool,
                             as_of: np.datetime64, chunk: int = 50_000) -> None:
    """The same file as write_tiktok_orders_csv, built chunk by chunk so memory stays flat for a
    million-line benchmark file (a full frame of 63 string columns would need several GB).

    Orders never straddle chunks, so per-order figures (the refund sum) stay whole."""
    seq = lines["order_seq"].to_numpy()
    with open(path, "wb") as f:
        f.write(b"\xef\xbb\xbf")
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\r\n").writerow(L.TIKTOK_ORDERS)
        f.write(buf.getvalue().encode("utf-8"))
        end = len(lines)
        while end > 0:
            start = max(0, end - chunk)
            while 0 < start < end and seq[start] == seq[start - 1]:
                start -= 1
            cols = tiktok_order_columns(lines.iloc[start:end], products, people, as_of)
            buf = io.StringIO()
            csv.writer(buf, lineterminator="\r\n").writerows(zip(*cols))
            f.write(buf.getvalue().encode("utf-8"))
            end = start


def write_tiktok_orders_xlsx(path: Path, frame: pd.DataFrame) -> None:
    """Sheet OrderSKUList; row 2 holds a description per column, as in the real download."""
    desc = [L.TIKTOK_ORDERS_DESCRIPTIONS.get(c, "") for c in L.TIKTOK_ORDERS]
    rows = [list(L.TIKTOK_ORDERS), desc] + frame.to_numpy().tolist()
    write_xlsx(path, [("OrderSKUList", rows)])


# ---------------------------------------------------------------- TikTok affiliate orders
def affiliate_frame(lines: pd.DataFrame, products: pd.DataFrame, as_of: np.datetime64) -> pd.DataFrame:
    lines = lines[lines["creator_handle"] != ""].iloc[::-1]
    st = tiktok_state(lines, as_of)
    pidx = lines["_pidx"].to_numpy()
    qty = lines["quantity"].to_numpy()
    rate = products["commission_rate"].to_numpy(dtype=float)[pidx]
    base = lines["subtotal"].to_numpy(dtype=float)
    fully = st["cancelled"] | (st["return_qty"] >= qty)
    completed = _seen(lines["completed"].to_numpy(), as_of)
    # Commission settles 15 days after the order completes (after the return window).
    settle = lines["completed"].to_numpy(dtype="datetime64[s]") + np.timedelta64(15 * 86400, "s")
    settled = completed & _seen(settle, as_of)
    status = np.select([fully, settled, completed], ["Ineligible", "Settled", "Completed"], "Pending").astype(object)
    actual_base = np.where(settled, base * (1 - st["return_qty"] / qty), 0.0)
    n = len(lines)
    col = {
        "Order ID": lines["order_id"].to_numpy(),
        "Product ID": products["tiktok_product_id"].to_numpy()[pidx],
        "Product Name": products["product_name"].to_numpy()[pidx],
        "SKU ID": products["tiktok_sku_id"].to_numpy()[pidx],
        "Price": money_2dp(lines["unit_price"]),
        "Payment Amount": money_2dp(base),
        "Currency": np.full(n, "USD", dtype=object),
        "Quantity": qty.astype(str),
        "Fully returned or refunded": np.where(fully, "Yes", "No"),
        "Payment method": lines["payment_method"].to_numpy(),
        "Order Status": status,
        "Creator Username": lines["creator_handle"].to_numpy(),
        "Content Type": lines["content_type"].to_numpy(),
        "Content ID": lines["content_id"].to_numpy(),
        "commission model": np.full(n, "Standard", dtype=object),
        "Standard commission rate": percent(rate, 0),
        "Est. Commission Base": money_2dp(np.where(fully, 0.0, base)),
        "Est. standard commission payment": money_2dp(np.where(fully, 0.0, base * rate)),
        "Actual Commission Base": np.where(settled, money_2dp(actual_base), "-"),
        "Actual Commission Payment": np.where(settled, money_2dp(actual_base * rate), "-"),
        "Shop Ads commission rate": np.full(n, "0%", dtype=object),
        "Est. Shop Ads commission payment": np.full(n, "0.00", dtype=object),
        "Actual Shop Ads commission payment": np.where(settled, "0.00", "-"),
        "Est. co-funded creator bonus": np.full(n, "0.00", dtype=object),
        "Actual co-funded creator bonus": np.where(settled, "0.00", "-"),
        "Time Created": us_time(lines["created"].to_numpy()),
    }
    return pd.DataFrame({c: col[c] for c in L.TIKTOK_AFFILIATE_ORDERS})


# ---------------------------------------------------------------- Data Compass
def video_list_frame(videos: pd.DataFrame) -> pd.DataFrame:
    """videos: one row per video with name, link, post_date, creator, gmv, impressions, ctr (NaN for seller
    videos), duration_s, watch_s, is_affiliate."""
    aff = videos["is_affiliate"].to_numpy(dtype=bool)
    gmv = videos["gmv"].to_numpy(dtype=float)
    imp = videos["impressions"].to_numpy()
    gpm = np.where(imp > 0, gmv / np.maximum(imp, 1) * 1000, np.nan)
    col = {
        "Video name": videos["name"].to_numpy(),
        "Video link": videos["link"].to_numpy(),
        "Video post date": us_date(videos["post_date"].to_numpy()),
        "Creator username": videos["creator"].to_numpy(),
        "GMV": dollars(gmv),
        "Affiliate shoppable video GMV": np.where(aff, dollars(gmv), "-"),
        "Shoppable video impressions": thousands(imp),
        "Affiliate CTR": np.where(aff, percent(videos["ctr"].fillna(0).to_numpy()), "-"),
        "Shoppable video GPM": np.where(np.isnan(gpm), "-", dollars(np.nan_to_num(gpm))),
        "Video duration": duration(videos["duration_s"].to_numpy()),
        "Avg. watch time": duration(videos["watch_s"].to_numpy()),
    }
    return pd.DataFrame({c: col[c] for c in L.TIKTOK_VIDEO_LIST})


def write_product_analytics_xlsx(path: Path, start, end, table: pd.DataFrame) -> None:
    """table columns: product_name, product_id, gmv_range, then '<section> / <metric>' in layout order."""
    header3: list = [None] * len(L.PRODUCT_ANALYTICS_IDENTIFIERS)
    header4: list = list(L.PRODUCT_ANALYTICS_IDENTIFIERS)
    for section, metrics in L.PRODUCT_ANALYTICS_SECTIONS:
        header3 += [section] + [None] * (len(metrics) - 1)
        header4 += list(metrics)
    rows = [[f"{start:%Y-%m-%d} ~ {end:%Y-%m-%d}"], [], header3, header4] + table.to_numpy().tolist()
    write_xlsx(path, [("Product analytics", rows)])
