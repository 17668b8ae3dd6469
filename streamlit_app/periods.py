"""Day ranges sellers pick on a page (last 7 / 30 / 90 days, this month, previous month, all full months, a custom
range) and the period they are compared with: the same number of days just before."""

from __future__ import annotations

from datetime import date, timedelta

PRESETS = ("all_months", "last_7", "last_30", "last_90", "this_month", "previous_month", "custom")


def _month_before(day: date) -> date:
    """The first day of the month before `day`'s month."""
    return (day.replace(day=1) - timedelta(days=1)).replace(day=1)


def preset_period(preset: str, first: date, latest: date) -> tuple[date, date]:
    """The days a preset covers, both ends included. Periods end on the newest order day (the data's "today"), not
    the clock's, so a seller whose exports stopped months ago still sees their last 30 days."""
    if preset.startswith("last_"):
        return latest - timedelta(days=int(preset.removeprefix("last_")) - 1), latest
    if preset == "this_month":
        return latest.replace(day=1), latest
    if preset == "previous_month":
        return _month_before(latest), latest.replace(day=1) - timedelta(days=1)
    # all_months: from the first month to the last month the orders fully cover (a month the data stops in the
    # middle of would look like a collapse in the trend); everything when no month is complete yet.
    last_full = latest if (latest + timedelta(days=1)).day == 1 else latest.replace(day=1) - timedelta(days=1)
    return first.replace(day=1), last_full if last_full >= first else latest


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The same number of days just before `start`."""
    days = (end - start).days + 1
    return start - timedelta(days=days), start - timedelta(days=1)
