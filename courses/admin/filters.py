"""Change-list filters the catalogue's lists share."""

from typing import Any

from django.contrib import admin
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _


class TrackFilter(admin.RelatedFieldListFilter):
    """A track filter (``"curriculum__track"``, ``"track"`` …) whose empty choice reads "No track" (不分方向): the rows
    of a tier without tracks (the assistant tier's), which Django's empty value, "-", did not say."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.empty_value_display = capfirst(_("no track"))
