"""Every date picker of the portal's forms shows the date it is given, in both languages.

A browser's ``<input type="date">`` takes only YYYY-MM-DD; a widget left to the page's format wrote 2026/12/05 in
Traditional Chinese, and the browser showed an empty field (the expiring-certificates period, the self-reported
activity's day). The forms are found by walking the project's form classes, so a new one is covered too."""

import contextlib
import datetime
import importlib
import re

import pytest
from django import forms
from django.apps import apps
from django.utils import translation

DAY = datetime.date(2026, 12, 5)


def project_forms() -> list[type[forms.BaseForm]]:
    """The form classes of the project's apps (each app's forms module imported first)."""
    ours = [config for config in apps.get_app_configs() if ".venv" not in str(config.path)]
    for config in ours:
        with contextlib.suppress(ModuleNotFoundError):
            importlib.import_module(f"{config.name}.forms")
    prefixes = tuple(f"{config.name}." for config in ours)
    found, pending = [], [forms.BaseForm]
    while pending:
        cls = pending.pop()
        pending.extend(cls.__subclasses__())
        if cls.__module__.startswith(prefixes):
            found.append(cls)
    return found


def date_pickers() -> list[tuple[str, forms.Widget]]:
    pickers = []
    for form in project_forms():
        for name, field in getattr(form, "base_fields", {}).items():
            if getattr(field.widget, "input_type", None) == "date":
                pickers.append((f"{form.__module__}.{form.__name__}.{name}", field.widget))
    return pickers


def test_the_portal_has_date_pickers():
    assert len(date_pickers()) >= 4  # the self-study day, the activity's day, the expiring period's two ends


@pytest.mark.parametrize("language", ["zh-hant", "en"])
def test_each_date_picker_is_given_its_date_as_the_browser_reads_it(language):
    with translation.override(language):
        shown = {name: widget.render("day", DAY) for name, widget in date_pickers()}
    wrong = {name: html for name, html in shown.items() if not re.search(r'value="2026-12-05"', html)}
    assert wrong == {}
