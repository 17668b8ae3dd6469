"""The one definition of marts.mart_spillover_estimates: its columns, their DuckDB types, its statuses.

Kept free of numpy/scipy so the Spillover page can import it cheaply; the estimator
(orchestration/analysis/spillover/) fills these columns and the Dagster asset writes them with these casts.
"""

from __future__ import annotations

# Every spillover analysis publishes a row with one of these statuses, never an exception:
#   ok                 the figure is published (it may still carry diagnostics: thin data, placebo, confounding)
#   insufficient_data  too little data for this analysis yet (no TikTok sales, too few days, too few bursts)
#   not_applicable     the analysis does not apply (the target channel has no sales in the exports)
#   failed             the calculation crashed (a bug); the build reports a failed check and publishes the rest
STATUS_OK = "ok"
STATUS_INSUFFICIENT = "insufficient_data"
STATUS_NOT_APPLICABLE = "not_applicable"
STATUS_FAILED = "failed"
STATUSES = (STATUS_OK, STATUS_INSUFFICIENT, STATUS_NOT_APPLICABLE, STATUS_FAILED)
METHODS = ("regression_dl", "event_study", "lag_correlation")
TARGET_CHANNELS = ("amazon", "shopify")  # the channels TikTok's spillover is estimated into
UNITS = ("usd_per_usd_tiktok_gmv", "correlation")
# sufficiency_verdict is "sufficient" or one or more of these reasons joined by ";"
SUFFICIENCY_REASONS = ("too_few_days", "too_little_variation", "too_few_spikes")

# The one definition of marts.mart_spillover_estimates: column order and DuckDB type. The Dagster asset
# writes with these casts and the Spillover page selects these columns.
MART_SCHEMA: dict[str, str] = {
    "product_group": "varchar",
    "target_channel": "varchar",
    "method": "varchar",
    "status": "varchar",
    "reason_code": "varchar",
    "reason": "varchar",
    "reason_zh": "varchar",
    "estimate": "double",
    "ci_low": "double",
    "ci_high": "double",
    "unit": "varchar",
    "peak_lag_days": "integer",
    "days_of_data": "integer",
    "placebo_estimate": "double",
    "placebo_ci_low": "double",
    "placebo_ci_high": "double",
    "placebo_passed": "boolean",
    "sufficiency_verdict": "varchar",
    "confounding_warning": "boolean",
    "warnings": "varchar",
    "explanation": "varchar",
    "explanation_zh": "varchar",
    "estimate_per_1000_views": "double",
    "ci_low_per_1000_views": "double",
    "ci_high_per_1000_views": "double",
    "off_site_effect_ratio": "double",
    "window_start": "date",
    "window_end": "date",
}
MART_COLUMNS = list(MART_SCHEMA)

# marts.mart_spillover_burst_profile (the page's "around TikTok spikes" chart): per product group x channel,
# per day from 14 before to 14 after the event study's own bursts, the mean over those bursts of TikTok GMV
# and of the target channel's sales (net of the never-promoted products' scaled change when they exist)
# minus the mean of the 14 days before each burst. Written by the same step as the estimates.
# marts.mart_spillover_lag_profile (the page's timing chart; the estimates' lag_correlation rows come from the
# same function): per grain, product
# group and channel, for l = 0..14 the correlation of the channel's daily sales with TikTok GMV l days earlier,
# both minus their centred 29-day moving average (`descriptive.lag_correlation`, its one definition). Lags
# without a pair of days are left out; `is_peak_lag` marks the largest correlation, the shortest lag on a tie.
LAG_PROFILE_SCHEMA: dict[str, str] = {
    "grain": "varchar",
    "product_group": "varchar",
    "target_channel": "varchar",
    "lag_days": "integer",
    "n_days": "integer",
    "correlation": "double",
    "is_peak_lag": "boolean",
}

PROFILE_SCHEMA: dict[str, str] = {
    "product_group": "varchar",
    "target_channel": "varchar",
    "days_from_spike": "integer",
    "n_spikes": "integer",
    "avg_excess_tiktok_gmv_usd": "double",
    "avg_excess_target_sales_usd": "double",
}
