"""Cohorts' names from a few columns, for pages that list many (the cohorts page, the pass rates by
cohort): the same text as ``Cohort.name`` (institution · tier · track · start month, in the current
language) without five model instances a cohort; and courses' labels likewise."""

from __future__ import annotations

import datetime
import functools
from typing import Any

from django.db.models import QuerySet
from django.utils import formats
from django.utils.translation import get_language

from accounts.bilingual import in_current_language

NAME_COLUMNS = (
    "institution__name_zh",
    "institution__name_en",
    "curriculum__tier__name_zh",
    "curriculum__tier__name_en",
    "curriculum__track_id",
    "curriculum__track__name_zh",
    "curriculum__track__name_en",
    "starts_on",
)


@functools.lru_cache(maxsize=1024)
def month_label(month: datetime.date, language: str | None) -> str:
    """The month ("December 2026") in ``language`` (the active one): formatted once per month and language."""
    return formats.date_format(month, "YEAR_MONTH_FORMAT")


def cohort_name(row: dict[str, Any]) -> str:
    """``Cohort.name`` of a row with :data:`NAME_COLUMNS`."""
    parts = [
        in_current_language(row["institution__name_zh"], row["institution__name_en"]),
        in_current_language(row["curriculum__tier__name_zh"], row["curriculum__tier__name_en"]),
    ]
    if row["curriculum__track_id"] is not None:
        parts.append(in_current_language(row["curriculum__track__name_zh"], row["curriculum__track__name_en"]))
    parts.append(month_label(row["starts_on"], get_language()))
    return " · ".join(parts)


def with_names(cohorts: QuerySet[Any], *columns: str) -> QuerySet[Any]:
    """``cohorts`` as rows of ``columns`` and the name's columns (one query)."""
    return cohorts.values(*columns, *NAME_COLUMNS)


def course_label(row: dict[str, Any]) -> str:
    """A course's code and title in the current language, from a row of ``course__code``,
    ``course__title_zh`` and ``course__title_en``."""
    return f"{row['course__code']} {in_current_language(row['course__title_zh'], row['course__title_en'])}"
