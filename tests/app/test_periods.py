"""The Categories page's day ranges: what each preset covers and what it is compared with."""

from __future__ import annotations

from datetime import date

import pytest

from streamlit_app.periods import PRESETS, preset_period, previous_period

FIRST, LATEST = date(2025, 1, 10), date(2025, 6, 17)


@pytest.mark.parametrize(("preset", "expected"), [
    ("last_7", (date(2025, 6, 11), LATEST)),
    ("last_30", (date(2025, 5, 19), LATEST)),
    ("last_90", (date(2025, 3, 20), LATEST)),
    ("this_month", (date(2025, 6, 1), LATEST)),
    ("previous_month", (date(2025, 5, 1), date(2025, 5, 31))),
    # The month the data stops in the middle of is left out: it would read as a collapse.
    ("all_months", (date(2025, 1, 1), date(2025, 5, 31))),
])
def test_each_preset_ends_on_the_newest_order_day(preset, expected):
    assert preset_period(preset, FIRST, LATEST) == expected


def test_all_months_keeps_a_month_the_data_ends_on_its_last_day():
    assert preset_period("all_months", FIRST, date(2025, 6, 30)) == (date(2025, 1, 1), date(2025, 6, 30))
    # January into the previous year.
    assert preset_period("previous_month", FIRST, date(2025, 1, 20)) == (date(2024, 12, 1), date(2024, 12, 31))


def test_the_previous_period_is_as_long_and_just_before():
    assert previous_period(date(2025, 6, 11), date(2025, 6, 17)) == (date(2025, 6, 4), date(2025, 6, 10))
    assert previous_period(date(2025, 5, 1), date(2025, 5, 31)) == (date(2025, 3, 31), date(2025, 4, 30))
    assert previous_period(date(2025, 2, 3), date(2025, 2, 3)) == (date(2025, 2, 2), date(2025, 2, 2))


@pytest.mark.parametrize("preset", [p for p in PRESETS if p != "custom"])
def test_three_days_of_data_give_every_preset_a_period_holding_them(preset):
    first, latest = date(2025, 6, 10), date(2025, 6, 12)
    start, end = preset_period(preset, first, latest)
    if preset == "previous_month":
        assert end < first  # May: no orders, the page says so
    else:
        assert start <= first and end == latest
