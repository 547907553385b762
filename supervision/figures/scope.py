"""Whose figures a page reads: every institution's (the office) or one institution's."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.db.models import QuerySet

Q_ = TypeVar("Q_", bound=QuerySet[Any])


@dataclass(frozen=True)
class Scope:
    """``institution_id`` None: every institution. Summary rows carry ``institution_id``."""

    institution_id: int | None

    def filter(self, queryset: Q_, path: str = "institution_id") -> Q_:
        if self.institution_id is None:
            return queryset
        return queryset.filter(**{path: self.institution_id})
