"""What every courses admin action does with a service's outcome: count the rows done, name the refused."""

from collections.abc import Callable, Iterable
from typing import TypeVar

from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import ngettext

from courses.services import TrainingError

Row = TypeVar("Row", bound=Model)


def report_outcome(
    modeladmin: admin.ModelAdmin, request: HttpRequest, done: int, refused: Iterable[tuple[Model, Exception]]
) -> None:
    if done:
        modeladmin.message_user(
            request,
            ngettext("%(count)d row changed.", "%(count)d rows changed.", done) % {"count": done},
            messages.SUCCESS,
        )
    for row, error in refused:
        modeladmin.message_user(request, f"{row}: {error}", messages.ERROR)


def apply_to_each(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet[Row], call: Callable[[Row], object]
) -> None:
    """Call the service on each selected row; a refused row is reported and the others go on."""
    done, refused = 0, []
    for row in queryset:
        try:
            call(row)
            done += 1
        except TrainingError as error:
            refused.append((row, error))
    report_outcome(modeladmin, request, done, refused)
