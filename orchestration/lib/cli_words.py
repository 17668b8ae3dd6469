"""The few `tsw` messages that have a Chinese version, from the app's message catalogues
(`streamlit_app/locales/<lang>/messages.yml`, keys `cli.*`; tests/app/test_i18n.py keeps both languages complete).

The language: `TSW_LANG` (`en` / `zh`), else the terminal's locale (`LC_ALL`, `LC_MESSAGES`, `LANG`: `zh_CN.UTF-8`
reads Chinese), else English. Plain YAML reads only: no Streamlit, no Babel.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

LOCALES = Path(__file__).resolve().parents[2] / "streamlit_app" / "locales"


def lang() -> str:
    for name in ("TSW_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "").strip().lower()
        if value:
            return "zh" if value.startswith("zh") else "en"
    return "en"


@cache
def _catalogue(language: str) -> dict[str, str]:
    from orchestration.lib.yaml_load import safe_load

    path = LOCALES / language / "messages.yml"
    return (safe_load(path.read_text(encoding="utf-8")) or {}) if path.exists() else {}


def say(key: str, language: str | None = None, **kw) -> str:
    """`key`'s text in the terminal's language (English where a Chinese text is missing)."""
    language = language or lang()
    template = _catalogue(language).get(key) or _catalogue("en")[key]
    return template.format(**kw)
