"""The self-study reject page writes an entry's day and hours as the rest of the site does in each language
(``3 課時`` and ``2027年2月3日`` on the Chinese page), never a raw ``3.0 h`` or ``2027-02-03``."""

import datetime
from decimal import Decimal

import pytest

from courses import services
from courses.models import SelfStudyEntry
from tests.factories import CohortFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = datetime.date(2027, 2, 3)


@pytest.fixture
def entry(institution) -> SelfStudyEntry:
    cohort = CohortFactory(institution=institution, offers_self_study=True)
    enrolment = services.do_approve_enrolment(enrolment=services.do_enrol(trainee=UserFactory(), cohort=cohort))
    entry = services.do_log_self_study(
        trainee=enrolment.trainee, enrolment=enrolment, course=enrolment.curriculum.entries.first().course,
        studied_on=cohort.starts_on, hours=Decimal(3), note="第三章",
    )  # fmt: skip
    # A day whose figures read differently in each format (its raw ISO form is never shown).
    SelfStudyEntry.objects.filter(pk=entry.pk).update(studied_on=DAY, hours=Decimal("3.0"))
    return entry


def reject_page(client, entry: SelfStudyEntry, language: str) -> str:
    response = client.get(f"/{language}/admin/courses/selfstudyentry/action/reject/?ids={entry.pk}")
    assert response.status_code == 200
    return response.content.decode()


def test_the_chinese_reject_page_writes_class_hours_and_the_date_in_chinese(alice, entry):
    html = reject_page(alice, entry, "zh-hant")
    assert f" · 2027年2月3日 · 3 課時 · {entry.course.code} · " in html
    assert " h ·" not in html and "3.0" not in html and "2027-02-03" not in html


def test_the_english_reject_page_writes_hours_as_the_english_pages_do(alice, entry):
    html = reject_page(alice, entry, "en")
    assert f" · 3 February 2027 · 3 h · {entry.course.code} · " in html
    assert "3.0 h" not in html


@pytest.mark.parametrize(
    ("language", "shown"), [("zh-hant", " · 2027年2月3日 · 3 課時"), ("en", " · 3 February 2027 · 3 h")]
)
def test_the_entrys_own_page_and_its_row_in_the_list_write_them_so_too(alice, entry, language, shown):
    """The entry's name (its page's title and heading, the list's checkbox label) is its day and hours too."""
    for url in (
        f"/{language}/admin/courses/selfstudyentry/{entry.pk}/change/",
        f"/{language}/admin/courses/selfstudyentry/",
    ):
        html = alice.get(url).content.decode()
        assert shown in html, url
        assert "3.0 h" not in html and "2027-02-03 ·" not in html
