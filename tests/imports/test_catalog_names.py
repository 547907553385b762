"""Tiers and tracks are named in the page's language wherever admin shows them as a choice (a list filter, a
select), never by their code; the API and the certificate credentials keep the codes (they ask for them)."""

from __future__ import annotations

import re

import pytest
from django import forms
from django.test import Client
from django.utils import translation

from courses.models import Tier, Track
from tests.conftest import in_english, logged_in

pytestmark = pytest.mark.django_db


def filter_choices(client: Client, url: str) -> str:
    html = client.get(url).content.decode()
    nav = html[html.index('id="changelist-filter"') :]
    return " ".join(re.sub(r"<[^>]+>", " ", nav[: nav.index("</nav>")]).split())


@pytest.mark.parametrize("language", ["zh-hant", "en"])
def test_the_tier_and_track_filters_show_names_in_the_pages_language(program_office, language):
    if language == "en":
        in_english(program_office)
    shown = filter_choices(logged_in(program_office), f"/{language}/admin/courses/curriculum/")
    field = "name_en" if language == "en" else "name_zh"
    for row in [*Tier.objects.all(), *Track.objects.all()]:
        assert getattr(row, field) in shown, (row.code, shown)
    assert not {"assistant", "standard", "senior", "retail", "corporate"} & set(shown.split())


@pytest.mark.parametrize("language", ["zh-hant", "en"])
def test_a_tier_or_track_select_shows_names_in_the_active_language(language):
    tier, track = Tier.objects.get(code="standard"), Track.objects.get(code="retail")
    with translation.override(language):
        labels = [
            str(label) for model in (Tier, Track) for _value, label in forms.ModelChoiceField(model.objects).choices
        ]
    wanted = (tier.name_en, track.name_en) if language == "en" else (tier.name_zh, track.name_zh)
    assert set(wanted) <= set(labels)
    assert {tier.code, track.code}.isdisjoint(labels)
