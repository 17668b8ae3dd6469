"""What the demo seller was actually paid: TikTok Shop statements, Amazon Transaction and FBA returns
reports, Shopify Payments payout transactions — drawn from the same order lines as the order exports.

Rules (one place, so the ground truth and the files agree):
- Fees follow the platforms' published rate cards the warehouse ships (seeds/reference/platform_fees.csv,
  read by `referral_rates`): TikTok Shop and Amazon referral rates by category, price band and effective
  date on the item price after the seller's discount, Amazon's $0.30 per-unit minimum, Shopify Payments'
  rate and fixed fee; Amazon FBA fees by weight as in the demo catalogue. The refund administration fee
  (20 %, at most $5) is the platforms' published rule. Creator commissions are the affiliate export's rate.
- TikTok settles an order line 3-5 days after delivery in a daily statement; statements are paid out
  weekly (one Payment ID per week). A return is settled as a negative line in a later statement, with the
  referral fee given back less the refund administration fee (20 %, at most $5).
- Amazon posts an Order transaction when the item ships, a Refund when the return reaches the warehouse
  (after the FBA returns report row), a monthly subscription fee, and pays out every 14 days (a Transfer
  row per settlement).
- Shopify Payments charges the order total when it is placed (own orders paid with Shopify Payments or
  Shop Pay), refunds returned lines, makes the money available two days later and pays it out daily.

Planted differences (recorded in the ground truth; the reconciliation must find exactly these):
- a missing settlement: one delivered TikTok Shop order never appears in any statement;
- a fee dispute: one TikTok Shop line charged a referral fee at three times the rate card;
- a reimbursement: Amazon reimburses one returned unit that was damaged in its warehouse.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from orchestration.demo import exports as X

DAY = 86400
RATE_CARD_FILE = "platform_fees.csv"
# Published rules the rate-card file does not carry.
RATE_CARD = {
    "refund_admin_share": 0.20,
    "refund_admin_cap": 5.00,
}


def rate_card() -> pd.DataFrame:
    from orchestration import settings

    card = pd.read_csv(settings.REFERENCE_SEEDS_DIR / RATE_CARD_FILE, dtype={"category": str, "size_tier": str})
    card["valid_from"] = pd.to_datetime(card["valid_from"]).to_numpy(dtype="datetime64[D]")
    return card


def fixed_fee(card: pd.DataFrame, channel: str, fee_type: str) -> float:
    rows = card[(card["channel"] == channel) & (card["fee_type"] == fee_type)].sort_values("valid_from")
    return float(rows["fixed_usd"].iloc[-1])


def share_fee(card: pd.DataFrame, channel: str, fee_type: str) -> float:
    rows = card[(card["channel"] == channel) & (card["fee_type"] == fee_type)].sort_values("valid_from")
    return float(rows["rate"].iloc[-1])


def referral_rates(card: pd.DataFrame, channel: str, day: np.ndarray, category: np.ndarray,
                   unit_price: np.ndarray) -> np.ndarray:
    """The rate card's referral rate per line: the most specific row in force on the order day (a category's
    row before the all-categories row, then the latest), its price band holding the unit price after the
    seller's discount (min < price <= max)."""
    rows = card[(card["channel"] == channel) & (card["fee_type"] == "referral") & card["rate"].notna()]
    rows = rows.assign(_specific=rows["category"].notna()).sort_values(["_specific", "valid_from"])
    out = np.full(len(day), np.nan)
    for r in rows.itertuples():  # later, more specific rows overwrite: the last match wins
        ok = day >= r.valid_from
        if isinstance(r.category, str):
            ok &= category == r.category
        if not pd.isna(r.min_item_price_usd) and r.min_item_price_usd > 0:
            ok &= unit_price > r.min_item_price_usd
        if not pd.isna(r.max_item_price_usd):
            ok &= unit_price <= r.max_item_price_usd
        out = np.where(ok, r.rate, out)
    return np.nan_to_num(out)
TIKTOK_SETTLE_AFTER_DELIVERY_DAYS = 3
AMAZON_SETTLEMENT_DAYS = 14
SHOPIFY_AVAILABLE_AFTER_DAYS = 2
FEE_DISPUTE_MULTIPLIER = 3.0
NEVER_SETTLED_MIN_AGE_DAYS = 45

TIKTOK_STATEMENT_COLUMNS = [
    "Statement date", "Statement ID", "Payment ID", "Status", "Type", "Currency", "Order/adjustment ID",
    "Related order ID", "SKU ID", "Quantity", "Product name", "SKU name", "Order created time",
    "Order settled time", "Order delivery time", "Total settlement amount", "Total revenue", "Customer payment",
    "Customer refund", "Subtotal before discounts", "Seller discounts", "Subtotal after seller discounts", "Platform discounts",
    "Refund subtotal after seller discounts", "Platform discounts refund", "Total fees", "Referral fee",
    "Refund administration fee", "Affiliate commission", "Shipping", "Customer shipping fee",
    "Platform shipping fee discount", "Adjustment amount", "Adjustment reason",
]
AMAZON_TX_PREAMBLE = [
    "Includes Amazon Marketplace, Fulfillment by Amazon (FBA), and Amazon Webstore transactions",
    "All amounts in USD, unless specified",
    "Definitions:",
    "Sales tax collected: Includes sales tax collected from buyers for product sales, shipping, and gift wrap.",
    "Selling fees: Includes variable closing fees and referral fees.",
    ("Other transaction fees: Includes shipping chargebacks, shipping holdbacks, per-item fees  and sales tax "
     "collection fees."),
    ("Other: Includes non-order transaction amounts. For more details, see the \"Type\" and \"Description\" "
     "columns for each order ID."),
]
AMAZON_TX_COLUMNS = [
    "date/time", "settlement id", "type", "order id", "sku", "description", "quantity", "marketplace",
    "account type", "fulfillment", "order city", "order state", "order postal", "tax collection model",
    "product sales", "product sales tax", "shipping credits", "shipping credits tax", "gift wrap credits",
    "giftwrap credits tax", "Regulatory Fee", "Tax On Regulatory Fee", "promotional rebates",
    "promotional rebates tax", "marketplace withheld tax", "selling fees", "fba fees", "other transaction fees",
    "other", "total",
]
AMAZON_TX_2025_COLUMNS = AMAZON_TX_COLUMNS + ["transaction status", "transaction release date"]
AMAZON_MONEY = AMAZON_TX_COLUMNS[14:29]
AMAZON_RETURNS_COLUMNS = [
    "return-date", "order-id", "sku", "asin", "fnsku", "product-name", "quantity", "fulfillment-center-id",
    "detailed-disposition", "reason", "status", "license-plate-number", "customer-comments",
]
SHOPIFY_PAYOUT_COLUMNS = [
    "Transaction Date", "Type", "Order", "Card Brand", "Card Source", "Payout Status", "Payout Date", "Payout ID",
    "Available On", "Amount", "Fee", "Net", "Checkout", "Payment Method Name", "Presentment Amount",
    "Presentment Currency", "Currency",
]
_RETURN_REASONS = ["UNWANTED_ITEM", "NOT_AS_DESCRIBED", "DEFECTIVE", "FOUND_BETTER_PRICE", "ORDERED_WRONG_ITEM"]
_DISPOSITIONS = ["SELLABLE", "SELLABLE", "SELLABLE", "CUSTOMER_DAMAGED", "DEFECTIVE"]


def fba_fee(kg: float) -> float:
    """Amazon FBA fulfilment fee per unit: the demo catalogue's own figure for the product's weight."""
    from orchestration.demo.catalogue import _fba_fee

    return _fba_fee(kg)


def _r2(x) -> np.ndarray:
    return np.round(np.asarray(x, dtype=float) + 0.0, 2)


def _money(x) -> np.ndarray:
    return np.char.mod("%.2f", _r2(x) + 0.0).astype(object)


def _local_day(ts: np.ndarray) -> np.ndarray:
    return np.asarray(ts, dtype="datetime64[s]").astype("datetime64[D]")


def _zone_time(ts: np.ndarray) -> np.ndarray:
    """Amazon payments: `Jan 5, 2025 10:23:05 PM PST` (seller's local time with the zone abbreviation)."""
    s = pd.Series(pd.to_datetime(ts)).dt.tz_localize(X.LOCAL_TZ, ambiguous=False, nonexistent="shift_forward")
    return s.dt.strftime("%b %-d, %Y %-I:%M:%S %p %Z").fillna("").to_numpy(dtype=object)


def _refund_admin(referral_back: np.ndarray) -> np.ndarray:
    return _r2(np.minimum(RATE_CARD["refund_admin_cap"], _r2(referral_back * RATE_CARD["refund_admin_share"])))


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


# ---------------------------------------------------------------- Amazon
def amazon_settlement(az: pd.DataFrame, products: pd.DataFrame, people, start: date, last: date,
                      rng: np.random.Generator, *, plant: bool = True, close: bool = True
                      ) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """(transaction rows, FBA returns rows, facts) for everything posted by `last`.

    plant=False: no planted reimbursement. close=False: no monthly subscription and no Transfer rows (the
    scaled demo settles its orders slice by slice and closes the settlements once, `amazon_closing_rows`)."""
    end = (np.datetime64(last) + 1).astype("datetime64[s]")
    n = len(az)
    pidx = az["_pidx"].to_numpy()
    qty = az["quantity"].to_numpy()
    gross = az["item_price"].to_numpy(dtype=float)
    promo = az["item_promotion_discount"].to_numpy(dtype=float)
    tax = az["item_tax"].to_numpy(dtype=float)
    shipped = az["shipped"].to_numpy(dtype="datetime64[s]")
    fba = az["fba"].to_numpy(dtype=bool)
    card = rate_card()
    rate = referral_rates(card, "amazon", _local_day(az["created"].to_numpy()), products["category"].to_numpy()[pidx],
                          (gross - promo) / np.maximum(qty, 1))
    referral = np.maximum(_r2((gross - promo) * rate), _r2(fixed_fee(card, "amazon", "referral_minimum") * qty))
    unit_fba = np.array([fba_fee(float(k)) for k in products["weight_kg"].to_numpy()])[pidx]
    fba_fees = np.where(fba, _r2(unit_fba * qty), 0.0)
    posted = ~az["cancelled"].to_numpy(dtype=bool) & ~np.isnat(shipped) & (shipped < end)

    returned = posted & az["returned"].to_numpy(dtype=bool)
    return_at = shipped + rng.integers(5 * DAY, 25 * DAY, n).astype("timedelta64[s]")
    refund_at = return_at + rng.integers(2 * 3600, DAY, n).astype("timedelta64[s]")
    returned &= return_at < end
    refunded = returned & (refund_at < end)
    ret_idx = np.flatnonzero(returned)
    # Planted: one returned unit damaged in Amazon's warehouse, reimbursed a week after the return.
    reimbursed = int(ret_idx[len(ret_idx) // 2]) if plant and len(ret_idx) and refunded[ret_idx[len(ret_idx) // 2]] \
        else None
    reimburse_at = return_at + np.timedelta64(7 * DAY, "s")
    if reimbursed is not None and reimburse_at[reimbursed] >= end:
        reimbursed = None

    skus = products["seller_sku"].to_numpy()[pidx]
    titles = products["amazon_title"].to_numpy()[pidx]
    buyers = people.pick(az["buyer_idx"].to_numpy())
    city = np.array([b.city for b in buyers], dtype=object)
    state = np.array([b.state_code for b in buyers], dtype=object)
    zipc = np.array([b.zipcode for b in buyers], dtype=object)

    def block(mask, kind, when, **cols):
        k = np.flatnonzero(mask)
        out = {"_when": when[k], "type": kind, "order id": az["amazon_order_id"].to_numpy()[k], "sku": skus[k],
               "description": titles[k], "quantity": qty[k].astype(str), "marketplace": "amazon.com",
               "account type": "Standard Orders", "fulfillment": np.where(fba[k], "Amazon", "Seller"),
               "order city": city[k], "order state": state[k], "order postal": zipc[k],
               "tax collection model": "MarketplaceFacilitator"}
        for c, v in cols.items():
            out[c] = np.asarray(v, dtype=float)[k] if np.ndim(v) else v
        return pd.DataFrame(out)

    zero = np.zeros(n)
    orders = block(posted, "Order", shipped, **{
        "product sales": gross, "product sales tax": tax, "promotional rebates": -promo,
        "marketplace withheld tax": -tax, "selling fees": -referral, "fba fees": -fba_fees})
    back = _r2(referral)
    refunds = block(refunded, "Refund", refund_at, **{
        "product sales": -gross, "product sales tax": -tax, "promotional rebates": promo,
        "marketplace withheld tax": tax, "selling fees": _r2(back - _refund_admin(back)), "fba fees": zero})
    parts = [orders, refunds]
    reimbursement = None
    if reimbursed is not None:
        amount = round(float(_r2(products["unit_cogs_usd"].to_numpy(dtype=float)[pidx[reimbursed]] * 1.6)), 2)
        m = np.zeros(n, dtype=bool)
        m[reimbursed] = True
        adj = block(m, "Adjustment", reimburse_at, other=np.full(n, amount))
        adj["description"] = "FBA Inventory Reimbursement - Customer Return"
        adj[["order city", "order state", "order postal", "tax collection model", "fulfillment"]] = ""
        parts.append(adj)
        reimbursement = {"order_id": str(az["amazon_order_id"].iloc[reimbursed]), "sku": str(skus[reimbursed]),
                         "amount_usd": amount}
    if close:
        parts.append(_amazon_subscriptions(card, start, last))
    tx = _amazon_totals(pd.concat(parts, ignore_index=True), start)
    transfers = _amazon_transfers(tx, start, last) if close else []
    tx = _amazon_format(pd.concat([tx, pd.DataFrame(transfers)], ignore_index=True))

    r = np.flatnonzero(returned)
    lpn = (rng.integers(10**8, 10**9, n)).astype(str)
    disposition = np.array(_DISPOSITIONS, dtype=object)[rng.integers(len(_DISPOSITIONS), size=n)]
    status = np.full(n, "Unit returned to inventory", dtype=object)
    if reimbursed is not None:
        disposition[reimbursed] = "CARRIER_DAMAGED"
        status[reimbursed] = "Reimbursed"
    returns = pd.DataFrame({
        "_when": return_at[r],
        "return-date": X.iso_utc(return_at[r]),
        "order-id": az["amazon_order_id"].to_numpy()[r], "sku": skus[r],
        "asin": products["asin"].to_numpy()[pidx[r]], "fnsku": np.char.add("X00", lpn[r]),
        "product-name": titles[r], "quantity": qty[r].astype(str),
        "fulfillment-center-id": np.array(["ONT8", "LGB3", "SMF3", "PHX6"], dtype=object)[r % 4],
        "detailed-disposition": disposition[r],
        "reason": np.array(_RETURN_REASONS, dtype=object)[rng.integers(len(_RETURN_REASONS), size=len(r))],
        "status": status[r], "license-plate-number": np.char.add("LPNRR", lpn[r]),
        # Free text written by the buyer: the loader must never store it.
        "customer-comments": np.where(r % 9 == 0, np.char.add("changed my mind - ",
                                                                np.array([b.name for b in buyers], dtype=object)[r]
                                                                .astype(str)), ""),
    }).sort_values("_when", kind="stable")
    people.record(az["buyer_idx"].to_numpy()[r[r % 9 == 0]], ("names",))
    facts = {
        "transactions": len(tx),
        "settlements_paid": len(transfers),
        "order_rows": int(posted.sum()), "refund_rows": int(refunded.sum()),
        "returned_units_reported": int(qty[returned].sum()),
        "returned_lines_reported": int(returned.sum()),
        "refunds_buyer_usd": round(float(-(_r2(gross - promo + tax)[refunded]).sum()), 2),
        "transfers_usd": round(-float(sum(t["total"] for t in transfers)), 2),
        "reimbursement": reimbursement,
    }
    return tx, returns, facts


def _amazon_subscriptions(card: pd.DataFrame, start: date, last: date) -> pd.DataFrame:
    """The Professional selling plan, on the first of every month."""
    months = pd.date_range(pd.Timestamp(start), pd.Timestamp(last), freq="MS")
    return pd.DataFrame({"_when": (months + pd.Timedelta(hours=3)).to_numpy(dtype="datetime64[s]"),
                         "type": "Service Fee", "description": "Subscription",
                         "other transaction fees": -fixed_fee(card, "amazon", "subscription")})


def _amazon_totals(tx: pd.DataFrame, start: date) -> pd.DataFrame:
    """Money columns rounded, the line's total, and its settlement (a 14-day period from `start`)."""
    for c in AMAZON_MONEY:
        tx[c] = _r2(tx[c].fillna(0.0).to_numpy(dtype=float)) if c in tx else 0.0
    tx["total"] = _r2(tx[AMAZON_MONEY].sum(axis=1))
    when = tx["_when"].to_numpy(dtype="datetime64[s]")
    period = ((_local_day(when) - np.datetime64(start)).astype(int)) // AMAZON_SETTLEMENT_DAYS
    tx["settlement id"] = (20_450_000_000 + period * 37).astype(str)
    return tx


def _settlement_period(sid: str) -> int:
    return (int(sid) - 20_450_000_000) // 37


def _amazon_transfers(tx_or_sums, start: date, last: date) -> list[dict]:
    """One Transfer per settlement whose period has ended: the payout to the bank. Takes the transaction rows
    (with `total` and `settlement id`) or their sums per settlement id."""
    sums = (tx_or_sums.groupby("settlement id")["total"].sum() if isinstance(tx_or_sums, pd.DataFrame)
            else pd.Series(tx_or_sums, dtype=float)).round(2)
    transfers = []
    for sid, amount in sums.items():
        pay_day = np.datetime64(start) + (_settlement_period(sid) + 1) * AMAZON_SETTLEMENT_DAYS
        if pay_day > np.datetime64(last):
            continue
        transfers.append({"_when": pay_day.astype("datetime64[s]") + np.timedelta64(5 * 3600, "s"),
                          "type": "Transfer", "description": "To account ending in: 321", "other": -float(amount),
                          "total": -float(amount), "settlement id": sid})
    return transfers


def _amazon_format(tx: pd.DataFrame) -> pd.DataFrame:
    for c in AMAZON_MONEY + ["total"]:
        tx[c] = tx[c].fillna(0.0) if c in tx else 0.0
    tx = tx.sort_values(["_when", "type"], kind="stable").reset_index(drop=True)
    tx["date/time"] = _zone_time(tx["_when"].to_numpy())
    tx["transaction status"] = "Released"
    tx["transaction release date"] = ""
    for c in AMAZON_MONEY + ["total"]:
        tx[c] = _money(tx[c].to_numpy(dtype=float))
    return tx.fillna("")


def amazon_settlement_sums(tx: pd.DataFrame) -> dict[str, float]:
    """Sum of `total` per settlement id of formatted transaction rows (what the closing Transfer pays)."""
    return tx["total"].astype(float).groupby(tx["settlement id"]).sum().to_dict()


def amazon_closing_rows(sums: dict[str, float], start: date, last: date) -> tuple[pd.DataFrame, int, float]:
    """The subscription fees and the Transfer per ended settlement, for transactions settled slice by slice
    (`amazon_settlement(..., close=False)`): (formatted rows, transfers, USD transferred)."""
    subs = _amazon_totals(_amazon_subscriptions(rate_card(), start, last), start)
    sums = dict(sums)
    for sid, t in subs.groupby("settlement id")["total"].sum().items():
        sums[sid] = sums.get(sid, 0.0) + float(t)
    transfers = _amazon_transfers(sums, start, last)
    rows = _amazon_format(pd.concat([subs, pd.DataFrame(transfers)], ignore_index=True))
    return rows, len(transfers), round(-float(sum(t["total"] for t in transfers)), 2)


def write_amazon_transactions(out_dir: Path, tx: pd.DataFrame) -> list[tuple[Path, date, date]]:
    """Monthly Transaction (Date Range) reports; the first month in the layout before posted-date indexing."""
    written = []
    month = tx["_when"].to_numpy(dtype="datetime64[M]")
    for k, m in enumerate(np.unique(month)):
        part = tx[month == m]
        ms = pd.Timestamp(m).date()
        me = (pd.Timestamp(m) + pd.offsets.MonthEnd(0)).date()
        columns = AMAZON_TX_COLUMNS if k == 0 else AMAZON_TX_2025_COLUMNS
        path = out_dir / f"{ms:%Y%b}1-{me:%Y%b%d}CustomTransaction.csv"
        rows = [[line] for line in AMAZON_TX_PREAMBLE] + [columns] + part[columns].to_numpy(dtype=object).tolist()
        buf = io.StringIO()
        csv.writer(buf, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
        path.write_text(buf.getvalue(), encoding="utf-8")
        written.append((path, ms, me))
    return written


def write_amazon_returns(out_dir: Path, returns: pd.DataFrame, start: date, last: date) -> tuple[Path, date, date]:
    path = out_dir / f"FBA Customer Returns {start:%Y-%m-%d} to {last:%Y-%m-%d}.txt"
    lines = ["\t".join(AMAZON_RETURNS_COLUMNS)]
    lines += ["\t".join(map(str, r)) for r in returns[AMAZON_RETURNS_COLUMNS].to_numpy(dtype=object).tolist()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, start, last


# ---------------------------------------------------------------- Shopify Payments
def shopify_payouts(allx: pd.DataFrame, last: date, rng: np.random.Generator, *, day0=None,
                    payouts: bool = True) -> tuple[pd.DataFrame, dict]:
    """Payment transactions for own orders paid through Shopify Payments, with daily payouts.

    day0: the day payout ids count from (default: the first day money is available). payouts=False: no
    payout rows (the scaled demo pays out once at the end, `shopify_payout_rows`)."""
    end = (np.datetime64(last) + 1).astype("datetime64[s]")
    own = (allx["synced_tiktok_order_id"].to_numpy() == "") & \
        np.isin(allx["payment_method"].to_numpy(), ["Shopify Payments", "Shop Pay"]) & \
        ~allx["cancelled"].to_numpy(dtype=bool)
    lines = allx[own]
    first = ~lines["name"].duplicated().to_numpy()
    orders = lines[first]
    created = orders["created"].to_numpy(dtype="datetime64[s]") + rng.integers(20, 180, len(orders)).astype("timedelta64[s]")
    total = _r2(orders["total"].to_numpy(dtype=float))
    card = rate_card()
    fee = _r2(total * share_fee(card, "shopify", "payment_processing") + fixed_fee(card, "shopify", "payment_processing"))
    method = np.where(orders["payment_method"].to_numpy() == "Shop Pay", "shop_pay", "card")
    charges = pd.DataFrame({"_when": created, "type": "charge", "order": orders["name"].to_numpy(),
                            "amount": total, "fee": fee, "method": method,
                            "brand": np.array(["visa", "mastercard", "amex", "discover"], dtype=object)[
                                rng.integers(4, size=len(orders))]})
    ref_at = lines["refunded_at"].to_numpy(dtype="datetime64[s]")
    rmask = lines["returned"].to_numpy(dtype=bool) & ~np.isnat(ref_at) & (ref_at < end)
    rl = lines[rmask]
    method_by_order = dict(zip(orders["name"], method))
    refunds = pd.DataFrame({"_when": ref_at[rmask], "type": "refund", "order": rl["name"].to_numpy(),
                            "amount": -_r2(rl["refund_line"].to_numpy(dtype=float)), "fee": 0.0,
                            "method": [method_by_order[nm] for nm in rl["name"]], "brand": ""})
    tx = pd.concat([charges[charges["_when"] < end], refunds], ignore_index=True)
    tx["net"] = _r2(tx["amount"] - tx["fee"])
    available = _local_day(tx["_when"].to_numpy()) + SHOPIFY_AVAILABLE_AFTER_DAYS
    tx["available"] = available
    paid = available <= np.datetime64(last)
    if day0 is None:
        day0 = available.min() if len(available) else np.datetime64(last)
    tx["payout_id"] = np.where(paid, (81_200_000 + (available - day0).astype(int) * 3).astype(str), "")
    per_payout = tx[paid].groupby("payout_id").agg(net=("net", "sum"), day=("available", "first")).reset_index()
    payout_rows = _payout_rows(per_payout) if payouts else _payout_rows(per_payout.iloc[:0])
    tx = pd.concat([tx, payout_rows], ignore_index=True).sort_values(["_when", "type"], kind="stable")
    frame = _shopify_frame(tx)
    facts = {
        "transactions": int(len(tx) - len(payout_rows)), "payouts": len(payout_rows),
        "charges_usd": round(float(charges.loc[charges["_when"] < end, "amount"].sum()), 2),
        "fees_usd": round(float(tx["fee"].sum()), 2),
        "refunds_usd": round(float(refunds["amount"].sum()), 2),
        "paid_out_usd": round(float(per_payout["net"].sum()), 2),
    }
    return frame, facts


def _payout_rows(per_payout: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({"_when": per_payout["day"].to_numpy().astype("datetime64[s]") + np.timedelta64(6 * 3600, "s"),
                         "type": "payout", "order": "", "amount": -_r2(per_payout["net"]), "fee": 0.0,
                         "net": -_r2(per_payout["net"]), "method": "", "brand": "",
                         "available": per_payout["day"].to_numpy(), "payout_id": per_payout["payout_id"].to_numpy()})


def shopify_payout_rows(net_by_payout: dict[str, tuple[float, np.datetime64]]) -> pd.DataFrame:
    """The payout rows (file layout) for transactions written slice by slice with payouts=False:
    net_by_payout = payout id -> (sum of the paid transactions' Net, the day they became available)."""
    per_payout = pd.DataFrame({"payout_id": list(net_by_payout), "net": [v[0] for v in net_by_payout.values()],
                               "day": np.array([v[1] for v in net_by_payout.values()], dtype="datetime64[D]")})
    return _shopify_frame(_payout_rows(per_payout.sort_values("payout_id", kind="stable")))


def _shopify_frame(tx: pd.DataFrame) -> pd.DataFrame:
    is_paid = tx["payout_id"].to_numpy() != ""
    avail = tx["available"].to_numpy(dtype="datetime64[D]")
    n = len(tx)
    frame = pd.DataFrame({
        "Transaction Date": X.shopify_time(tx["_when"].to_numpy()),
        "Type": tx["type"].to_numpy(),
        "Order": tx["order"].to_numpy(),
        "Card Brand": tx["brand"].fillna("").to_numpy(),
        "Card Source": np.where(tx["type"].to_numpy() == "charge", "online", ""),
        "Payout Status": np.where(is_paid, "paid", "pending"),
        "Payout Date": np.where(is_paid, pd.Series(avail).dt.strftime("%Y-%m-%d").to_numpy(dtype=object), ""),
        "Payout ID": tx["payout_id"].to_numpy(),
        "Available On": pd.Series(avail).dt.strftime("%Y-%m-%d").to_numpy(dtype=object),
        "Amount": _money(tx["amount"]), "Fee": _money(tx["fee"]), "Net": _money(tx["net"]),
        "Checkout": np.where(tx["order"].to_numpy() != "", np.char.add("ck_", tx["order"].astype(str).str.lstrip("#")
                                                                        .to_numpy().astype(str)), ""),
        "Payment Method Name": tx["method"].to_numpy(),
        "Presentment Amount": np.where(tx["order"].to_numpy() != "", _money(tx["amount"]), ""),
        "Presentment Currency": np.where(tx["order"].to_numpy() != "", "USD", ""),
        "Currency": np.full(n, "USD", dtype=object),
    })
    frame["_when"] = tx["_when"].to_numpy()
    return frame


def write_shopify_payouts(out_dir: Path, frame: pd.DataFrame) -> list[tuple[Path, date, date]]:
    """One export per quarter (the Payouts page exports a date range)."""
    written = []
    quarter = pd.PeriodIndex(pd.to_datetime(frame["_when"]), freq="Q")
    for k, q in enumerate(sorted(set(quarter))):
        part = frame[quarter == q]
        path = out_dir / f"payment_transactions_export_{k + 1}.csv"
        X.write_csv(path, SHOPIFY_PAYOUT_COLUMNS, part[SHOPIFY_PAYOUT_COLUMNS])
        written.append((path, q.start_time.date(), q.end_time.date()))
    return written
