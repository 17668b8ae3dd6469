"""TikTok Shop statements: one line per settled order line, daily statements paid out weekly.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from tsw_demo import exports as X
from tsw_demo.settlements.rates import (
    DAY,
    FEE_DISPUTE_MULTIPLIER,
    NEVER_SETTLED_MIN_AGE_DAYS,
    TIKTOK_SETTLE_AFTER_DELIVERY_DAYS,
    _local_day,
    _money,
    _r2,
    _refund_admin,
    rate_card,
    referral_rates,
)

TIKTOK_STATEMENT_COLUMNS = [
    "Statement date", "Statement ID", "Payment ID", "Status", "Type", "Currency", "Order/adjustment ID",
    "Related order ID", "SKU ID", "Quantity", "Product name", "SKU name", "Order created time",
    "Order settled time", "Order delivery time", "Total settlement amount", "Total revenue", "Customer payment",
    "Customer refund", "Subtotal before discounts", "Seller discounts", "Subtotal after seller discounts", "Platform discounts",
    "Refund subtotal after seller discounts", "Platform discounts refund", "Total fees", "Referral fee",
    "Refund administration fee", "Affiliate commission", "Shipping", "Customer shipping fee",
    "Platform shipping fee discount", "Adjustment amount", "Adjustment reason",
]
# ---------------------------------------------------------------- TikTok Shop statements
def tiktok_statements(tt: pd.DataFrame, products: pd.DataFrame, start: date, last: date,
                      rng: np.random.Generator, *, plant: bool = True) -> tuple[pd.DataFrame, dict]:
    """Statement rows (file layout) for every line settled by `last`, and the facts the ground truth keeps.
    plant=False: no planted difference (the scaled demo plants them in one slice of its orders only)."""
    end = np.datetime64(last) + 1
    delivered = tt["delivered"].to_numpy(dtype="datetime64[s]")
    eligible = ~tt["cancelled"].to_numpy(dtype=bool) & ~np.isnat(delivered)
    settle = delivered + np.timedelta64(TIKTOK_SETTLE_AFTER_DELIVERY_DAYS * DAY, "s") + \
        rng.integers(0, 3 * DAY, len(tt)).astype("timedelta64[s]")
    settled = eligible & (settle < end.astype("datetime64[s]"))

    # Planted: one old, delivered, unreturned single-line order never settles.
    seq = tt["order_seq"].to_numpy()
    lines_per_order = np.bincount(seq, minlength=int(seq.max()) + 1 if len(seq) else 0)[seq]
    old = delivered < (np.datetime64(last) - NEVER_SETTLED_MIN_AGE_DAYS).astype("datetime64[s]")
    candidates = np.flatnonzero(settled & old & (lines_per_order == 1) & (tt["return_qty"].to_numpy() == 0))
    missing = int(candidates[len(candidates) // 2]) if len(candidates) and plant else None
    if missing is not None:
        settled[missing] = False

    gross = tt["gross"].to_numpy(dtype=float)
    seller_disc = tt["seller_discount"].to_numpy(dtype=float)
    platform = tt["platform_discount"].to_numpy(dtype=float)
    after_seller = _r2(gross - seller_disc)
    card = rate_card()
    pidx = tt["_pidx"].to_numpy()
    rate = referral_rates(card, "tiktok_shop", _local_day(tt["created"].to_numpy()),
                          products["category"].to_numpy()[pidx],
                          after_seller / np.maximum(tt["quantity"].to_numpy(), 1))
    referral = -_r2(after_seller * rate)
    # Planted: one line charged three times the rate card (a fee the seller should dispute).
    big = np.flatnonzero(settled & old & (after_seller > 20) & (tt["return_qty"].to_numpy() == 0)
                         & (np.arange(len(tt)) != (missing if missing is not None else -1)))
    disputed = int(big[len(big) // 3]) if len(big) and plant else None
    if disputed is not None:
        referral[disputed] = -_r2(after_seller[disputed] * rate[disputed] * FEE_DISPUTE_MULTIPLIER)
    creator = tt["creator_handle"].to_numpy() != ""
    commission = -_r2(np.where(creator, tt["subtotal"].to_numpy(dtype=float)
                               * products["commission_rate"].to_numpy(dtype=float)[pidx], 0.0))
    first_line = ~pd.Series(seq).duplicated().to_numpy()
    customer_ship = np.where(first_line, tt["shipping_fee"].to_numpy(dtype=float), 0.0)
    platform_ship = np.where(first_line, tt["shipping_fee_platform_discount"].to_numpy(dtype=float), 0.0)

    sale = pd.DataFrame({
        "i": np.flatnonzero(settled), "kind": "sale",
    })
    # Returns settle in a later statement: two days after the return, never before the sale settled.
    ret_at = tt["returned_at"].to_numpy(dtype="datetime64[s]")
    ret_settle = np.maximum(ret_at + np.timedelta64(2 * DAY, "s"), settle + np.timedelta64(DAY, "s"))
    returned = settled & (tt["return_qty"].to_numpy() > 0) & ~np.isnat(ret_at) & \
        (ret_settle < end.astype("datetime64[s]"))
    refund = pd.DataFrame({"i": np.flatnonzero(returned), "kind": "refund"})
    rows = pd.concat([sale, refund], ignore_index=True)
    i = rows["i"].to_numpy()
    is_refund = rows["kind"].to_numpy() == "refund"
    when = np.where(is_refund, ret_settle[i], settle[i])
    share = np.where(is_refund, tt["return_qty"].to_numpy()[i] / tt["quantity"].to_numpy()[i], 0.0)

    sub_before = np.where(is_refund, 0.0, gross[i])
    s_disc = np.where(is_refund, 0.0, -seller_disc[i])
    sub_after = np.where(is_refund, 0.0, after_seller[i])
    plat = np.where(is_refund, 0.0, platform[i])
    ref_sub = np.where(is_refund, -_r2(after_seller[i] * share), 0.0)
    plat_ref = np.where(is_refund, -_r2(platform[i] * share), 0.0)
    referral_back = _r2(-referral[i] * share)
    ref_fee = np.where(is_refund, referral_back, referral[i])
    admin = np.where(is_refund, -_refund_admin(referral_back), 0.0)
    aff = np.where(is_refund, _r2(-commission[i] * share), commission[i])
    cust_ship = np.where(is_refund, 0.0, customer_ship[i])
    plat_ship = np.where(is_refund, 0.0, platform_ship[i])
    # Revenue is the goods after the seller's discounts: platform-funded discounts are paid back, so the
    # buyer's payment plus the platform discount is that same subtotal (both shown, as the export does).
    revenue = _r2(sub_after + ref_sub)
    fees = _r2(ref_fee + admin + aff)
    shipping = _r2(cust_ship + plat_ship)
    total = _r2(revenue + fees + shipping)

    day = _local_day(when)
    day0 = np.datetime64(start)
    day_no = (day - day0).astype(int)
    week_no = day_no // 7
    statement_id = (7_301_000_000_000_000_000 + day_no * 1_000 + 1).astype(str)
    payment_id = (7_302_000_000_000_000_000 + week_no * 1_000 + 7).astype(str)
    n = len(rows)
    frame = pd.DataFrame({
        "Statement date": X.us_date(day.astype("datetime64[s]")),
        "Statement ID": statement_id,
        "Payment ID": payment_id,
        "Status": np.full(n, "Paid", dtype=object),
        "Type": np.full(n, "Order", dtype=object),
        "Currency": np.full(n, "USD", dtype=object),
        "Order/adjustment ID": tt["order_id"].to_numpy()[i],
        "Related order ID": np.full(n, "", dtype=object),
        "SKU ID": products["tiktok_sku_id"].to_numpy()[pidx[i]],
        "Quantity": np.where(is_refund, tt["return_qty"].to_numpy()[i], tt["quantity"].to_numpy()[i]).astype(str),
        "Product name": products["product_name"].to_numpy()[pidx[i]],
        "SKU name": products["variation"].to_numpy()[pidx[i]],
        "Order created time": X.us_time(tt["created"].to_numpy()[i]),
        "Order settled time": X.us_time(when),
        "Order delivery time": X.us_time(delivered[i]),
        "Total settlement amount": _money(total),
        "Total revenue": _money(revenue),
        "Subtotal before discounts": _money(sub_before),
        "Seller discounts": _money(s_disc),
        "Subtotal after seller discounts": _money(sub_after),
        "Customer payment": _money(sub_after - plat),
        "Customer refund": _money(ref_sub - plat_ref),
        "Platform discounts": _money(plat),
        "Refund subtotal after seller discounts": _money(ref_sub),
        "Platform discounts refund": _money(plat_ref),
        "Total fees": _money(fees),
        "Referral fee": _money(ref_fee),
        "Refund administration fee": _money(admin),
        "Affiliate commission": _money(aff),
        "Shipping": _money(shipping),
        "Customer shipping fee": _money(cust_ship),
        "Platform shipping fee discount": _money(plat_ship),
        "Adjustment amount": np.full(n, "0.00", dtype=object),
        "Adjustment reason": np.full(n, "", dtype=object),
    })
    frame["_when"] = when
    frame = frame.sort_values(["_when", "Order/adjustment ID"], kind="stable").reset_index(drop=True)
    per_statement = (pd.DataFrame({"statement_id": statement_id, "total": total})
                     .groupby("statement_id")["total"].sum().round(2))
    per_payment = (pd.DataFrame({"payment_id": payment_id, "total": total})
                   .groupby("payment_id")["total"].sum().round(2))
    facts = {
        "statements": int(per_statement.size),
        "payments": int(per_payment.size),
        "statement_lines": int(n),
        "settled_order_lines": int(settled.sum()),
        "refund_lines": int(is_refund.sum()),
        "total_settled_usd": round(float(total.sum()), 2),
        "statement_totals_usd": {k: round(float(v), 2) for k, v in per_statement.items()},
        "payment_totals_usd": {k: round(float(v), 2) for k, v in per_payment.items()},
        "fees_usd": round(float(fees.sum()), 2),
        "refunds_usd": round(float(ref_sub.sum()), 2),
        "never_settled_order": None if missing is None else {
            "order_id": str(tt["order_id"].iloc[missing]),
            "delivered": str(pd.Timestamp(delivered[missing]).date()),
            "expected_revenue_usd": round(float(after_seller[missing]), 2),
        },
        "fee_dispute": None if disputed is None else {
            "order_id": str(tt["order_id"].iloc[disputed]),
            "sku_id": str(products["tiktok_sku_id"].iloc[pidx[disputed]]),
            "rate_card_rate": float(rate[disputed]),
            "rate_card_fee_usd": round(float(after_seller[disputed] * rate[disputed]), 2),
            "charged_fee_usd": round(float(-referral[disputed]), 2),
            "overcharge_usd": round(float(-referral[disputed] - _r2(after_seller[disputed] * rate[disputed])), 2),
        },
    }
    return frame, facts


def write_tiktok_statements(out_dir: Path, frame: pd.DataFrame) -> list[tuple[Path, date, date]]:
    """One CSV per calendar month of statements (what a seller downloads from Finance > Statements)."""
    written = []
    month = frame["_when"].to_numpy(dtype="datetime64[M]")
    for m in np.unique(month):
        part = frame[month == m]
        ms = pd.Timestamp(m).date()
        me = (pd.Timestamp(m) + pd.offsets.MonthEnd(0)).date()
        path = out_dir / f"statement_order_details_{ms:%Y%m%d}_{me:%Y%m%d}.csv"
        X.write_csv(path, TIKTOK_STATEMENT_COLUMNS, part[TIKTOK_STATEMENT_COLUMNS], bom=True, crlf=True)
        written.append((path, ms, me))
    return written
