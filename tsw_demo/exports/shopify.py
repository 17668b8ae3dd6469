"""Shopify exports: the orders CSV (order fields on the first line of each order only).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tsw_demo import layouts as L
from tsw_demo.exports.formats import _mask_times, _seen, money_2dp, shopify_time
from tsw_demo.people import PeoplePool, format_phone_us


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

    # Billing and shipping address are the buyer's one address (Shopify writes both column sets).
    address = {
        "Name": np.array([b.name for b in buyers], dtype=object),
        "Street": np.array([full_addr(b) for b in buyers], dtype=object),
        "Address1": np.array([b.street for b in buyers], dtype=object),
        "Address2": np.array([b.unit for b in buyers], dtype=object),
        "Company": np.full(n, "", dtype=object),
        "City": np.array([b.city for b in buyers], dtype=object),
        "Zip": np.array([f"'{b.zipcode}" for b in buyers], dtype=object),
        "Province": np.array([b.state_code for b in buyers], dtype=object),
        "Country": np.full(n, "US", dtype=object),
        "Phone": np.array([format_phone_us(b) for b in buyers], dtype=object),
        "Province Name": np.array([b.state for b in buyers], dtype=object),
    }

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
        **{f"{side} {k}": v for side in ("Billing", "Shipping") for k, v in address.items()},
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
