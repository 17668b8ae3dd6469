"""Value and time formatting in the platforms' own styles, vectorised (the benchmark mode writes a million lines).

The ``pandas_*`` formatters are the reference implementations; the fast ones must equal them
(tests/demo/test_fast_time_formats.py).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

LOCAL_TZ = ZoneInfo("America/Los_Angeles")
# ---------------------------------------------------------------- value formatting
def money_plain(x) -> np.ndarray:
    """TikTok/Shopify style: `41`, `8.99` (no currency sign, no thousands separator)."""
    cents = np.round(np.asarray(x, dtype=float) * 100).astype(np.int64)
    sign = np.where(cents < 0, "-", "")
    cents = np.abs(cents)
    whole = (cents // 100).astype(str)
    frac = np.char.zfill((cents % 100).astype(str), 2)
    return np.char.add(np.char.add(sign, whole), np.where(cents % 100 == 0, "", np.char.add(".", frac)))


def money_2dp(x) -> np.ndarray:
    """Amazon/Shopify style: always two decimals, `29.99`, `0.00`."""
    cents = np.round(np.asarray(x, dtype=float) * 100).astype(np.int64)
    sign = np.where(cents < 0, "-", "")
    cents = np.abs(cents)
    return np.char.add(np.char.add(np.char.add(sign, (cents // 100).astype(str)), "."),
                       np.char.zfill((cents % 100).astype(str), 2))


def thousands(n) -> np.ndarray:
    return np.array([f"{int(v):,}" for v in np.asarray(n)], dtype=object)


def dollars(x) -> np.ndarray:
    """Data Compass / Business Report / Ads style: `$1,234.56`."""
    return np.array([f"${v:,.2f}" for v in np.asarray(x, dtype=float)], dtype=object)


def percent(x, digits: int = 2) -> np.ndarray:
    return np.array([f"{v * 100:.{digits}f}%" for v in np.asarray(x, dtype=float)], dtype=object)


def duration(seconds) -> np.ndarray:
    s = np.asarray(seconds, dtype=np.int64)
    return np.array([f"{v // 60}m{v % 60:02d}s" for v in s], dtype=object)


def pandas_us_time(ts: np.ndarray) -> np.ndarray:
    """`MM/DD/YYYY h:mm:ss AM/PM` (hour without leading zero), '' for NaT."""
    s = pd.Series(pd.to_datetime(ts))
    out = s.dt.strftime("%m/%d/%Y %I:%M:%S %p").str.replace(r" 0(\d):", r" \1:", regex=True)
    return out.fillna("").to_numpy(dtype=object)


def pandas_us_date(ts) -> np.ndarray:
    return pd.Series(pd.to_datetime(ts)).dt.strftime("%m/%d/%Y").fillna("").to_numpy(dtype=object)


def _local_to_utc(ts: np.ndarray) -> pd.Series:
    s = pd.Series(pd.to_datetime(ts))
    return s.dt.tz_localize(LOCAL_TZ, ambiguous=False, nonexistent="shift_forward").dt.tz_convert("UTC")


def pandas_iso_utc(ts: np.ndarray) -> np.ndarray:
    """Amazon: `2025-06-17T08:04:21+00:00`."""
    return _local_to_utc(ts).dt.strftime("%Y-%m-%dT%H:%M:%S+00:00").fillna("").to_numpy(dtype=object)


def pandas_shopify_time(ts: np.ndarray) -> np.ndarray:
    """Shopify: `2025-10-07 09:50:26 -0700` (seller's local time with its UTC offset)."""
    s = pd.Series(pd.to_datetime(ts))
    loc = s.dt.tz_localize(LOCAL_TZ, ambiguous=False, nonexistent="shift_forward")
    return loc.dt.strftime("%Y-%m-%d %H:%M:%S %z").fillna("").to_numpy(dtype=object)


def _seen(ts: np.ndarray, as_of: np.datetime64) -> np.ndarray:
    ts = np.asarray(ts, dtype="datetime64[s]")
    return ~np.isnat(ts) & (ts <= as_of)


def _mask_times(ts: np.ndarray, as_of) -> np.ndarray:
    out = np.asarray(ts, dtype="datetime64[s]").copy()
    out[~_seen(out, as_of)] = np.datetime64("NaT")
    return out


# ---------------------------------------------------------------- fast timestamp formatting
# pandas' strftime costs ~15 us a value; the exports format tens of millions of times at benchmark scale.
# These build the same strings from cached day and time-of-day parts (a day's string once, each of the
# 86,400 times of day once), exactly as the pandas formats above would; tests/demo checks they agree.
_TOD_CACHE: dict[str, np.ndarray] = {}


def _tod_strings(kind: str) -> np.ndarray:
    if kind not in _TOD_CACHE:
        s = np.arange(86400)
        h, m, sec = s // 3600, s // 60 % 60, s % 60
        if kind == "24":
            out = [f"{a:02d}:{b:02d}:{c:02d}" for a, b, c in zip(h, m, sec)]
        else:  # 12-hour clock without a leading zero: `9:05:01 PM`
            out = [f"{(a % 12) or 12}:{b:02d}:{c:02d} {'AM' if a < 12 else 'PM'}" for a, b, c in zip(h, m, sec)]
        _TOD_CACHE[kind] = np.array(out, dtype=object)
    return _TOD_CACHE[kind]


def _day_and_second(ts) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(not NaT mask, unique days, index of each value's day, seconds after midnight)."""
    ts = np.asarray(ts, dtype="datetime64[s]")
    ok = ~np.isnat(ts)
    day = ts[ok].astype("datetime64[D]")
    sec = (ts[ok] - day).astype(np.int64)
    days, inv = np.unique(day, return_inverse=True)
    return ok, days, inv, sec


def _assemble(n: int, ok: np.ndarray, parts: np.ndarray) -> np.ndarray:
    out = np.full(n, "", dtype=object)
    out[ok] = parts
    return out


def _fast_local(ts, day_fmt: str, sep: str, kind: str) -> np.ndarray:
    ts = np.asarray(ts, dtype="datetime64[s]")
    ok, days, inv, sec = _day_and_second(ts)
    if not ok.any():
        return np.full(len(ts), "", dtype=object)
    day_str = np.array([d.item().strftime(day_fmt) + sep for d in days], dtype=object)
    return _assemble(len(ts), ok, day_str[inv] + _tod_strings(kind)[sec])


def _utc_offsets(ts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per value (no NaT): UTC offset in seconds of the seller's local time, and whether its hour does
    not exist in that zone (the spring-forward hour, which the pandas path shifts forward)."""
    hours = ts.astype("datetime64[h]")
    uh, inv = np.unique(hours, return_inverse=True)
    loc = pd.Series(pd.to_datetime(uh.astype("datetime64[s]"))).dt.tz_localize(
        LOCAL_TZ, ambiguous=False, nonexistent="shift_forward")
    wall = loc.dt.tz_localize(None).to_numpy(dtype="datetime64[s]")
    utc = loc.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[s]")
    offset = (wall - utc).astype(np.int64)
    shifted = wall != uh.astype("datetime64[s]")
    return offset[inv], shifted[inv]


def us_time(ts) -> np.ndarray:
    """`MM/DD/YYYY h:mm:ss AM/PM` (hour without leading zero), '' for NaT (= pandas_us_time, faster)."""
    return _fast_local(ts, "%m/%d/%Y", " ", "12")


def us_date(ts) -> np.ndarray:
    """`MM/DD/YYYY`, '' for NaT (= pandas_us_date)."""
    ts = np.asarray(ts, dtype="datetime64[s]")
    ok, days, inv, _ = _day_and_second(ts)
    day_str = np.array([d.item().strftime("%m/%d/%Y") for d in days], dtype=object)
    return _assemble(len(ts), ok, day_str[inv] if ok.any() else day_str)


def _blank_and_valid(ts) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """An all-'' output, the mask of non-NaT times and those times (seconds), for the offset formatters."""
    ts = np.asarray(ts, dtype="datetime64[s]")
    ok = ~np.isnat(ts)
    return np.full(len(ts), "", dtype=object), ok, ts[ok]


def iso_utc(ts) -> np.ndarray:
    """Amazon: `2025-06-17T08:04:21+00:00` (= pandas_iso_utc)."""
    out, ok, v = _blank_and_valid(ts)
    if not ok.any():
        return out
    offset, shifted = _utc_offsets(v)
    utc = v - offset.astype("timedelta64[s]")
    s = _fast_local(utc, "%Y-%m-%d", "T", "24") + "+00:00"
    if shifted.any():
        s[shifted] = pandas_iso_utc(v[shifted])
    out[ok] = s
    return out


def shopify_time(ts) -> np.ndarray:
    """Shopify: `2025-10-07 09:50:26 -0700` (= pandas_shopify_time)."""
    out, ok, v = _blank_and_valid(ts)
    if not ok.any():
        return out
    offset, shifted = _utc_offsets(v)
    mins = offset // 60
    uo, oinv = np.unique(mins, return_inverse=True)
    zone = np.array([f" {'+' if o >= 0 else '-'}{abs(o) // 60:02d}{abs(o) % 60:02d}" for o in uo], dtype=object)
    s = _fast_local(v, "%Y-%m-%d", " ", "24") + zone[oinv]
    if shifted.any():
        s[shifted] = pandas_shopify_time(v[shifted])
    out[ok] = s
    return out
