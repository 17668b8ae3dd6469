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

from tsw_demo.settlements.amazon import (  # noqa: F401
    AMAZON_MONEY,
    AMAZON_RETURNS_COLUMNS,
    AMAZON_TX_2025_COLUMNS,
    AMAZON_TX_COLUMNS,
    AMAZON_TX_PREAMBLE,
    amazon_closing_rows,
    amazon_settlement,
    amazon_settlement_sums,
    write_amazon_returns,
    write_amazon_transactions,
)
from tsw_demo.settlements.rates import (  # noqa: F401
    AMAZON_SETTLEMENT_DAYS,
    DAY,
    FEE_DISPUTE_MULTIPLIER,
    NEVER_SETTLED_MIN_AGE_DAYS,
    RATE_CARD,
    RATE_CARD_FILE,
    SHOPIFY_AVAILABLE_AFTER_DAYS,
    TIKTOK_SETTLE_AFTER_DELIVERY_DAYS,
    fba_fee,
    fixed_fee,
    rate_card,
    referral_rates,
    share_fee,
)
from tsw_demo.settlements.shopify import (  # noqa: F401
    SHOPIFY_PAYOUT_COLUMNS,
    shopify_payout_rows,
    shopify_payouts,
    write_shopify_payouts,
)
from tsw_demo.settlements.tiktok import (  # noqa: F401
    TIKTOK_STATEMENT_COLUMNS,
    tiktok_statements,
    write_tiktok_statements,
)
