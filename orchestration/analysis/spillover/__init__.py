"""How much Amazon / Shopify revenue follows TikTok Shop sales: the spillover estimator.

Input is a daily panel for one product group and one target channel (a pandas DataFrame, one row per day):

    date            calendar day (unique, consecutive — a missing day is an error, a day without sales is 0)
    tiktok_gmv      TikTok Shop GMV that day, USD
    target_sales    the target channel's sales that day, USD (Amazon or Shopify)
    tiktok_views    optional: TikTok video + LIVE views that day (enables the per-1,000-views figure)
    control_sales   optional: the same channel's sales of products never promoted on TikTok, USD
    is_*            optional event columns (0/1 flags or shares 0..1): is_prime_day, is_bfcm, is_promo,
                    is_stockout …; every column whose name starts with ``is_`` is used as a control

Methods
    regression_dl   target_t = sum_{l=0..L} b_l tiktok_gmv_{t-l} + weekday + trend + events
                    (+ control_{t-1,t,t+1}, control x trend) + e_t.  The spillover coefficient is sum(b_l):
                    extra target-channel USD per USD of TikTok Shop GMV, accumulated over L days.
                    Lags from the data (``fit_lag_family``, issue 12): the response is a gamma hump over 35
                    days, peak 0-12 days, shape 2-8 (78 shapes), plus the same humps ending at day 14, 21 or
                    28 where that cuts more than 3 % of their weight (93 more, each counted with 5 chosen
                    parameters); one coefficient each, so least squares is the AIC choice within a kind; the
                    estimate is the Akaike-weighted mean over the shapes (near-equal fits
                    share it rather than one winning by chance). Share after day 14 is read off the best
                    shape. Pooled blocks of lags (0,1,2,3,4-5,6-7,8-10,11-14,15-20,21-27,28-35) are the
                    alternative structure (``lag_selection``), kept for shapes no hump fits.
                    Trend: a linear spline with a knot every 14 days without a control series (the trend must
                    then soak up the season itself); every 56 days with one (the control carries the season,
                    and a 14-day spline would also eat slow responses). Control series: the same channel's
                    never-promoted products, that day and the days either side, with a linear drift in weight.
                    Interval: moving-block pairs bootstrap (14-day blocks, 300 replicates) of the whole
                    procedure, the shape choice included, standard error = the replicates' 10-90 % range /
                    2.563, t quantile; the leverage-adjusted Newey-West of the first version covered 50-95 % on the
                    issue-12 worlds (benchmarks/spillover_recovery.md).
                    ``lag_selection="fixed"``, ``interval="hac_hc3"``, ``knot_days=14``, ``control_lags=False``
                    give the first version back.
                    Peak lag: argmax of the lag coefficients after 1-2-1 smoothing.
                    Off-site effect ratio: sum over the window of sum_l b_l x_{t-l}, divided by the window's
                    TikTok GMV — the model's counterpart of TikTok's Off-site Effect, though incremental
                    rather than pixel-attributed.  Per 1,000 views: the coefficient x 1000 x window GMV /
                    window views.
    placebo         the same regression plus TikTok GMV at leads 1..L (the FUTURE), pooled in blocks.  Sales
                    cannot respond to TikTok sales that have not happened, so the leads' summed coefficient
                    should be zero; a 99 % interval excluding zero signals a shared driver the controls miss and
                    raises the confounding warning, with or without a control series.  The lags stay in the
                    placebo model because TikTok GMV is autocorrelated.
    event_study     the burst study (``burst_event_study``): bursts are days TikTok GMV is at least twice, and
                    3 robust SDs above, the median of the 28 days before, 21+ days apart, with 14 days before and
                    after inside the panel and no Prime Day / BFCM in that window; excess = sum over days 0..14
                    of (value - mean of days -14..-1), the target's net of the control's scaled excess; ratio =
                    sum of excess target / sum of excess TikTok GMV; interval = percentile bootstrap over
                    bursts; no figure from fewer than 5 bursts.  The same bursts make the page's spike chart
                    (``BurstStudy.profile`` → marts.mart_spillover_burst_profile): the spike rule has one owner.
    lag_correlation both series minus their centred 29-day moving average; Pearson correlation between
                    target_t and tiktok_gmv_{t-l} for l = 0..N; the peak lag is the lag of the largest
                    correlation.  Interval: Fisher z with n - 3 (ignores autocorrelation, so it is too narrow).

Data sufficiency (``check_sufficiency``): too_few_days (< 120 days), too_little_variation (coefficient of
variation of TikTok GMV < 0.25), too_few_spikes (< 3 distinct bursts: crossings of the 95th percentile at
least 14 days apart; see ``spike_episodes`` — the event study's own stricter spikes are reported with it).

Confounding warning: a failed placebo (above), or (``confounding_check``) no control series AND the slow
components of TikTok GMV and target sales move together: both series are reduced to centred 57-day moving
averages (which removes weekday cycles, single events and most single pushes), linearly detrended, and their
correlation exceeds 0.7.  Then seasonality shared by TikTok activity and off-TikTok demand cannot be told
apart from spillover, and the estimate may be biased upward.  On the simulated worlds this flagged every
confounded panel and about 1 in 10 unconfounded ones (genuine spillover also makes the slow parts co-move;
without a control series the two cannot be separated, so a warning there is not wrong).

A group-level estimate weights each product by how much its TikTok GMV *varies* (viral products dominate);
it equals the group's GMV-weighted spillover only when the group's products respond alike.

The lag correlation has one definition, ``descriptive.lag_correlation``: the lag_correlation rows and the
lag-profile mart (marts.mart_spillover_lag_profile, ``lag_profile``) are both computed from it.

Package layout (one module per stage, this package re-exports every name): ``panel`` (constants, input
checks), ``regression`` (design, least squares, intervals, the lag family, the placebo), ``descriptive`` (lag
correlation, burst count), ``events`` (the burst event study and the spike chart's profile), ``diagnostics``
(sufficiency, confounding check), ``estimate`` (estimate_spillover), ``mart_rows`` (estimate_all /
estimate_tables: the mart's rows with their statuses).
"""

from __future__ import annotations

from orchestration.analysis.spillover.descriptive import (  # noqa: F401
    centred_mean,
    lag_correlation,
    lag_profile,
    spike_episodes,
)
from orchestration.analysis.spillover.diagnostics import (  # noqa: F401
    Sufficiency,
    check_sufficiency,
    confounding_check,
    seasonal_correlation,
)
from orchestration.analysis.spillover.estimate import (  # noqa: F401
    SpilloverEstimate,
    estimate_spillover,
)
from orchestration.analysis.spillover.events import (  # noqa: F401
    BOOTSTRAP_REPS,
    BURST_BASELINE_DAYS,
    BURST_MIN_EXCESS_SD,
    BURST_MIN_GAP,
    BURST_RATIO,
    MIN_BURST_EVENTS,
    MIN_EVENTS,
    PROFILE_COLUMNS,
    BurstStudy,
    burst_event_study,
    find_bursts,
)
from orchestration.analysis.spillover.lag_family import (  # noqa: F401
    GAMMA_PEAKS,
    GAMMA_SHAPES,
    KERNEL_AVERAGING,
    LagCandidates,
    LagModel,
    _fit_candidates,
    _moving_block_rows,
    bootstrap_spread,
    fit_lag_family,
    gamma_kernel,
    placebo_test,
    select_lag_model,
)
from orchestration.analysis.spillover.mart_rows import (  # noqa: F401
    _CHANNEL_WORDS,
    _CHANNEL_WORDS_ZH,
    Status,
    _channel_words,
    _failed_rows,
    _group_rows,
    _no_sufficiency,
    _row_without_figure,
    data_status,
    estimate_all,
    estimate_tables,
)
from orchestration.analysis.spillover.panel import (  # noqa: F401
    CONFIDENCE,
    CONFOUNDING_CORR,
    CONFOUNDING_WINDOW,
    CONTROL_SMOOTH_DAYS,
    CONTROLLED_KNOT_DAYS,
    DEFAULT_KNOT_DAYS,
    DEFAULT_MAX_LAG,
    EVENT_WINDOW,
    MIN_CV,
    MIN_DAYS,
    MIN_ESTIMATE_DAYS,
    MIN_LAG_PROFILE_DAYS,
    MIN_SPIKES,
    REQUIRED_COLUMNS,
    SEASONAL_WINDOW,
    UNIT_CORRELATION,
    UNIT_USD_PER_USD,
    PanelError,
    event_columns,
    validate_panel,
)
from orchestration.analysis.spillover.regression import (  # noqa: F401
    BOOTSTRAP_BLOCK_DAYS,
    LAG_BLOCKS,
    LAG_CANDIDATES,
    LAG_CRITERION,
    MAX_LAG_LIMIT,
    PLACEBO_CONFIDENCE,
    OLSFit,
    RegressionResult,
    _interval,
    block_bootstrap_cov,
    control_design,
    fit_distributed_lag,
    hac_cov,
    information_criterion,
    lag_basis,
    ols,
    peak_of,
    select_max_lag,
    shifted,
    trend_knot_days,
)
from orchestration.analysis.spillover_schema import (  # noqa: F401  (the mart's one definition, as before)
    MART_COLUMNS,
    METHODS,
    STATUS_FAILED,
    STATUS_INSUFFICIENT,
    STATUS_NOT_APPLICABLE,
    STATUS_OK,
)
from orchestration.analysis.spillover_words import explain, explain_event, reason_text  # noqa: F401
