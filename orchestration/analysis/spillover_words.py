"""Reader sentences of the spillover marts, English and Chinese: the estimator returns facts, this renders them.

The mart stores both languages (explanation / explanation_zh, reason / reason_zh) so SQL users and the
Streamlit page read the same sentences; the page's own labels live in streamlit_app/i18n.py.
Rules: an amount that rounds to zero is "$0.00" (never "$-0.00"); a significant negative effect reads as a
drop; an interval that includes zero reads as "no clear change" when the point is negative; the day count
and dates are the panel's window.
"""

from __future__ import annotations

import numpy as np

_EXPLAIN = {
    "en": {
        "none": "No estimate for {ch}: {why}.",
        "headline": (
            "Over the {days} days from {start} to {end}, each $1 of TikTok Shop GMV was followed by about {est} "
            "of extra {ch} sales within {max_lag} days (95% interval {lo} to {hi}), largest {lag} {day_word} later."
        ),
        "headline_drop": (
            "Over the {days} days from {start} to {end}, each $1 of TikTok Shop GMV was followed by a drop of "
            "about {est} in {ch} sales within {max_lag} days (95% interval: a drop of {hi} to {lo})."
        ),
        "headline_unclear": (
            "Over the {days} days from {start} to {end}, each $1 of TikTok Shop GMV was followed by no clear "
            "change in {ch} sales within {max_lag} days: about {est} (95% interval {lo} to {hi})."
        ),
        "late": "About {share} of the effect arrives more than 14 days after the TikTok sale (95% interval {lo} to {hi}).",
        "zero": "The interval includes zero: the data do not show a spillover to {ch}.",
        "views": "That is about {x} per 1,000 TikTok views ({lo} to {hi}).",
        "removed": "weekday patterns, the trend, marked events",
        "removed_control": " and the sales of products never promoted on TikTok",
        "association": (
            "It is a statistical association after removing {removed}; unlike TikTok's pixel-based "
            "'Off-site Effect' it counts all extra sales, not only tracked clicks, but it cannot prove cause: "
            "anything else that rose with your TikTok sales would be counted too."
        ),
        "weights": "For a group, products whose TikTok sales swing the most weigh the most.",
        "confounding": (
            "Warning: TikTok sales and the target move together over the season and no control series "
            "was given, so the figure may be too high."
        ),
        "confounding_control": (
            "Warning: a driver shared by TikTok and {ch} sales is left after removing the sales of products "
            "never promoted on TikTok (placebo failed), so the figure may be too high."
        ),
        "placebo": (
            "Warning: future TikTok sales also 'predict' past sales here (placebo failed), a sign of a "
            "shared driver; treat the figure as an upper bound."
        ),
        "thin": "Data are thin ({verdict}).",
        "event": (
            "Across {k} TikTok sales bursts, {ch} sales in the 15 days from each burst moved by {est} per $1 of "
            "extra TikTok GMV against the two weeks before (95% interval {lo} to {hi}, resampling the bursts). "
            "A before/after comparison{control}: anything else that changed at the same time is included."
        ),
        "event_control": ", net of the same change in never-promoted products' sales",
        "correlation": (
            "Day-to-day swings in {ch} sales line up best with TikTok GMV swings {lag} day(s) earlier "
            "(correlation {r}). A correlation shows timing, not size or cause."
        ),
        "sep": " ",
        # Why an analysis publishes no figure (column reason; status says which kind of why).
        "reason.no_tiktok_sales": (
            "No TikTok Shop sales of these products in the loaded exports yet; the estimate needs at least "
            "{need} days of them with several spikes."
        ),
        "reason.no_channel_sales": (
            "No {ch} sales in the loaded exports, so there is no spillover to {ch} to estimate; load {ch} "
            "order reports to get one."
        ),
        "reason.too_few_days": (
            "{days} {day_word} of TikTok Shop sales; the estimate needs at least {need} with several spikes."
        ),
        "reason.too_few_days_lags": "{days} {day_word} of sales; the timing profile needs at least {need}.",
        "reason.too_few_events": (
            "{k} TikTok sales {burst_word} with two weeks of data on either side; the event study needs at "
            "least {need} before it shows a figure."
        ),
        "reason.not_estimable": (
            "The regression cannot be fitted on these {days} days: too few usable days for the effects it "
            "must separate."
        ),
        "reason.no_correlation": "TikTok and {ch} sales barely vary here, so their timing cannot be compared.",
        "reason.failed": (
            "The calculation stopped with an error ({error}). This is a fault in the warehouse, not in your "
            "data; the rest of the build was published."
        ),
    },
    "zh": {
        "none": "{ch} 暂无估计：数据不足以做回归（原因见下方诊断）。",
        "headline": (
            "在 {start} 至 {end} 的 {days} 天里，每 1 美元 TikTok Shop GMV 之后的 {max_lag} 天内，{ch} 约多出 "
            "{est} 销售额（95% 区间 {lo} 至 {hi}），效果在 {lag} 天后最大。"
        ),
        "headline_drop": (
            "在 {start} 至 {end} 的 {days} 天里，每 1 美元 TikTok Shop GMV 之后的 {max_lag} 天内，{ch} 销售额约减少 "
            "{est}（95% 区间：减少 {hi} 至 {lo}）。"
        ),
        "headline_unclear": (
            "在 {start} 至 {end} 的 {days} 天里，每 1 美元 TikTok Shop GMV 之后的 {max_lag} 天内，{ch} 销售额没有明显变化："
            "约 {est}（95% 区间 {lo} 至 {hi}）。"
        ),
        "late": "约 {share} 的效果出现在 TikTok 销售 14 天之后（95% 区间 {lo} 至 {hi}）。",
        "zero": "区间包含 0：数据未显示对 {ch} 的外溢。",
        "views": "约合每 1,000 次 TikTok 观看带来 {x}（{lo} 至 {hi}）。",
        "removed": "星期规律、趋势、已标注的活动",
        "removed_control": "以及从未在 TikTok 推广的商品的销售",
        "association": (
            "这是剔除{removed}之后的统计关联；与 TikTok 基于像素的“站外效果”不同，它计入所有额外销售，"
            "而不只是被追踪的点击，但它无法证明因果：任何与您的 TikTok 销售同步上升的因素也会被计入。"
        ),
        "weights": "对商品组而言，TikTok 销售波动最大的商品权重最大。",
        "confounding": "警告：TikTok 销售与目标渠道随季节同涨同跌，且没有对照序列，该数字可能偏高。",
        "confounding_control": "警告：剔除从未在 TikTok 推广的商品的销售之后，TikTok 与{ch}销售仍有共同驱动因素（安慰剂检验未通过），该数字可能偏高。",
        "placebo": "警告：未来的 TikTok 销售也能“预测”过去的销售（安慰剂检验未通过），说明存在共同驱动因素；请把该数字视为上限。",
        "thin": "数据偏少，结果仅供参考（原因见下方诊断）。",
        "event": (
            "在 {k} 次 TikTok 销售爆发中，每次爆发起 15 天内的 {ch} 销售与之前两周相比，每 1 美元额外 TikTok GMV "
            "变化 {est}（95% 区间 {lo} 至 {hi}，对爆发重抽样）。这是前后对比{control}：同一时间发生的其他变化也会被计入。"
        ),
        "event_control": "（已扣除从未推广商品销售的同期变化）",
        "correlation": "{ch} 销售的日间波动与 {lag} 天前的 TikTok GMV 波动最吻合（相关系数 {r}）。相关性只说明时间先后，不说明大小或因果。",
        "sep": "",
        "reason.no_tiktok_sales": "已载入的导出中这些商品还没有 TikTok Shop 销售；估计至少需要 {need} 天、并有数次销售高峰的数据。",
        "reason.no_channel_sales": "已载入的导出中没有{ch}销售，因此无从估计对{ch}的外溢；载入{ch}订单报表后即可估计。",
        "reason.too_few_days": "目前只有 {days} 天的 TikTok Shop 销售数据；估计至少需要 {need} 天，并有数次销售高峰。",
        "reason.too_few_days_lags": "目前只有 {days} 天的销售数据；时间分布至少需要 {need} 天。",
        "reason.too_few_events": "前后各有两周数据的 TikTok 销售高峰只有 {k} 次；事件研究至少需要 {need} 次才给出数字。",
        "reason.not_estimable": "无法在这 {days} 天的数据上拟合回归：可用天数太少，不足以区分各项影响。",
        "reason.no_correlation": "TikTok 与{ch}的销售几乎没有波动，无法比较二者的时间先后。",
        "reason.failed": "计算出错（{error}）。这是仓库程序的问题，不是您的数据问题；本次构建的其余部分已发布。",
    },
}




def _money_in(v: float, lang: str) -> str:
    """USD, two decimals, in `lang`; -0.004 is "$0.00", not "$-0.00"; negatives as "-$0.12"."""
    r = round(float(v), 2)
    if r == 0:
        r = 0.0
    sign = "-" if r < 0 else ""
    return f"{sign}${abs(r):,.2f}" if lang == "en" else f"{sign}{abs(r):,.2f} 美元"


def _share(v: float, lang: str) -> str:
    return f"{v:.0%}"


def reason_text(code: str, lang: str, **facts) -> str:
    """The sentence for a reason code, in `lang`, from the facts the analysis found."""
    days = facts.get("days")
    k = facts.get("k")
    words = {
        "day_word": "day" if days == 1 else "days",
        "burst_word": "burst" if k == 1 else "bursts",
    }
    return _EXPLAIN[lang][f"reason.{code}"].format(**{**words, **facts})


def headline_kind(estimate: float, ci_low: float, ci_high: float) -> str:
    """extra (positive point), drop (interval below zero) or unclear (negative point, interval spans zero)."""
    if ci_high < 0:
        return "drop"
    if estimate < 0:
        return "unclear"
    return "extra"


def explain(est, max_lag: int, control_used: bool, lang: str = "en", channel_name: str | None = None) -> str:
    """Short plain-words reading of a SpilloverEstimate and of what it cannot claim, in `lang` (en or zh)."""
    w = _EXPLAIN[lang]
    ch = channel_name or est.target_channel
    money = lambda v: _money_in(v, lang)
    if not np.isfinite(est.estimate):
        return w["none"].format(ch=ch, why="; ".join(est.warnings) or "not enough data")
    kind = headline_kind(est.estimate, est.ci_low, est.ci_high)
    facts = {
        "days": est.window_days or est.days,
        "start": est.window_start or "?",
        "end": est.window_end or "?",
        "ch": ch,
        "max_lag": max_lag,
        "lag": est.peak_lag,
        "day_word": "day" if est.peak_lag == 1 else "days",
    }
    if kind == "drop":
        head = w["headline_drop"].format(
            est=money(-est.estimate), lo=money(-est.ci_low), hi=money(-est.ci_high), **facts
        )
    else:
        head = w["headline" if kind == "extra" else "headline_unclear"].format(
            est=money(est.estimate), lo=money(est.ci_low), hi=money(est.ci_high), **facts
        )
    parts = [head]
    if est.ci_low <= 0 <= est.ci_high:
        parts.append(w["zero"].format(ch=ch))
    share = getattr(est, "share_after_14", float("nan"))
    share_lo, share_hi = getattr(est, "share_after_14_ci", (float("nan"), float("nan")))
    # every figure with its interval: the share is written only with one
    if (max_lag > 14 and np.isfinite(share) and share >= 0.05 and kind == "extra"
            and np.isfinite(share_lo) and np.isfinite(share_hi)):
        parts.append(w["late"].format(share=_share(share, lang), lo=_share(share_lo, lang),
                                      hi=_share(share_hi, lang)))
    if est.estimate_per_1000_views is not None and kind == "extra" and est.ci_per_1000_views is not None:
        lo_v, hi_v = est.ci_per_1000_views
        parts.append(w["views"].format(x=money(est.estimate_per_1000_views), lo=money(lo_v), hi=money(hi_v)))
    removed = w["removed"] + (w["removed_control"] if control_used else "")
    parts.append(w["association"].format(removed=removed))
    parts.append(w["weights"])
    if est.confounding_warning:
        parts.append(w["confounding_control" if control_used else "confounding"].format(ch=ch))
    if not est.placebo_passed and not (est.confounding_warning and control_used):
        parts.append(w["placebo"])
    if not est.sufficiency.sufficient:
        parts.append(w["thin"].format(verdict=est.sufficiency.verdict.replace(";", ", ").replace("_", " ")))
    return w["sep"].join(parts)


def explain_event(k: int, estimate: float, ci_low: float, ci_high: float, channel_name: str, lang: str,
                  control_used: bool) -> str:
    w = _EXPLAIN[lang]
    money = lambda v: _money_in(v, lang)
    return w["event"].format(
        k=k, ch=channel_name, est=money(estimate), lo=money(ci_low), hi=money(ci_high),
        control=w["event_control"] if control_used else "",
    )
