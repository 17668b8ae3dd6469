"""The rate card and the money and time helpers every settlement writer shares (rules in __init__.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from tsw_demo import exports as X

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

_RETURN_REASONS = ["UNWANTED_ITEM", "NOT_AS_DESCRIBED", "DEFECTIVE", "FOUND_BETTER_PRICE", "ORDERED_WRONG_ITEM"]
_DISPOSITIONS = ["SELLABLE", "SELLABLE", "SELLABLE", "CUSTOMER_DAMAGED", "DEFECTIVE"]


def fba_fee(kg: float) -> float:
    """Amazon FBA fulfilment fee per unit: the demo catalogue's own figure for the product's weight."""
    from tsw_demo.catalogue import _fba_fee

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
