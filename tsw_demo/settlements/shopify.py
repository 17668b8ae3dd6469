"""Shopify Payments payout transactions: charged when placed, available two days later, paid out daily.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from tsw_demo import exports as X
from tsw_demo.settlements.rates import (
    SHOPIFY_AVAILABLE_AFTER_DAYS,
    _local_day,
    _money,
    _r2,
    fixed_fee,
    rate_card,
    share_fee,
)

SHOPIFY_PAYOUT_COLUMNS = [
    "Transaction Date", "Type", "Order", "Card Brand", "Card Source", "Payout Status", "Payout Date", "Payout ID",
    "Available On", "Amount", "Fee", "Net", "Checkout", "Payment Method Name", "Presentment Amount",
    "Presentment Currency", "Currency",
]
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
