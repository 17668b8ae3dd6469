"""Reporting periods and export times that are not in a file's cells.

Some exports carry no date column (Amazon Business Report, TikTok video list): the period they
cover comes from an explicit `period=(start, end)` argument, from a date range in the file name,
or (TikTok product analytics) from the A1 cell. TikTok order exports are named after their export
time ("All order-2025-10-31-09_15.csv"), which bounds the dates inside the file.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from orchestration.formats import FormatDefinition

_DATE_LAYOUTS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%m-%d-%y", "%m-%d-%Y", "%m/%d/%Y", "%m/%d/%y", "%d.%m.%Y")

Period = tuple[date, date]


def parse_day(text: str) -> date:
    text = text.strip()
    for layout in _DATE_LAYOUTS:
        try:
            return datetime.strptime(text, layout).date()
        except ValueError:
            continue
    raise ValueError(f"not a date: {text!r}")


def coerce_period(period) -> Period | None:
    """Accept (start, end) as dates or strings, or 'START..END' as written on the command line."""
    if period is None:
        return None
    if isinstance(period, str):
        parts = re.split(r"\.\.|/(?=\d{4}-)", period)
        if len(parts) != 2:
            raise ValueError(f"period {period!r} must look like 2025-01-01..2025-01-31")
        period = tuple(parts)
    start, end = period
    start = start if isinstance(start, date) else parse_day(str(start))
    end = end if isinstance(end, date) else parse_day(str(end))
    if isinstance(start, datetime):
        start = start.date()
    if isinstance(end, datetime):
        end = end.date()
    if end < start:
        raise ValueError(f"period ends ({end}) before it starts ({start})")
    return start, end


def period_from_filename(fmt: FormatDefinition, file_name: str) -> Period | None:
    for pattern in fmt.period_from_filename:
        match = re.search(pattern, file_name)
        if not match:
            continue
        try:
            return coerce_period((match.group("start"), match.group("end")))
        except ValueError:
            continue
    return None


_RANGE_IN_TEXT = re.compile(
    r"(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}/\d{1,2}/\d{4})\s*(?:~|-|–|—|to|至|到)\s*"
    r"(\d{4}[-/.]\d{1,2}[-/.]\d{1,2}|\d{1,2}/\d{1,2}/\d{4})"
)


def period_from_text(text: str | None) -> Period | None:
    """The date range written in a cell such as A1 ("Date range: 2025-10-01 ~ 2025-10-31")."""
    if not text:
        return None
    match = _RANGE_IN_TEXT.search(str(text))
    if not match:
        return None
    try:
        return coerce_period(tuple(m.replace(".", "-") for m in match.groups()))
    except ValueError:
        return None


def exported_at_from_filename(fmt: FormatDefinition, file_name: str) -> datetime | None:
    if not fmt.exported_at_from_filename:
        return None
    match = re.search(fmt.exported_at_from_filename, file_name)
    if not match:
        return None
    g = {k: int(v) for k, v in match.groupdict().items() if v is not None}
    try:
        return datetime(g["y"], g["m"], g["d"], g.get("H", 0), g.get("M", 0))
    except (KeyError, ValueError):
        return None
