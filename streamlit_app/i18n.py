"""Message catalogues (English / Simplified Chinese), one YAML file per language; numbers come from
streamlit_app/formatting.py.

Every label a reader sees goes through `t()`, so switching language never leaves a stray English word on a
Chinese page. The texts live in `streamlit_app/locales/<lang>/messages.yml` (key -> text with `{placeholders}`),
grouped by page; `tests/app/test_i18n.py` requires every key in both languages with the same placeholders.
Mart descriptions in Chinese are `locales/zh/descriptions.yml`.
"""

from __future__ import annotations

import math
import string
from functools import cache
from pathlib import Path
from typing import Any

LANGS: tuple[str, ...] = ("en", "zh")
DEFAULT_LANG = "en"
LANG_NAMES = {"en": "English", "zh": "简体中文"}

LOCALES = Path(__file__).resolve().parent / "locales"


def _catalogue(lang: str) -> dict[str, str]:
    from orchestration.lib.yaml_load import safe_load

    return safe_load((LOCALES / lang / "messages.yml").read_text(encoding="utf-8")) or {}


MESSAGES: dict[str, dict[str, str]] = {lang: _catalogue(lang) for lang in LANGS}


def current_lang() -> str:
    """The reader's language: session state `lang` (set by the sidebar switch), else English."""
    import streamlit as st

    # Outside a Streamlit session (plain scripts, unit tests) session_state is empty: English.
    lang = st.session_state.get("lang", DEFAULT_LANG)
    return lang if lang in LANGS else DEFAULT_LANG


def normalize_lang(value: Any) -> str | None:
    """Map a query-parameter value (`zh`, `zh-CN`, `en-US`...) to a supported language, or None."""
    if not isinstance(value, str):
        return None
    code = value.strip().lower().replace("_", "-").split("-")[0]
    return code if code in LANGS else None


def has(key: str) -> bool:
    return key in MESSAGES[DEFAULT_LANG]


def t(key: str, lang: str | None = None, **kw: Any) -> str:
    """Translate `key` into `lang` (default: the session's language) and fill `{placeholders}`.

    A key missing from the Chinese catalogue falls back to English rather than showing the key;
    a key missing from English is a programming error and raises KeyError.
    """
    lang = lang or current_lang()
    template = MESSAGES.get(lang, {}).get(key)
    if template is None:
        template = MESSAGES[DEFAULT_LANG][key]
    return template.format(**kw) if kw else template


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def label_for(prefix: str, code: Any, lang: str | None = None) -> str:
    """Label of a controlled-vocabulary code (metric, status, kind), or the code itself made readable."""
    if code is None or (isinstance(code, float) and math.isnan(code)):
        return "—"
    key = f"{prefix}.{code}"
    return t(key, lang) if has(key) else str(code).replace("_", " ")


def subject_label(value: Any, lang: str | None = None) -> str:
    """A market figure's subject in the reader's language (brand names stay as written)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    key = f"subject.{value}"
    return t(key, lang) if has(key) else str(value)


def attribution_label(value: Any, lang: str | None = None) -> str:
    """Who a claim is attributed to: `TikTok official` → `TikTok 官方`; `practitioner: 李山` → `从业者：李山`."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    text = str(value)
    if has(f"attr.{text}"):
        return t(f"attr.{text}", lang)
    role, sep, name = text.partition(":")
    if sep and has(f"attr.{role.strip()}"):
        colon = "：" if (lang or current_lang()) == "zh" else ": "
        return f"{t(f'attr.{role.strip()}', lang)}{colon}{name.strip()}"
    return text


# Numbers live in one module for both languages (streamlit_app/formatting.py); they are re-exported here
# so pages keep importing every reader-facing string and number from one place.
from streamlit_app.formatting import (  # noqa: F401 - re-exported for the pages
    MISSING,
    fmt_count,
    fmt_money,
    fmt_number,
    fmt_percent,
    fmt_range,
    fmt_value,
    money_axis,
)

DESCRIPTIONS_ZH = LOCALES / "zh" / "descriptions.yml"


@cache
def _descriptions_zh() -> dict[str, dict[str, Any]]:
    from orchestration.lib.yaml_load import safe_load

    return safe_load(DESCRIPTIONS_ZH.read_text(encoding="utf-8")) or {}


def description(table: str, column: str | None, english: str, lang: str | None = None) -> str:
    """A mart's (or its column's) description in the reader's language: dbt's English, or the Chinese catalogue
    (streamlit_app/locales/zh/descriptions.yml; tests/app/test_descriptions.py keeps it complete)."""
    if (lang or current_lang()) != "zh":
        return english
    entry = _descriptions_zh().get(table) or {}
    text = entry.get("description") if column is None else (entry.get("columns") or {}).get(column)
    return str(text) if text else english
