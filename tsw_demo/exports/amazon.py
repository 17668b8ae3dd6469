"""Amazon exports: the All Orders report (TSV, optionally Cp1252).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from tsw_demo import layouts as L
from tsw_demo.exports.formats import _mask_times, _seen, iso_utc, money_2dp
from tsw_demo.people import PeoplePool


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
