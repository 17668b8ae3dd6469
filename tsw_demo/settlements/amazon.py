"""Amazon Transaction report (with its preamble, PST/PDT) and the FBA customer returns report.
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from tsw_demo import exports as X
from tsw_demo.settlements.rates import (
    _DISPOSITIONS,
    _RETURN_REASONS,
    AMAZON_SETTLEMENT_DAYS,
    DAY,
    _local_day,
    _money,
    _r2,
    _refund_admin,
    _zone_time,
    fba_fee,
    fixed_fee,
    rate_card,
    referral_rates,
)

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
