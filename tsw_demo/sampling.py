"""Turn the world's expected daily units into individual orders with a full life cycle.

Each channel gets one canonical line-level DataFrame (one row per order line) holding the order's
*whole future*: when it was paid, shipped, delivered, cancelled or returned. The writers in
exports.py then show each export's view "as of" its export time, so an order exported twice shows
the state change (Shipped -> Delivered -> returned) exactly as a seller's re-export would.

Units are sampled per day and product as Poisson(expected units), so realised daily per-product
sales follow the world's expectations (the spillover estimator must be able to recover the truth).
Orders are then formed from those units (1-3 units each) and a share of same-day single-product
orders is merged into multi-product orders; merging never changes per-product daily units.

All clock times are the seller's local time (America/Los_Angeles) as naive datetimes; the world's
calendar day is that local day on every channel. Writers convert (Amazon to UTC, Shopify with offset).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tsw_demo.people import STATE_TAX, PeoplePool

SECOND = np.timedelta64(1, "s")
HOUR = 3600
DAY = 86400

CREATOR_HANDLES = (
    "glowwithmaya", "thegymbrodan", "cozyhomecarla", "techtokjules", "skincarebyrina", "fitmomtasha",
    "dealsdiva_us", "unboxwithleo", "hairgoalsnia", "outdoorovi", "stylebyserena", "gadgetgrant",
    "minimalmarta", "wellnesswade", "beautybynoor", "trailrunterry", "homehackhana", "phonefixphil",
    "lashqueenlee", "yogawithyara",
)
CANCEL_REASONS = {
    "Buyer": ("No longer needed", "Need to change delivery address", "Found a better price elsewhere",
              "Ordered by mistake"),
    "Seller": ("Out of stock", "Pricing error"),
    "System": ("Package delivery failed", "Payment verification failed"),
}


@dataclass
class ChannelOrders:
    lines: pd.DataFrame  # one row per order line, sorted by created time then line number


def _unit_orders(rng: np.random.Generator, units: np.ndarray, p_new: float, max_qty: int) -> tuple[np.ndarray, np.ndarray]:
    """Split each cell's units into orders of 1..max_qty units.

    Returns (cell index per order, quantity per order). Order sizes start geometric (each extra unit
    joins the previous order with probability 1 - p_new) and are cut at max_qty.
    """
    cell = np.repeat(np.arange(len(units)), units)
    if cell.size == 0:
        return cell, cell
    brk = rng.random(cell.size) < p_new
    first = np.ones(cell.size, dtype=bool)
    first[1:] = cell[1:] != cell[:-1]
    brk |= first
    order = np.cumsum(brk) - 1
    start = np.flatnonzero(brk)
    pos = np.arange(cell.size) - start[order]
    brk |= (pos % max_qty) == 0
    order = np.cumsum(brk) - 1
    qty = np.bincount(order)
    return cell[brk], qty


def _merge_multi(rng: np.random.Generator, day: np.ndarray, product: np.ndarray, share: float) -> np.ndarray:
    """Group key per single-product order so that ~share of orders end up in 2-product orders.

    Only orders of the same day and different products are combined, so daily units per product
    are untouched.
    """
    n = day.size
    group = np.arange(n)
    flagged = np.flatnonzero(rng.random(n) < share)
    if flagged.size < 2:
        return group
    order = np.lexsort((rng.random(flagged.size), day[flagged]))
    f = flagged[order]
    same_day_next = day[f[1:]] == day[f[:-1]]
    diff_product = product[f[1:]] != product[f[:-1]]
    ok = same_day_next & diff_product
    # Pair greedily (i, i+1), never reusing an order.
    used = np.zeros(f.size, dtype=bool)
    for i in np.flatnonzero(ok):
        if not used[i] and not used[i + 1]:
            group[f[i + 1]] = group[f[i]]
            used[i] = used[i + 1] = True
    return group


def _created_seconds(rng: np.random.Generator, n: int) -> np.ndarray:
    """Seconds after local midnight: quiet nights, a lunch bump and an evening peak (phone shopping)."""
    comp = rng.choice(3, size=n, p=[0.2, 0.3, 0.5])
    centre = np.array([9.0, 13.0, 20.5])[comp] * HOUR
    spread = np.array([3.5, 2.5, 2.5])[comp] * HOUR
    sec = rng.normal(centre, spread)
    return np.mod(sec, DAY).astype(np.int64)  # late-evening tail wraps past midnight


def _times(base: np.ndarray, offset_s: np.ndarray) -> np.ndarray:
    return base + offset_s.astype(np.int64) * SECOND


def _orders_from_units(rng, daily: pd.DataFrame, unit_col: str, *, p_new: float, max_qty: int,
                       multi_share: float, unit_scale: float = 1.0) -> pd.DataFrame:
    lam = daily[unit_col].to_numpy(dtype=float) * unit_scale
    units = rng.poisson(np.clip(lam, 0, None))
    cell, qty = _unit_orders(rng, units, p_new, max_qty)
    days = daily["date"].to_numpy(dtype="datetime64[D]")[cell]
    products = daily["_pidx"].to_numpy()[cell]
    group = _merge_multi(rng, days.astype(np.int64), products, multi_share)
    lines = pd.DataFrame({"cell": cell, "date": days, "_pidx": products, "quantity": qty, "group": group})
    # Order-level facts are drawn once per group and broadcast to its lines.
    groups, inv = np.unique(lines["group"].to_numpy(), return_inverse=True)
    secs = _created_seconds(rng, groups.size)
    first_day = np.zeros(groups.size, dtype="datetime64[D]")
    first_day[inv] = days  # same day within a group by construction
    created = first_day.astype("datetime64[s]") + secs * SECOND
    order_rank = np.argsort(np.argsort(created, kind="stable"), kind="stable")
    lines["order_seq"] = order_rank[inv]
    lines["created"] = created[inv]
    lines["_ginv"] = inv
    lines = lines.sort_values(["order_seq", "_pidx"], kind="stable").reset_index(drop=True)
    lines["line_no"] = lines.groupby("order_seq").cumcount() + 1
    return lines, units


def _order_level(lines: pd.DataFrame, values: np.ndarray) -> np.ndarray:
    """Broadcast per-order values (indexed by order_seq) to lines."""
    return values[lines["order_seq"].to_numpy()]


def _rates_for(products: pd.DataFrame, channel: str, truth: dict, kind: str) -> np.ndarray:
    """Per-product true rate for kind in {'return', 'cancel'} on channel."""
    col = f"{kind}_rate_{channel}"
    if col in products.columns:
        return products[col].to_numpy(dtype=float)
    table = (truth or {}).get(f"{kind}_rates") or {}
    if isinstance(table.get(channel), (int, float)):
        return np.full(len(products), float(table[channel]))
    out = []
    for cat in products["category"]:
        entry = table.get(cat, {})
        if isinstance(entry, dict) and channel in entry:
            out.append(float(entry[channel]))
        else:
            out.append({"return": 0.08, "cancel": 0.03}[kind])
    return np.array(out)


def sample_tiktok(rng, products: pd.DataFrame, daily: pd.DataFrame, people: PeoplePool, truth: dict,
                  unit_scale: float = 1.0, seq_offset: int = 0) -> tuple[pd.DataFrame, np.ndarray]:
    """seq_offset: orders already numbered before these (a slice of the window sampled after earlier ones),
    so Order and Package IDs stay unique across slices."""
    lines, units = _orders_from_units(rng, daily, "expected_tiktok_units", p_new=0.72, max_qty=3,
                                      multi_share=0.12, unit_scale=unit_scale)
    n_orders = int(lines["order_seq"].max()) + 1 if len(lines) else 0
    pidx = lines["_pidx"].to_numpy()
    cell = lines["cell"].to_numpy()
    price = products["price_usd"].to_numpy(dtype=float)[pidx]
    qty = lines["quantity"].to_numpy()
    promo = daily["is_promo"].to_numpy(dtype=bool)[cell] if "is_promo" in daily else np.zeros(len(cell), bool)
    bfcm = daily["is_bfcm"].to_numpy(dtype=bool)[cell] if "is_bfcm" in daily else np.zeros(len(cell), bool)

    # Seller discounts: promo days 15 %, BFCM 25 %, otherwise an occasional 5-10 % coupon.
    ord_coupon = rng.random(n_orders) < 0.18
    ord_coupon_rate = rng.choice([0.05, 0.10], size=n_orders)
    seller_rate = np.where(bfcm, 0.25, np.where(promo, 0.15, np.where(_order_level(lines, ord_coupon),
                                                                     _order_level(lines, ord_coupon_rate), 0.0)))
    gross = np.round(price * qty, 2)
    seller_disc = np.round(gross * seller_rate, 2)
    # Platform-funded coupon ($1-$4 per line) on some orders.
    ord_platform = rng.random(n_orders) < 0.15
    platform_disc = np.where(_order_level(lines, ord_platform),
                             np.minimum(np.round(rng.integers(1, 5, size=len(lines)).astype(float), 2),
                                        gross - seller_disc - 0.5), 0.0)
    platform_disc = np.clip(platform_disc, 0, None)
    after = np.round(gross - seller_disc - platform_disc, 2)

    lines["unit_price"] = price
    lines["gross"] = gross
    lines["seller_discount"] = seller_disc
    lines["platform_discount"] = platform_disc
    lines["subtotal"] = after

    seq = lines["order_seq"].to_numpy()
    order_subtotal = np.bincount(seq, weights=after, minlength=n_orders)
    fbt_product = products["_fbt"].to_numpy(dtype=bool)
    # An order is FBT when its first line's product is stocked in FBT (mixed orders ship from the seller).
    first_line = lines.groupby("order_seq")["_pidx"].first().to_numpy()
    ord_fbt = fbt_product[first_line]
    ship_orig = np.where(ord_fbt, 4.99, 5.99)
    free = order_subtotal >= 25
    ship_platform = np.where(free, ship_orig, 0.0)
    ship_seller = np.where(~free & (rng.random(n_orders) < 0.35), ship_orig, 0.0)
    ship_after = np.round(ship_orig - ship_platform - ship_seller, 2)

    buyer = rng.integers(len(people.people), size=n_orders)
    state_codes = np.array([p.state_code for p in people.people])[buyer]
    tax_rate = np.array([STATE_TAX.get(s, 0.07) for s in state_codes])
    taxes = np.round(order_subtotal * tax_rate, 2)
    order_amount = np.round(order_subtotal + ship_after + taxes, 2)

    created = lines.groupby("order_seq")["created"].first().to_numpy().astype("datetime64[s]")
    paid = _times(created, rng.integers(3, 180, n_orders))
    cancel_rate = _rates_for(products, "tiktok", truth, "cancel")[first_line]
    cancelled = rng.random(n_orders) < cancel_rate
    cancel_at = _times(created, np.minimum(rng.exponential(6 * HOUR, n_orders), 40 * HOUR) + 60)
    cancel_by = rng.choice(["Buyer", "Seller", "System"], size=n_orders, p=[0.75, 0.12, 0.13])
    cancel_reason = np.array([CANCEL_REASONS[b][i % len(CANCEL_REASONS[b])]
                              for b, i in zip(cancel_by, rng.integers(0, 4, n_orders))], dtype=object)
    rts = _times(created, rng.integers(3 * HOUR, 40 * HOUR, n_orders))
    shipped = _times(rts, rng.integers(2 * HOUR, 30 * HOUR, n_orders))
    delivered = _times(shipped, rng.integers(2 * DAY, 7 * DAY, n_orders))
    completed = _times(delivered, np.full(n_orders, 7 * DAY) + rng.integers(0, DAY, n_orders))
    nat = np.datetime64("NaT", "s")
    for arr in (rts, shipped, delivered, completed):
        arr[cancelled] = nat
    cancel_at[~cancelled] = nat

    # Returns per line, with the product's true TikTok return rate; a few multi-unit lines are partial.
    ret_rate = _rates_for(products, "tiktok", truth, "return")[pidx]
    line_cancelled = _order_level(lines, cancelled)
    returned = (~line_cancelled) & (rng.random(len(lines)) < ret_rate)
    partial = returned & (qty > 1) & (rng.random(len(lines)) < 0.25)
    ret_qty = np.where(returned, np.where(partial, qty - 1, qty), 0)
    ret_at = _times(_order_level(lines, delivered), rng.integers(1 * DAY, 25 * DAY, len(lines)))
    ret_at[~returned] = nat
    line_tax_share = np.where(order_subtotal[seq] > 0, taxes[seq] * after / np.maximum(order_subtotal[seq], 0.01), 0)
    line_refund = np.round(np.where(returned, (after + line_tax_share) * ret_qty / qty, 0.0), 2)

    creator_share = daily["creator_gmv_share"].to_numpy(dtype=float)[cell] if "creator_gmv_share" in daily \
        else np.zeros(len(cell))
    ord_creator_draw = rng.random(n_orders)
    creator_line = ord_creator_draw[seq] < creator_share
    # Each product works with a few creators; the handle is picked from the product's roster.
    roster = rng.integers(len(CREATOR_HANDLES), size=(len(products), 3))
    handle_idx = roster[pidx, rng.integers(3, size=len(lines))]
    handles = np.array(CREATOR_HANDLES, dtype=object)[handle_idx]
    lines["creator_handle"] = np.where(creator_line, handles, "")
    lines["content_type"] = np.where(creator_line, rng.choice(["video", "LIVE", "showcase"], size=len(lines),
                                                              p=[0.68, 0.22, 0.10]), "")
    lines["content_id"] = np.where(creator_line, [f"7{v:018d}" for v in rng.integers(10**17, 10**18, len(lines))], "")

    number = np.arange(n_orders) + seq_offset
    order_ids = (576_400_000_000_000_000 + number * 7_919 + rng.integers(0, 7_000, n_orders))
    lines["order_id"] = order_ids.astype(str)[seq]
    lines["package_id"] = (1_152_000_000_000_000_000 + number * 613
                           + rng.integers(0, 600, n_orders)).astype(str)[seq]
    tracking = np.array([f"9400{v:018d}" for v in rng.integers(10**17, 10**18, n_orders)], dtype=object)
    lines["tracking_id"] = tracking[seq]
    lines["shipping_provider"] = np.where(ord_fbt, "UPS", rng.choice(["USPS", "UPS", "FedEx"], size=n_orders,
                                                                     p=[0.7, 0.2, 0.1]))[seq]
    lines["fulfillment_type"] = np.where(ord_fbt, "Fulfillment by TikTok", "Fulfillment by seller")[seq]
    lines["warehouse"] = np.where(ord_fbt, "FBT Ontario CA", "Demo Seller - Reno NV")[seq]
    lines["shipping_fee_original"] = ship_orig[seq]
    lines["shipping_fee_platform_discount"] = ship_platform[seq]
    lines["shipping_fee_seller_discount"] = ship_seller[seq]
    lines["shipping_fee"] = ship_after[seq]
    lines["taxes"] = taxes[seq]
    lines["order_amount"] = order_amount[seq]
    lines["buyer_idx"] = buyer[seq]
    lines["masked"] = (rng.random(n_orders) < 0.2)[seq]
    lines["buyer_message"] = np.where(rng.random(n_orders) < 0.03, "Please ship ASAP, it's a gift", "")[seq]
    lines["payment_method"] = rng.choice(["Credit card", "PayPal", "Apple Pay", "Klarna"], size=n_orders,
                                         p=[0.55, 0.2, 0.18, 0.07])[seq]
    for name, arr in (("paid", paid), ("rts", rts), ("shipped", shipped), ("delivered", delivered),
                      ("completed", completed), ("cancelled_at", cancel_at)):
        lines[name] = arr[seq]
    lines["cancel_by"] = np.where(cancelled, cancel_by, "")[seq]
    lines["cancel_reason"] = np.where(cancelled, cancel_reason, "")[seq]
    lines["cancelled"] = line_cancelled
    lines["return_qty"] = ret_qty
    lines["returned_at"] = ret_at
    lines["line_refund"] = line_refund
    lines["product_id"] = products["product_id"].to_numpy()[pidx]
    return lines, units


def sample_amazon(rng, products: pd.DataFrame, daily: pd.DataFrame, people: PeoplePool, truth: dict
                  ) -> tuple[pd.DataFrame, np.ndarray]:
    lines, units = _orders_from_units(rng, daily, "expected_amazon_units", p_new=0.8, max_qty=2, multi_share=0.08)
    n = int(lines["order_seq"].max()) + 1 if len(lines) else 0
    seq = lines["order_seq"].to_numpy()
    pidx = lines["_pidx"].to_numpy()
    qty = lines["quantity"].to_numpy()
    cell = lines["cell"].to_numpy()
    price = products["price_usd"].to_numpy(dtype=float)[pidx]
    prime = daily["is_prime_day"].to_numpy(dtype=bool)[cell] if "is_prime_day" in daily else np.zeros(len(cell), bool)
    promo_rate = np.where(prime, 0.20, np.where(rng.random(len(lines)) < 0.1, 0.10, 0.0))
    gross = np.round(price * qty, 2)
    promo = np.round(gross * promo_rate, 2)
    first_line = lines.groupby("order_seq")["_pidx"].first().to_numpy()
    fba = products["_fba"].to_numpy(dtype=bool)[first_line]
    buyer = rng.integers(len(people.people), size=n)
    state_codes = np.array([p.state_code for p in people.people])[buyer]
    tax_rate = np.array([STATE_TAX.get(s, 0.07) for s in state_codes])
    created = lines.groupby("order_seq")["created"].first().to_numpy().astype("datetime64[s]")
    pending_until = _times(created, rng.integers(60, 8 * HOUR, n))
    cancelled = rng.random(n) < _rates_for(products, "amazon", truth, "cancel")[first_line]
    cancel_at = _times(created, rng.integers(10 * 60, 30 * HOUR, n))
    shipped = _times(pending_until, np.where(fba, rng.integers(4 * HOUR, 30 * HOUR, n),
                                             rng.integers(12 * HOUR, 60 * HOUR, n)))
    nat = np.datetime64("NaT", "s")
    shipped[cancelled] = nat
    cancel_at[~cancelled] = nat
    ret_rate = _rates_for(products, "amazon", truth, "return")[pidx]
    returned = (~cancelled[seq]) & (rng.random(len(lines)) < ret_rate)
    business = rng.random(n) < 0.04
    lines["unit_price"] = price
    lines["item_price"] = gross
    lines["item_tax"] = np.round((gross - promo) * tax_rate[seq], 2)
    lines["item_promotion_discount"] = promo
    lines["promotion_ids"] = np.where(prime, "Prime Day Deal", np.where(promo > 0, "Save 10% Coupon", ""))
    lines["fba"] = fba[seq]
    lines["buyer_idx"] = buyer[seq]
    lines["pending_until"] = pending_until[seq]
    lines["shipped"] = shipped[seq]
    lines["cancelled_at"] = cancel_at[seq]
    lines["cancelled"] = cancelled[seq]
    lines["price_blank_when_cancelled"] = (rng.random(n) < 0.5)[seq]
    lines["is_business"] = business[seq]
    lines["ship_service_level"] = np.where(rng.random(n) < 0.8, "Standard", "Expedited")[seq]
    lines["returned"] = returned
    a = rng.integers(100, 999, n)
    b = rng.integers(1_000_000, 9_999_999, n)
    c = rng.integers(1_000_000, 9_999_999, n)
    lines["amazon_order_id"] = np.array([f"{x:03d}-{y:07d}-{z:07d}" for x, y, z in zip(a, b, c)],
                                        dtype=object)[seq]
    lines["order_item_id"] = [f"{v:014d}" for v in rng.integers(10**13, 10**14, len(lines))]
    lines["product_id"] = products["product_id"].to_numpy()[pidx]
    return lines, units


def sample_shopify(rng, products: pd.DataFrame, daily: pd.DataFrame, people: PeoplePool, truth: dict
                   ) -> tuple[pd.DataFrame, np.ndarray]:
    lines, units = _orders_from_units(rng, daily, "expected_shopify_units", p_new=0.75, max_qty=3,
                                      multi_share=0.10)
    n = int(lines["order_seq"].max()) + 1 if len(lines) else 0
    seq = lines["order_seq"].to_numpy()
    pidx = lines["_pidx"].to_numpy()
    cell = lines["cell"].to_numpy()
    price = products["price_usd"].to_numpy(dtype=float)[pidx]
    created = lines.groupby("order_seq")["created"].first().to_numpy().astype("datetime64[s]")
    first_line = lines.groupby("order_seq")["_pidx"].first().to_numpy()
    # TikTok-driven share of a Shopify order: the world's spillover share when it exposes one, else a
    # share that rises with the day's TikTok activity (what sellers observe in discount-code usage).
    if "shopify_spillover_share" in daily:
        tt_share = daily["shopify_spillover_share"].to_numpy(dtype=float)[cell]
    else:
        views = daily["video_views"].to_numpy(dtype=float) if "video_views" in daily else np.zeros(len(daily))
        rel = views / (np.nanmean(views) + 1e-9)
        tt_share = np.clip(0.06 * rel, 0, 0.5)[cell]
    first_share = pd.Series(tt_share).groupby(seq).first().to_numpy()
    draw = rng.random(n)
    tiktok_driven = draw < first_share
    # How a TikTok-driven order reveals itself in the CSV: creator code, UTM note attribute, or nothing.
    signal = np.where(tiktok_driven, rng.choice(["creator_code", "note_attribute", "none"], size=n,
                                                p=[0.45, 0.35, 0.20]), "")
    roster = rng.integers(len(CREATOR_HANDLES), size=n)
    welcome = (~tiktok_driven) & (rng.random(n) < 0.12)
    disc_rate = np.where(signal == "creator_code", 0.15, np.where(welcome, 0.10, 0.0))
    qty = lines["quantity"].to_numpy()
    gross = np.round(price * qty, 2)
    line_disc = np.round(gross * disc_rate[seq], 2)
    subtotal_after = np.bincount(seq, weights=gross - line_disc, minlength=n)
    discount = np.bincount(seq, weights=line_disc, minlength=n)
    shipping = np.where(subtotal_after >= 50, 0.0, 6.95)
    buyer = rng.integers(len(people.people), size=n)
    state_codes = np.array([p.state_code for p in people.people])[buyer]
    taxes = np.round(subtotal_after * np.array([STATE_TAX.get(s, 0.07) for s in state_codes]), 2)
    total = np.round(subtotal_after + shipping + taxes, 2)
    cancelled = rng.random(n) < _rates_for(products, "shopify", truth, "cancel")[first_line]
    fulfilled = _times(created, rng.integers(6 * HOUR, 72 * HOUR, n))
    cancel_at = _times(created, rng.integers(30 * 60, 20 * HOUR, n))
    nat = np.datetime64("NaT", "s")
    fulfilled[cancelled] = nat
    cancel_at[~cancelled] = nat
    ret_rate = _rates_for(products, "shopify", truth, "return")[pidx]
    returned = (~cancelled[seq]) & (rng.random(len(lines)) < ret_rate)
    refund_line = np.where(returned, np.round((gross - line_disc) * (1 + taxes[seq] / np.maximum(subtotal_after[seq], 0.01)), 2), 0.0)
    refunded_at = _times(fulfilled[seq], rng.integers(5 * DAY, 30 * DAY, len(lines)))
    refunded_at[~returned] = nat

    lines["unit_price"] = price
    lines["line_discount"] = line_disc
    lines["discount_code"] = np.where(signal == "creator_code",
                                      np.array([f"TIKTOK-{CREATOR_HANDLES[r].upper().replace('_', '')}15"
                                                for r in roster], dtype=object),
                                      np.where(welcome, "WELCOME10", ""))[seq]
    lines["tiktok_signal"] = signal[seq]
    lines["tiktok_driven"] = tiktok_driven[seq]
    lines["subtotal"] = np.round(subtotal_after, 2)[seq]
    lines["discount_amount"] = np.round(discount, 2)[seq]
    lines["shipping"] = shipping[seq]
    lines["taxes"] = taxes[seq]
    lines["total"] = total[seq]
    lines["buyer_idx"] = buyer[seq]
    lines["accepts_marketing"] = (rng.random(n) < 0.4)[seq]
    lines["fulfilled_at"] = fulfilled[seq]
    lines["cancelled_at"] = cancel_at[seq]
    lines["cancelled"] = cancelled[seq]
    lines["returned"] = returned
    lines["refund_line"] = refund_line
    lines["refunded_at"] = refunded_at
    lines["payment_method"] = rng.choice(["Shopify Payments", "PayPal Express Checkout", "Shop Pay"], size=n,
                                         p=[0.6, 0.25, 0.15])[seq]
    lines["product_id"] = products["product_id"].to_numpy()[pidx]
    lines["synced_tiktok_order_id"] = ""
    return lines, units
