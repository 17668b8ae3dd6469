"""One seller's own settings: `$TSW_HOME/settings.toml` (optional; every key has a default).

    # settings.toml
    time_zone = "America/Los_Angeles"   # the time zone your TikTok Seller Center shows
    stale_after_days = 7                # a source whose newest day is older than this reads "stale"

`time_zone` is the day boundary of every report: an order placed at 23:30 belongs to that day in this
zone, months are this zone's months, and the daily build runs at 06:00 in it. TikTok Shop exports write
times in the shop's own time zone without saying which, so this must be the zone the Seller Center uses
(TikTok Shop US: America/Los_Angeles, the default); Amazon and Shopify write instants and are converted.
`stale_after_days` is when an export's newest day is too old to call the data fresh, however recently it
was loaded (the Overview page and marts.mart_analysis_status use the same number).

The settings are the seller's data (they live in the home, never in the repo). A wrong value is an error
that names the file, the key and the rule; nothing falls back silently to a zone the seller did not pick.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from orchestration import settings

SETTINGS_FILE = "settings.toml"
DEFAULT_TIME_ZONE = "America/Los_Angeles"
DEFAULT_STALE_AFTER_DAYS = 7
KNOWN_KEYS = ("time_zone", "stale_after_days")


class SellerSettingsError(ValueError):
    """A settings file a seller wrote that cannot be used, with a message in their words."""


@dataclass(frozen=True)
class SellerSettings:
    time_zone: str = DEFAULT_TIME_ZONE
    stale_after_days: int = DEFAULT_STALE_AFTER_DAYS

    def dbt_vars(self) -> dict[str, object]:
        """The dbt variables these settings set (dbt_project.yml declares the same defaults; a test keeps
        them equal)."""
        return {"seller_time_zone": self.time_zone, "stale_after_days": self.stale_after_days}


def settings_path(home: Path | None = None) -> Path:
    return (home or settings.tsw_home()) / SETTINGS_FILE


def load(home: Path | None = None) -> SellerSettings:
    """The seller's settings; defaults when the file is absent. Raises SellerSettingsError on a bad file."""
    path = settings_path(home)
    if not path.is_file():
        return SellerSettings()
    try:
        values = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise SellerSettingsError(f"{path}: this is not a valid settings file ({exc}). Each line reads "
                                  f'key = "value", for example time_zone = "{DEFAULT_TIME_ZONE}".') from exc
    unknown = sorted(set(values) - set(KNOWN_KEYS))
    if unknown:
        raise SellerSettingsError(f"{path}: unknown setting(s) {', '.join(unknown)}; the settings are "
                                  f"{', '.join(KNOWN_KEYS)}.")
    zone = values.get("time_zone", DEFAULT_TIME_ZONE)
    if not isinstance(zone, str) or not _is_zone(zone):
        raise SellerSettingsError(
            f"{path}: time_zone = {zone!r} is not a time zone name. Use a name from the IANA list, "
            f'for example "America/Los_Angeles" (TikTok Shop US), "America/New_York" or "Asia/Shanghai".')
    stale = values.get("stale_after_days", DEFAULT_STALE_AFTER_DAYS)
    if isinstance(stale, bool) or not isinstance(stale, int) or not 1 <= stale <= 365:
        raise SellerSettingsError(f"{path}: stale_after_days = {stale!r} must be a whole number of days from 1 "
                                  f"to 365 (default {DEFAULT_STALE_AFTER_DAYS}).")
    return SellerSettings(time_zone=zone, stale_after_days=stale)


def load_or_default(home: Path | None = None) -> SellerSettings:
    """For places that must never fail to start (Dagster definitions, page captions): defaults on a bad file.
    The build itself uses `load()` and stops with the file's error."""
    try:
        return load(home)
    except SellerSettingsError:
        return SellerSettings()


@cache
def _zone_names() -> frozenset[str]:
    # Scans the whole tz database (~600 files): once per process, not on every page render.
    return frozenset(available_timezones())


def _is_zone(name: str) -> bool:
    if "/" not in name and name != "UTC":
        return False  # abbreviations such as PST are ambiguous; IANA names only
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return name in _zone_names() or name == "UTC"
