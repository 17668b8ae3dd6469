"""A seller's own settings file ($TSW_HOME/settings.toml): defaults without it, clear errors on a bad one."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from orchestration.lib import seller_settings


def test_a_home_without_settings_uses_tiktok_shop_us_time(tmp_path):
    assert seller_settings.load(tmp_path).time_zone == "America/Los_Angeles"
    assert seller_settings.load(tmp_path).dbt_vars() == {"seller_time_zone": "America/Los_Angeles",
                                                         "stale_after_days": 7}


def test_the_time_zone_a_seller_writes_is_used(tmp_path):
    (tmp_path / "settings.toml").write_text('# my shop\ntime_zone = "Asia/Shanghai"\n', encoding="utf-8")
    assert seller_settings.load(tmp_path).time_zone == "Asia/Shanghai"


@pytest.mark.parametrize(("text", "words"), [
    ('time_zone = "PST"\n', "is not a time zone name"),
    ('time_zone = "Mars/Olympus"\n', "is not a time zone name"),
    ("time_zone = 8\n", "is not a time zone name"),
    ('timezone = "America/New_York"\n', "unknown setting(s) timezone"),
    ("time_zone = America/New_York\n", "not a valid settings file"),
])
def test_a_bad_settings_file_is_named_with_the_rule_it_breaks(tmp_path, text, words):
    (tmp_path / "settings.toml").write_text(text, encoding="utf-8")
    with pytest.raises(seller_settings.SellerSettingsError) as err:
        seller_settings.load(tmp_path)
    message = str(err.value)
    assert str(tmp_path / "settings.toml") in message and words in message
    # Places that must always start (Dagster's schedule, page captions) keep the default instead.
    assert seller_settings.load_or_default(tmp_path).time_zone == "America/Los_Angeles"


def test_tsw_build_stops_before_loading_anything_when_the_settings_are_wrong(tmp_path):
    home = tmp_path / "home"
    (home / "inbox").mkdir(parents=True)
    (home / "settings.toml").write_text('time_zone = "EST"\n', encoding="utf-8")
    env = {**os.environ, "TSW_HOME": str(home)}
    tsw = Path(sys.executable).parent / "tsw"
    result = subprocess.run([str(tsw), "build"], env=env, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode != 0
    assert "settings.toml" in result.stderr and "'EST' is not a time zone name" in result.stderr
    assert not (home / "warehouse.duckdb").exists()


def test_a_seller_can_say_when_old_data_reads_stale(tmp_path):
    (tmp_path / "settings.toml").write_text("stale_after_days = 30\n", encoding="utf-8")
    assert seller_settings.load(tmp_path).stale_after_days == 30
    (tmp_path / "settings.toml").write_text("stale_after_days = 0\n", encoding="utf-8")
    with pytest.raises(seller_settings.SellerSettingsError, match="stale_after_days = 0 must be a whole number"):
        seller_settings.load(tmp_path)


def test_dbt_declares_the_same_defaults_as_the_settings():
    import yaml

    from orchestration import settings

    declared = yaml.safe_load((settings.DBT_PROJECT_DIR / "dbt_project.yml").read_text(encoding="utf-8"))["vars"]
    assert declared == seller_settings.SellerSettings().dbt_vars()
