"""Writers: canonical order lines -> files in the platforms' real layouts, as of an export time.

Every writer takes the line-level frames produced by sampling.py (an order's whole future) plus an
`as_of` time, and shows only what the platform would show at that moment. Formatting is vectorised
(numpy/pandas string ops), because the benchmark mode writes a million TikTok lines.

Quirks reproduced on purpose (seller-export-formats.md): TikTok CSV in UTF-8 with BOM, CRLF, a TAB
after IDs/zip/times (a lone TAB for an empty time), multi-line quoted `Shipping Information`, US
12-hour times, newest rows first, order-level amounts repeated per SKU line; Amazon TSV with ISO
times, blank prices on pending items, true/false and trailing empty columns, optionally Cp1252;
Business Report with `"$1,234.56"`, `12.34%`, `"1,234"`; Shopify with order fields on the first line
only, `+0000`-style offsets and apostrophe-prefixed zips.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from orchestration.demo import layouts as L
from orchestration.demo.people import PeoplePool, format_phone_tiktok, format_phone_us

LOCAL_TZ = ZoneInfo("America/Los_Angeles")
_FIXED_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


# ---------------------------------------------------------------- value formatting
def money_plain(x) -> np.ndarray:
    """TikTok/Shopify style: `41`, `8.99` (no currency sign, no thousands separator)."""
    cents = np.round(np.asarray(x, dtype=float) * 100).astype(np.int64)
    sign = np.where(cents < 0, "-", "")
    cents = np.abs(cents)
    whole = (cents // 100).astype(str)
    frac = np.char.zfill((cents % 100).astype(str), 2)
    return np.char.add(np.char.add(sign, whole), np.where(cents % 100 == 0, "", np.char.add(".", frac)))


def money_2dp(x) -> np.ndarray:
    """Amazon/Shopify style: always two decimals, `29.99`, `0.00`."""
    cents = np.round(np.asarray(x, dtype=float) * 100).astype(np.int64)
    sign = np.where(cents < 0, "-", "")
    cents = np.abs(cents)
    return np.char.add(np.char.add(np.char.add(sign, (cents // 100).astype(str)), "."),
                       np.char.zfill((cents % 100).astype(str), 2))


def thousands(n) -> np.ndarray:
    return np.array([f"{int(v):,}" for v in np.asarray(n)], dtype=object)


def dollars(x) -> np.ndarray:
    """Data Compass / Business Report / Ads style: `$1,234.56`."""
    return np.array([f"${v:,.2f}" for v in np.asarray(x, dtype=float)], dtype=object)


def percent(x, digits: int = 2) -> np.ndarray:
    return np.array([f"{v * 100:.{digits}f}%" for v in np.asarray(x, dtype=float)], dtype=object)


def duration(seconds) -> np.ndarray:
    s = np.asarray(seconds, dtype=np.int64)
    return np.array([f"{v // 60}m{v % 60:02d}s" for v in s], dtype=object)


def pandas_us_time(ts: np.ndarray) -> np.ndarray:
    """`MM/DD/YYYY h:mm:ss AM/PM` (hour without leading zero), '' for NaT."""
    s = pd.Series(pd.to_datetime(ts))
    out = s.dt.strftime("%m/%d/%Y %I:%M:%S %p").str.replace(r" 0(\d):", r" \1:", regex=True)
    return out.fillna("").to_numpy(dtype=object)


def pandas_us_date(ts) -> np.ndarray:
    return pd.Series(pd.to_datetime(ts)).dt.strftime("%m/%d/%Y").fillna("").to_numpy(dtype=object)


def _local_to_utc(ts: np.ndarray) -> pd.Series:
    s = pd.Series(pd.to_datetime(ts))
    return s.dt.tz_localize(LOCAL_TZ, ambiguous=False, nonexistent="shift_forward").dt.tz_convert("UTC")


def pandas_iso_utc(ts: np.ndarray) -> np.ndarray:
    """Amazon: `2025-06-17T08:04:21+00:00`."""
    return _local_to_utc(ts).dt.strftime("%Y-%m-%dT%H:%M:%S+00:00").fillna("").to_numpy(dtype=object)


def pandas_shopify_time(ts: np.ndarray) -> np.ndarray:
    """Shopify: `2025-10-07 09:50:26 -0700` (seller's local time with its UTC offset)."""
    s = pd.Series(pd.to_datetime(ts))
    loc = s.dt.tz_localize(LOCAL_TZ, ambiguous=False, nonexistent="shift_forward")
    return loc.dt.strftime("%Y-%m-%d %H:%M:%S %z").fillna("").to_numpy(dtype=object)


def _seen(ts: np.ndarray, as_of: np.datetime64) -> np.ndarray:
    ts = np.asarray(ts, dtype="datetime64[s]")
    return ~np.isnat(ts) & (ts <= as_of)


def _mask_times(ts: np.ndarray, as_of) -> np.ndarray:
    out = np.asarray(ts, dtype="datetime64[s]").copy()
    out[~_seen(out, as_of)] = np.datetime64("NaT")
    return out


# ---------------------------------------------------------------- fast timestamp formatting
# pandas' strftime costs ~15 us a value; the exports format tens of millions of times at benchmark scale.
# These build the same strings from cached day and time-of-day parts (a day's string once, each of the
# 86,400 times of day once), exactly as the pandas formats above would; tests/demo checks they agree.
_TOD_CACHE: dict[str, np.ndarray] = {}


def _tod_strings(kind: str) -> np.ndarray:
    if kind not in _TOD_CACHE:
        s = np.arange(86400)
        h, m, sec = s // 3600, s // 60 % 60, s % 60
        if kind == "24":
            out = [f"{a:02d}:{b:02d}:{c:02d}" for a, b, c in zip(h, m, sec)]
        else:  # 12-hour clock without a leading zero: `9:05:01 PM`
            out = [f"{(a % 12) or 12}:{b:02d}:{c:02d} {'AM' if a < 12 else 'PM'}" for a, b, c in zip(h, m, sec)]
        _TOD_CACHE[kind] = np.array(out, dtype=object)
    return _TOD_CACHE[kind]


def _day_and_second(ts) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(not NaT mask, unique days, index of each value's day, seconds after midnight)."""
    ts = np.asarray(ts, dtype="datetime64[s]")
    ok = ~np.isnat(ts)
    day = ts[ok].astype("datetime64[D]")
    sec = (ts[ok] - day).astype(np.int64)
    days, inv = np.unique(day, return_inverse=True)
    return ok, days, inv, sec


def _assemble(n: int, ok: np.ndarray, parts: np.ndarray) -> np.ndarray:
    out = np.full(n, "", dtype=object)
    out[ok] = parts
    return out


def _fast_local(ts, day_fmt: str, sep: str, kind: str) -> np.ndarray:
    ts = np.asarray(ts, dtype="datetime64[s]")
    ok, days, inv, sec = _day_and_second(ts)
    if not ok.any():
        return np.full(len(ts), "", dtype=object)
    day_str = np.array([d.item().strftime(day_fmt) + sep for d in days], dtype=object)
    return _assemble(len(ts), ok, day_str[inv] + _tod_strings(kind)[sec])


def _utc_offsets(ts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per value (no NaT): UTC offset in seconds of the seller's local time, and whether its hour does
    not exist in that zone (the spring-forward hour, which the pandas path shifts forward)."""
    hours = ts.astype("datetime64[h]")
    uh, inv = np.unique(hours, return_inverse=True)
    loc = pd.Series(pd.to_datetime(uh.astype("datetime64[s]"))).dt.tz_localize(
        LOCAL_TZ, ambiguous=False, nonexistent="shift_forward")
    wall = loc.dt.tz_localize(None).to_numpy(dtype="datetime64[s]")
    utc = loc.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[s]")
    offset = (wall - utc).astype(np.int64)
    shifted = wall != uh.astype("datetime64[s]")
    return offset[inv], shifted[inv]


def us_time(ts) -> np.ndarray:
    """`MM/DD/YYYY h:mm:ss AM/PM` (hour without leading zero), '' for NaT (= pandas_us_time, faster)."""
    return _fast_local(ts, "%m/%d/%Y", " ", "12")


def us_date(ts) -> np.ndarray:
    """`MM/DD/YYYY`, '' for NaT (= pandas_us_date)."""
    ts = np.asarray(ts, dtype="datetime64[s]")
    ok, days, inv, _ = _day_and_second(ts)
    day_str = np.array([d.item().strftime("%m/%d/%Y") for d in days], dtype=object)
    return _assemble(len(ts), ok, day_str[inv] if ok.any() else day_str)


def _blank_and_valid(ts) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """An all-'' output, the mask of non-NaT times and those times (seconds), for the offset formatters."""
    ts = np.asarray(ts, dtype="datetime64[s]")
    ok = ~np.isnat(ts)
    return np.full(len(ts), "", dtype=object), ok, ts[ok]


def iso_utc(ts) -> np.ndarray:
    """Amazon: `2025-06-17T08:04:21+00:00` (= pandas_iso_utc)."""
    out, ok, v = _blank_and_valid(ts)
    if not ok.any():
        return out
    offset, shifted = _utc_offsets(v)
    utc = v - offset.astype("timedelta64[s]")
    s = _fast_local(utc, "%Y-%m-%d", "T", "24") + "+00:00"
    if shifted.any():
        s[shifted] = pandas_iso_utc(v[shifted])
    out[ok] = s
    return out


def shopify_time(ts) -> np.ndarray:
    """Shopify: `2025-10-07 09:50:26 -0700` (= pandas_shopify_time)."""
    out, ok, v = _blank_and_valid(ts)
    if not ok.any():
        return out
    offset, shifted = _utc_offsets(v)
    mins = offset // 60
    uo, oinv = np.unique(mins, return_inverse=True)
    zone = np.array([f" {'+' if o >= 0 else '-'}{abs(o) // 60:02d}{abs(o) % 60:02d}" for o in uo], dtype=object)
    s = _fast_local(v, "%Y-%m-%d", " ", "24") + zone[oinv]
    if shifted.any():
        s[shifted] = pandas_shopify_time(v[shifted])
    out[ok] = s
    return out


# ---------------------------------------------------------------- file helpers
def write_csv(path: Path, header, rows: pd.DataFrame | list, *, encoding="utf-8", bom=False, crlf=False,
              delimiter=",", quoting=csv.QUOTE_MINIMAL) -> None:
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=delimiter, quoting=quoting, lineterminator="\r\n" if crlf else "\n")
    w.writerow(header)
    # to_numpy(object) first: iterating pandas' Arrow-backed string columns row by row is slow.
    values = rows.to_numpy(dtype=object).tolist() if isinstance(rows, pd.DataFrame) else rows
    w.writerows(values)
    data = buf.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)


_XML_ESCAPE = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"})
_XML_BAD = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _col_letter(i: int) -> str:
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s


def _sheet_xml(rows: list[list]) -> bytes:
    out = [('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')]
    width = max((len(r) for r in rows), default=0)
    letters = [_col_letter(i) for i in range(width)]
    # The dimension lets readers (openpyxl read-only mode among them) pad short rows to full width.
    if rows and width:
        out.append(f'<dimension ref="A1:{letters[-1]}{len(rows)}"/>')
    out.append("<sheetData>")
    for r, row in enumerate(rows, start=1):
        cells = []
        for c, v in enumerate(row):
            if v is None or v == "":
                continue
            ref = f"{letters[c]}{r}"
            if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
                cells.append(f'<c r="{ref}"><v>{v}</v></c>')
            else:
                text = _XML_BAD.sub("", str(v)).translate(_XML_ESCAPE)
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>')
        out.append(f'<row r="{r}">{"".join(cells)}</row>')
    out.append("</sheetData></worksheet>")
    return "".join(out).encode("utf-8")


def write_xlsx(path: Path, sheets: list[tuple[str, list[list]]]) -> None:
    """A minimal SpreadsheetML package with inline strings.

    openpyxl's writer costs ~70 us per cell (half a minute for the demo); this writes the same cells
    in a fraction of that, and with fixed zip timestamps the same content always gives the same bytes.
    Readers (openpyxl, Excel, LibreOffice, calamine) accept inline strings.
    """
    ns = "http://schemas.openxmlformats.org"
    wb_sheets = "".join(f'<sheet name="{name.translate(_XML_ESCAPE)}" sheetId="{i}" r:id="rId{i}"/>'
                        for i, (name, _) in enumerate(sheets, start=1))
    parts = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Types xmlns="{ns}/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i}.xml" '
                      'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                      for i in range(1, len(sheets) + 1))
            + "</Types>"),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{ns}/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<workbook xmlns="{ns}/spreadsheetml/2006/main" xmlns:r="{ns}/officeDocument/2006/relationships">'
            f"<sheets>{wb_sheets}</sheets></workbook>"),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{ns}/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{i}" Type="{ns}/officeDocument/2006/relationships/worksheet" '
                      f'Target="worksheets/sheet{i}.xml"/>' for i in range(1, len(sheets) + 1))
            + "</Relationships>"),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(zipfile.ZipInfo(name, date_time=_FIXED_ZIP_TIME), text.encode("utf-8"),
                       compress_type=zipfile.ZIP_DEFLATED)
        for i, (_, rows) in enumerate(sheets, start=1):
            z.writestr(zipfile.ZipInfo(f"xl/worksheets/sheet{i}.xml", date_time=_FIXED_ZIP_TIME),
                       _sheet_xml(rows), compress_type=zipfile.ZIP_DEFLATED)


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


# ---------------------------------------------------------------- Amazon
def amazon_frame(lines: pd.DataFrame, products: pd.DataFrame, people: PeoplePool, as_of: np.datetime64,
                 *, with_item_id: bool) -> pd.DataFrame:
    n = len(lines)
    pidx = lines["_pidx"].to_numpy()
    cancelled = _seen(lines["cancelled_at"].to_numpy(), as_of)
    pending = ~cancelled & ~_seen(lines["pending_until"].to_numpy(), as_of)
    shipped = ~cancelled & _seen(lines["shipped"].to_numpy(), as_of)
    order_status = np.select([cancelled, pending, shipped], ["Cancelled", "Pending", "Shipped"], "Unshipped")
    item_status = np.select([cancelled, shipped], ["Cancelled", "Shipped"], "Unshipped")
    blank_price = pending | (cancelled & lines["price_blank_when_cancelled"].to_numpy())
    updated = lines["created"].to_numpy(dtype="datetime64[s]").copy()
    for c in ("pending_until", "shipped", "cancelled_at"):
        ts = _mask_times(lines[c].to_numpy(), as_of)
        updated = np.where(np.isnat(ts), updated, np.maximum(updated, ts))
    buyers = people.pick(lines["buyer_idx"].to_numpy())
    business = lines["is_business"].to_numpy()
    zip_plus4 = lines["buyer_idx"].to_numpy() % 3 == 0

    def price(col):
        return np.where(blank_price, "", money_2dp(lines[col]))

    col = {
        "amazon-order-id": lines["amazon_order_id"].to_numpy(),
        "merchant-order-id": np.full(n, "", dtype=object),
        "purchase-date": iso_utc(lines["created"].to_numpy()),
        "last-updated-date": iso_utc(updated),
        "order-status": order_status,
        "order-item-id": lines["order_item_id"].to_numpy(),
        "fulfillment-channel": np.where(lines["fba"].to_numpy(), "Amazon", "Merchant"),
        "sales-channel": np.full(n, "Amazon.com", dtype=object),
        "order-channel": np.full(n, "", dtype=object),
        "url": np.full(n, "", dtype=object),
        "ship-service-level": lines["ship_service_level"].to_numpy(),
        "product-name": products["amazon_title"].to_numpy()[pidx],
        "sku": products["seller_sku"].to_numpy()[pidx],
        "asin": products["asin"].to_numpy()[pidx],
        "item-status": item_status,
        # Amazon reports a cancelled item with quantity 0.
        "quantity": np.where(cancelled, 0, lines["quantity"].to_numpy()).astype(str),
        "currency": np.where(blank_price, "", "USD"),
        "item-price": price("item_price"),
        "item-tax": price("item_tax"),
        "shipping-price": np.where(blank_price, "", "0.00"),
        "shipping-tax": np.where(blank_price, "", "0.00"),
        "gift-wrap-price": np.full(n, "", dtype=object),
        "gift-wrap-tax": np.full(n, "", dtype=object),
        "item-promotion-discount": np.where(blank_price, "", money_2dp(lines["item_promotion_discount"])),
        "ship-promotion-discount": np.where(blank_price, "", "0.00"),
        "ship-city": np.array([b.city.upper() for b in buyers], dtype=object),
        "ship-state": np.array([b.state_code for b in buyers], dtype=object),
        "ship-postal-code": np.array([f"{b.zipcode}-{int(b.phone_digits[-4:]):04d}" if z else b.zipcode
                                      for b, z in zip(buyers, zip_plus4)], dtype=object),
        "ship-country": np.full(n, "US", dtype=object),
        "promotion-ids": np.where(blank_price, "", lines["promotion_ids"].to_numpy()),
        "is-business-order": np.where(business, "true", "false"),
        "purchase-order-number": np.where(business, np.char.add("PO-", lines["amazon_order_id"].to_numpy()
                                                                .astype(str)), ""),
        "price-designation": np.where(business, "BusinessPrice", ""),
    }
    layout = L.AMAZON_ALL_ORDERS_WITH_ITEM_ID if with_item_id else L.AMAZON_ALL_ORDERS
    return pd.DataFrame({c: col[c] for c in layout})


def write_amazon_tsv(path: Path, frame: pd.DataFrame, *, encoding: str = "utf-8") -> None:
    # Amazon flat files are plain tab-separated text without quoting.
    lines = ["\t".join(frame.columns)]
    lines += ["\t".join(map(str, r)) for r in frame.to_numpy(dtype=object).tolist()]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))


# ---------------------------------------------------------------- Shopify
def shopify_frame(lines: pd.DataFrame, people: PeoplePool, as_of: np.datetime64) -> pd.DataFrame:
    """lines: canonical Shopify lines (own orders and TikTok-synced ones), sorted newest order first."""
    n = len(lines)
    name = lines["name"].to_numpy()
    first = np.ones(n, dtype=bool)
    first[1:] = name[1:] != name[:-1]
    cancelled = _seen(lines["cancelled_at"].to_numpy(), as_of)
    fulfilled = ~cancelled & _seen(lines["fulfilled_at"].to_numpy(), as_of)
    refund = np.where(_seen(lines["refunded_at"].to_numpy(), as_of) & ~cancelled, lines["refund_line"].to_numpy(), 0)
    _, inv = np.unique(name, return_inverse=True)
    order_refund = np.bincount(inv, weights=refund)[inv]
    lines_per_order = np.bincount(inv)[inv]
    refunded_lines = np.bincount(inv, weights=(refund > 0).astype(float))[inv]
    fin = np.select([cancelled, (refunded_lines == lines_per_order) & (order_refund > 0), order_refund > 0],
                    ["voided", "refunded", "partially_refunded"], "paid").astype(object)
    buyers = people.pick(lines["buyer_idx"].to_numpy())
    synced = lines["synced_tiktok_order_id"].to_numpy() != ""
    people.record(lines["buyer_idx"].to_numpy(), ("names", "phones", "phone_us", "street_addresses"))
    people.record(lines["buyer_idx"].to_numpy()[~synced], ("emails",))
    created = lines["created"].to_numpy()
    paid_at = created.astype("datetime64[s]") + np.timedelta64(3, "s")
    tax_pct = lines["tax_rate"].to_numpy(dtype=float)

    def full_addr(b):
        return f"{b.street}, {b.unit}" if b.unit else b.street

    col = {
        "Name": name,
        "Email": np.array(["" if s else b.email for b, s in zip(buyers, synced)], dtype=object),
        "Financial Status": fin,
        "Paid at": np.where(cancelled, "", shopify_time(paid_at)),
        "Fulfillment Status": np.where(fulfilled, "fulfilled", "unfulfilled"),
        "Fulfilled at": shopify_time(_mask_times(lines["fulfilled_at"].to_numpy(), as_of)),
        "Accepts Marketing": np.where(lines["accepts_marketing"].to_numpy(), "yes", "no"),
        "Currency": np.full(n, "USD", dtype=object),
        "Subtotal": money_2dp(lines["subtotal"]),
        "Shipping": money_2dp(lines["shipping"]),
        "Taxes": money_2dp(lines["taxes"]),
        "Total": money_2dp(lines["total"]),
        "Discount Code": lines["discount_code"].to_numpy(),
        "Discount Amount": money_2dp(lines["discount_amount"]),
        "Shipping Method": np.where(lines["shipping"].to_numpy() > 0, "Standard Shipping", "Free Shipping"),
        "Created at": shopify_time(created),
        "Lineitem quantity": lines["quantity"].to_numpy().astype(str),
        "Lineitem name": lines["lineitem_name"].to_numpy(),
        "Lineitem price": money_2dp(lines["unit_price"]),
        "Lineitem compare at price": lines["compare_at"].to_numpy(),
        "Lineitem sku": lines["lineitem_sku"].to_numpy(),
        "Lineitem requires shipping": np.full(n, "true", dtype=object),
        "Lineitem taxable": np.full(n, "true", dtype=object),
        "Lineitem fulfillment status": np.where(fulfilled, "fulfilled", "pending"),
        "Billing Name": np.array([b.name for b in buyers], dtype=object),
        "Billing Street": np.array([full_addr(b) for b in buyers], dtype=object),
        "Billing Address1": np.array([b.street for b in buyers], dtype=object),
        "Billing Address2": np.array([b.unit for b in buyers], dtype=object),
        "Billing Company": np.full(n, "", dtype=object),
        "Billing City": np.array([b.city for b in buyers], dtype=object),
        "Billing Zip": np.array([f"'{b.zipcode}" for b in buyers], dtype=object),
        "Billing Province": np.array([b.state_code for b in buyers], dtype=object),
        "Billing Country": np.full(n, "US", dtype=object),
        "Billing Phone": np.array([format_phone_us(b) for b in buyers], dtype=object),
        "Shipping Name": np.array([b.name for b in buyers], dtype=object),
        "Shipping Street": np.array([full_addr(b) for b in buyers], dtype=object),
        "Shipping Address1": np.array([b.street for b in buyers], dtype=object),
        "Shipping Address2": np.array([b.unit for b in buyers], dtype=object),
        "Shipping Company": np.full(n, "", dtype=object),
        "Shipping City": np.array([b.city for b in buyers], dtype=object),
        "Shipping Zip": np.array([f"'{b.zipcode}" for b in buyers], dtype=object),
        "Shipping Province": np.array([b.state_code for b in buyers], dtype=object),
        "Shipping Country": np.full(n, "US", dtype=object),
        "Shipping Phone": np.array([format_phone_us(b) for b in buyers], dtype=object),
        "Notes": lines["notes"].to_numpy(),
        "Note Attributes": lines["note_attributes"].to_numpy(),
        "Cancelled at": shopify_time(_mask_times(lines["cancelled_at"].to_numpy(), as_of)),
        "Payment Method": lines["payment_method"].to_numpy(),
        "Payment Reference": lines["payment_ref"].to_numpy(),
        "Refunded Amount": money_2dp(order_refund),
        "Vendor": lines["vendor"].to_numpy(),
        "Outstanding Balance": np.full(n, "0.00", dtype=object),
        "Employee": np.full(n, "", dtype=object),
        "Location": np.full(n, "", dtype=object),
        "Device ID": np.full(n, "", dtype=object),
        "Id": lines["shopify_id"].to_numpy().astype(str),
        "Tags": lines["tags"].to_numpy(),
        "Risk Level": np.full(n, "Low", dtype=object),
        "Source": lines["source"].to_numpy(),
        "Lineitem discount": money_2dp(lines["line_discount"]),
        "Tax 1 Name": np.array([f"{b.state_code} Sales Tax {r * 100:.3f}".rstrip("0").rstrip(".") + "%"
                                for b, r in zip(buyers, tax_pct)], dtype=object),
        "Tax 1 Value": money_2dp(lines["taxes"]),
        "Phone": np.array([format_phone_us(b) if b.phone_digits[-1] in "02468" else "" for b in buyers],
                          dtype=object),
        "Receipt Number": np.full(n, "", dtype=object),
        "Duties": np.full(n, "", dtype=object),
        "Billing Province Name": np.array([b.state for b in buyers], dtype=object),
        "Shipping Province Name": np.array([b.state for b in buyers], dtype=object),
        "Payment ID": lines["payment_ref"].to_numpy(),
        "Payment Terms Name": np.full(n, "", dtype=object),
        "Next Payment Due At": np.full(n, "", dtype=object),
        "Payment References": lines["payment_ref"].to_numpy(),
    }
    frame = pd.DataFrame({c: col.get(c, np.full(n, "", dtype=object)) for c in L.SHOPIFY_ORDERS})
    later = ~first
    for c in L.SHOPIFY_ORDERS:
        if c not in L.SHOPIFY_LINE_LEVEL and c != "Vendor":
            frame.loc[later, c] = ""
    return frame
