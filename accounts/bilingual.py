"""Rows that carry their text in both languages pick the one the request speaks."""

from django.utils.translation import get_language


def in_current_language(zh_hant: str, en: str) -> str:
    """The English text on English pages, else the Chinese one (the program's own language)."""
    language = (get_language() or "zh-hant").lower()
    if language.startswith("en"):
        return en or zh_hant
    return zh_hant or en


class Bilingual:
    """Mixin for models with ``<field>_zh`` and ``<field>_en`` pairs."""

    def localized(self, field: str) -> str:
        return in_current_language(getattr(self, f"{field}_zh"), getattr(self, f"{field}_en"))
