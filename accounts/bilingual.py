"""Rows that carry their text in both languages pick the one the request speaks."""

from typing import Self, overload

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


class InCurrentLanguage:
    """``name = InCurrentLanguage()`` on a :class:`Bilingual` model reads ``name_zh`` or ``name_en``,
    whichever the request speaks: one declaration per bilingual pair instead of a property each."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.field = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> Self: ...

    @overload
    def __get__(self, instance: Bilingual, owner: type | None = None) -> str: ...

    def __get__(self, instance: Bilingual | None, owner: type | None = None) -> Self | str:
        if instance is None:
            return self
        return instance.localized(self.field)
