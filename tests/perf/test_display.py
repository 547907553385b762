"""What list pages write on every row, done once (core.display, courses.selectors.cohort_name; issue 20): the
same text as the template filters and tags they replace, in both languages and any time zone."""

import datetime
from decimal import Decimal

import pytest
from django.template import engines
from django.urls import reverse
from django.utils import timezone, translation

from core import display
from courses.models import Cohort
from courses.selectors import COHORT_NAME_COLUMNS, cohort_name
from tests.factories import CohortFactory, curriculum_of

LANGUAGES = ("zh-hant", "en")


def rendered(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("zone", ["Asia/Taipei", "UTC", "America/New_York"])
def test_dates_are_written_as_the_date_filter_writes_them(language, zone):
    moments = [
        datetime.datetime(2026, 1, 31, 15, 5, tzinfo=datetime.UTC),
        datetime.datetime(2026, 7, 1, 0, 0, tzinfo=datetime.UTC),  # another day in some zones
        datetime.datetime(2026, 7, 1, 8, 0, tzinfo=datetime.timezone(datetime.timedelta(hours=8))),  # the same instant
    ]
    days = [datetime.date(2026, 1, 31), datetime.date(2026, 12, 4)]
    with translation.override(language), timezone.override(zone):
        for moment in moments:
            for name in ("DATETIME_FORMAT", "DATE_FORMAT", "SHORT_DATETIME_FORMAT", "c", "U"):
                assert display.date(moment, name) == rendered(f'{{{{ v|date:"{name}" }}}}', v=moment)
        for day in days:
            assert display.date(day) == rendered("{{ v|date }}", v=day)
            assert display.date(day, "YEAR_MONTH_FORMAT") == rendered('{{ v|date:"YEAR_MONTH_FORMAT" }}', v=day)
    assert display.date(None) == ""


@pytest.mark.parametrize("language", LANGUAGES)
def test_numbers_are_written_as_floatformat_writes_them(language):
    with translation.override(language):
        for value in (Decimal("72.50"), Decimal("72.5"), Decimal("65.00"), Decimal("0"), Decimal("1234.5"), 6.25, None):
            for arg in ("-1", "-2", "2"):
                assert display.floatformat(value, arg) == rendered(f'{{{{ v|floatformat:"{arg}" }}}}', v=value)


@pytest.mark.parametrize("language", LANGUAGES)
def test_urls_are_the_reversed_ones(language):
    with translation.override(language):
        attempt = display.url_pattern("exams:result")
        for pk in (1, 42, 987654321):
            assert attempt(pk) == reverse("exams:result", args=[pk])
        verify = display.url_pattern("certification:verify_code", kind=str)
        for code in ("75ef2a367ad37fb77152706530c33e7e", "a b%c", "證書", "x:y@z"):
            assert verify(code) == reverse("certification:verify_code", args=[code])


@pytest.mark.django_db
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_cohorts_name_from_its_columns_is_its_name(language):
    with_track = CohortFactory()
    without_track = CohortFactory(curriculum=curriculum_of("assistant"))
    assert with_track.curriculum.track_id is not None and without_track.curriculum.track_id is None
    with translation.override(language):
        for cohort in Cohort.objects.filter(pk__in=[with_track.pk, without_track.pk]):
            columns = Cohort.objects.filter(pk=cohort.pk).values_list(*COHORT_NAME_COLUMNS).get()
            assert cohort_name(columns) == cohort.name


def test_the_frames_static_links_are_the_static_tags():
    from django.templatetags.static import static
    from django.test import override_settings

    from core.templatetags.site_nav import static_asset

    for debug in (True, False):
        with override_settings(DEBUG=debug):
            for path in ("vendor/bootstrap/bootstrap.min.css", "js/portal.js", "a b&c.css"):
                assert static_asset(path) == static(path)
                assert rendered(f"{{% load site_nav %}}{{% static_asset '{path}' %}}") == rendered(
                    f"{{% load static %}}{{% static '{path}' %}}"
                )
