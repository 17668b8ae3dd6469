"""Many groups to mart rows: estimate_all / estimate_tables with a status per group x channel x method."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

import numpy as np
import pandas as pd
from scipy import stats

from orchestration.analysis.spillover.descriptive import (
    lag_correlation,
)
from orchestration.analysis.spillover.diagnostics import (
    Sufficiency,
    check_sufficiency,
)
from orchestration.analysis.spillover.estimate import (
    estimate_spillover,
)
from orchestration.analysis.spillover.events import (
    MIN_BURST_EVENTS,
    PROFILE_COLUMNS,
    burst_event_study,
)
from orchestration.analysis.spillover.panel import (
    CONFIDENCE,
    DEFAULT_MAX_LAG,
    MIN_ESTIMATE_DAYS,
    MIN_LAG_PROFILE_DAYS,
    UNIT_CORRELATION,
    UNIT_USD_PER_USD,
    PanelError,
    event_columns,
    validate_panel,
)
from orchestration.analysis.spillover_schema import (
    MART_COLUMNS,
    METHODS,
    STATUS_FAILED,
    STATUS_INSUFFICIENT,
    STATUS_NOT_APPLICABLE,
    STATUS_OK,
)
from orchestration.analysis.spillover_words import (
    _EXPLAIN,
    explain,
    explain_event,
    reason_text,
)

# ----------------------------------------------------------------------------- many groups → mart rows
_CHANNEL_WORDS = {"amazon": "Amazon", "shopify": "Shopify"}
_CHANNEL_WORDS_ZH = {"amazon": "亚马逊", "shopify": "Shopify"}


@dataclass
class Status:
    """Whether an analysis publishes a figure, and why not in the seller's words (both languages)."""

    status: str
    code: str | None = None
    facts: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == STATUS_OK

    def words(self, lang: str, channel_words: dict[str, str]) -> str | None:
        if self.code is None:
            return None
        return reason_text(self.code, lang, ch=channel_words[lang], **self.facts)


def data_status(df: pd.DataFrame, method: str) -> Status:
    """Can `method` be run on this panel at all? (ok, or the first rule it fails)."""
    days = len(df)
    tiktok = float(df["tiktok_gmv"].sum()) if days else 0.0
    target = float(df["target_sales"].sum()) if days else 0.0
    if tiktok <= 0:
        return Status(STATUS_INSUFFICIENT, "no_tiktok_sales", {"need": MIN_ESTIMATE_DAYS})
    if target <= 0:
        return Status(STATUS_NOT_APPLICABLE, "no_channel_sales")
    if method == "lag_correlation":
        if days < MIN_LAG_PROFILE_DAYS:
            return Status(STATUS_INSUFFICIENT, "too_few_days_lags", {"days": days, "need": MIN_LAG_PROFILE_DAYS})
    elif days < MIN_ESTIMATE_DAYS:
        return Status(STATUS_INSUFFICIENT, "too_few_days", {"days": days, "need": MIN_ESTIMATE_DAYS})
    return Status(STATUS_OK)


def _no_sufficiency() -> Sufficiency:
    return Sufficiency("too_few_days;too_little_variation;too_few_spikes", 0, 0.0, 0)


def _row_without_figure(
    group: str, channel: str, method: str, status: Status, words: dict[str, str], *, days: int,
    suff: Sufficiency, window: tuple[object, object],
) -> dict:
    reason, reason_zh = status.words("en", words), status.words("zh", words)
    return {
        "product_group": group,
        "target_channel": channel,
        "method": method,
        "status": status.status,
        "reason_code": status.code,
        "reason": reason,
        "reason_zh": reason_zh,
        "estimate": np.nan,
        "ci_low": np.nan,
        "ci_high": np.nan,
        "unit": UNIT_CORRELATION if method == "lag_correlation" else UNIT_USD_PER_USD,
        "peak_lag_days": None,
        "days_of_data": days,
        "placebo_estimate": np.nan,
        "placebo_ci_low": np.nan,
        "placebo_ci_high": np.nan,
        "placebo_passed": None,
        "sufficiency_verdict": suff.verdict,
        "confounding_warning": False,
        "warnings": "",
        "explanation": reason,
        "explanation_zh": reason_zh,
        "estimate_per_1000_views": None,
        "ci_low_per_1000_views": None,
        "ci_high_per_1000_views": None,
        "off_site_effect_ratio": None,
        "window_start": window[0],
        "window_end": window[1],
    }


def _channel_words(channel: str) -> dict[str, str]:
    en = _CHANNEL_WORDS.get(str(channel), str(channel))
    return {"en": en, "zh": _CHANNEL_WORDS_ZH.get(str(channel), en)}


def _group_rows(group: str, channel: str, p: pd.DataFrame, max_lag: int) -> tuple[list[dict], pd.DataFrame]:
    """The three method rows of one product group x target channel (see estimate_all), and the burst
    profile of the event study's own bursts (the page's spike chart)."""
    # Stacked panels of different channels leave a channel's absent event (e.g. no stockouts on
    # Shopify) empty for the whole group: that column does not apply here. Partly empty still fails.
    p = p.drop(columns=[c for c in event_columns(p) if p[c].isna().all()])
    control = "control_sales" if "control_sales" in p.columns and p["control_sales"].notna().all() else None
    if "control_sales" in p.columns and control is None:
        p = p.drop(columns=["control_sales"])
    words = _channel_words(channel)
    source = f"panel {group}/{channel}"
    df = validate_panel(p, control_col=control, source=source)
    window = (df["date"].min().date(), df["date"].max().date())
    suff = check_sufficiency(df)
    rows = []
    missing = partial(_row_without_figure, group, channel, days=len(df), suff=suff, window=window, words=words)

    reg_status = data_status(df, "regression_dl")
    est = None
    if reg_status.ok:
        est = estimate_spillover(p, max_lag=max_lag, control_col=control, target_channel=words["en"], source=source)
        if not np.isfinite(est.estimate):
            reg_status = Status(STATUS_INSUFFICIENT, "not_estimable", {"days": len(df)})
    common = {
        "placebo_estimate": est.placebo_estimate if est else np.nan,
        "placebo_ci_low": est.placebo_ci_low if est else np.nan,
        "placebo_ci_high": est.placebo_ci_high if est else np.nan,
        "placebo_passed": est.placebo_passed if est else None,
        "confounding_warning": est.confounding_warning if est else False,
    }
    if reg_status.ok:
        rows.append(
            {
                **missing("regression_dl", reg_status),
                **common,
                "estimate": est.estimate,
                "ci_low": est.ci_low,
                "ci_high": est.ci_high,
                "peak_lag_days": est.peak_lag,
                "days_of_data": est.days,
                "warnings": "; ".join(est.warnings),
                "explanation": est.explanation,
                "explanation_zh": explain(est, max_lag, control is not None, lang="zh", channel_name=words["zh"]),
                "estimate_per_1000_views": est.estimate_per_1000_views,
                "ci_low_per_1000_views": est.ci_per_1000_views[0] if est.ci_per_1000_views else None,
                "ci_high_per_1000_views": est.ci_per_1000_views[1] if est.ci_per_1000_views else None,
                "off_site_effect_ratio": est.off_site_effect_ratio,
            }
        )
    else:
        rows.append({**missing("regression_dl", reg_status), **common})

    es_status = data_status(df, "event_study")
    es = burst_event_study(df, control_col=control) if es_status.ok else None
    profile = es.profile if es is not None else pd.DataFrame(columns=list(PROFILE_COLUMNS))
    if es is not None and not np.isfinite(es.estimate):
        es_status = Status(
            STATUS_INSUFFICIENT, "too_few_events", {"k": len(es.events), "need": MIN_BURST_EVENTS}
        )
    if es_status.ok:
        k = len(es.events)
        rows.append(
            {
                **missing("event_study", es_status),
                **common,
                "estimate": es.estimate,
                "ci_low": es.ci_low,
                "ci_high": es.ci_high,
                "peak_lag_days": es.peak_lag,
                **{
                    column: explain_event(k, es.estimate, es.ci_low, es.ci_high, words[lang], lang, es.controlled)
                    for column, lang in (("explanation", "en"), ("explanation_zh", "zh"))
                },
                "off_site_effect_ratio": es.estimate,
            }
        )
    else:
        rows.append({**missing("event_study", es_status), **common})

    lc_status = data_status(df, "lag_correlation")
    best = None
    if lc_status.ok:
        lc = lag_correlation(df, max_lag)
        if lc["correlation"].notna().any():
            best = lc.loc[lc["correlation"].idxmax()]
        else:
            lc_status = Status(STATUS_INSUFFICIENT, "no_correlation")
    if best is not None:
        r, n = float(best["correlation"]), int(best["n"])
        z, se = np.arctanh(np.clip(r, -0.999999, 0.999999)), 1 / np.sqrt(max(n - 3, 1))
        q = stats.norm.ppf(0.5 + CONFIDENCE / 2)
        lag = int(best["lag"])
        rows.append(
            {
                **missing("lag_correlation", lc_status),
                **common,
                "estimate": r,
                "ci_low": float(np.tanh(z - q * se)),
                "ci_high": float(np.tanh(z + q * se)),
                "peak_lag_days": lag,
                "warnings": "interval ignores autocorrelation and is too narrow",
                **{
                    column: _EXPLAIN[lang]["correlation"].format(ch=words[lang], lag=lag, r=f"{r:.2f}")
                    for column, lang in (("explanation", "en"), ("explanation_zh", "zh"))
                },
            }
        )
    else:
        rows.append({**missing("lag_correlation", lc_status), **common})
    return rows, profile


def _failed_rows(group: str, channel: str, exc: BaseException, days: int, window: tuple) -> list[dict]:
    error = f"{type(exc).__name__}: {exc}"[:300]
    status = Status(STATUS_FAILED, "failed", {"error": error})
    words = _channel_words(channel)
    return [
        {**_row_without_figure(group, channel, m, status, words, days=days, suff=_no_sufficiency(), window=window),
         "warnings": error}
        for m in METHODS
    ]


def estimate_all(panels: pd.DataFrame, **kwargs) -> pd.DataFrame:
    """The rows of mart_spillover_estimates (``estimate_tables`` without the burst profiles)."""
    return estimate_tables(panels, **kwargs)[0]


def estimate_tables(
    panels: pd.DataFrame,
    *,
    max_lag: int = DEFAULT_MAX_LAG,
    group_col: str = "product_group",
    channel_col: str = "target_channel",
    channels: tuple[str, ...] = (),
    empty_group: str = "all",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rows for mart_spillover_estimates: one per product_group x target_channel x method, each with a status;
    and the burst profiles (product_group, target_channel, PROFILE_COLUMNS) of the bursts the event study
    used, for the page's spike chart — so the chart and the figure come from the same events.

    ``panels`` is the long form of the daily panel with ``product_group`` and ``target_channel`` columns.
    A ``control_sales`` column is used when it is present and not entirely empty for that group.
    Every channel of ``channels`` gets rows even when ``panels`` has none for it (group ``empty_group``,
    status insufficient_data: no TikTok Shop sales). A group whose calculation raises gets status
    ``failed`` rows with the error; the other groups are still estimated.
    """
    for c in (group_col, channel_col):
        if c not in panels.columns:
            raise PanelError(f"panels: missing column {c!r}; present: {list(panels.columns)}")
    rows: list[dict] = []
    profiles: list[pd.DataFrame] = []
    for (group, channel), p in panels.groupby([group_col, channel_col], sort=True):
        p = p.drop(columns=[group_col, channel_col])
        try:
            group_rows, profile = _group_rows(str(group), str(channel), p, max_lag)
            rows += group_rows
            if len(profile):
                profiles.append(profile.assign(product_group=str(group), target_channel=str(channel)))
        except Exception as exc:  # noqa: BLE001  (a bug must not cost the seller every other figure)
            dates = pd.to_datetime(p["date"], errors="coerce") if "date" in p else pd.Series(dtype="datetime64[ns]")
            window = (
                (dates.min().date(), dates.max().date()) if dates.notna().any() else (None, None)
            )
            rows += _failed_rows(str(group), str(channel), exc, len(p), window)
    present = set(panels[channel_col].astype(str)) if len(panels) else set()
    for channel in channels:
        if channel in present:
            continue
        status = Status(STATUS_INSUFFICIENT, "no_tiktok_sales", {"need": MIN_ESTIMATE_DAYS})
        rows += [
            _row_without_figure(
                empty_group, channel, m, status, _channel_words(channel), days=0, suff=_no_sufficiency(),
                window=(None, None),
            )
            for m in METHODS
        ]
    out = pd.DataFrame(rows, columns=MART_COLUMNS)
    out = out.sort_values(["product_group", "target_channel"], kind="stable").reset_index(drop=True)
    columns = ["product_group", "target_channel", *PROFILE_COLUMNS]
    profile = pd.concat(profiles, ignore_index=True)[columns] if profiles else pd.DataFrame(columns=columns)
    return out, profile
