"""The dashboard's continuing-education courses (certification.dashboard, issue 20) are rendered once for
every trainee and kept in the cache: a visit reads no course, and every change to what the part shows
(a course published, unpublished, edited or deleted, an institution renamed) shows on the next visit."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from freezegun import freeze_time

from certification import services
from certification.models import CECourse
from courses.models import PriorLearning
from tests.conftest import in_english, logged_in
from tests.factories import UserFactory, curriculum_of

pytestmark = pytest.mark.django_db


def course(institution, title_en: str, starts_in: int) -> CECourse:
    starts_on = timezone.localdate() + datetime.timedelta(days=starts_in)
    return CECourse.objects.create(
        institution=institution, title_zh=title_en, title_en=title_en, hours=Decimal(6),
        starts_on=starts_on, ends_on=starts_on, capacity=10,
    )  # fmt: skip


def publish(row: CECourse) -> CECourse:
    return services.do_publish_ce_course(course=row, today=timezone.localdate())


@pytest.fixture
def trainee():
    """A trainee who completed the assistant tier: the next step shows."""
    person = in_english(UserFactory())
    PriorLearning.objects.create(
        trainee=person, curriculum=curriculum_of("assistant"), completed_on=timezone.localdate()
    )
    return person


@pytest.fixture
def client(trainee):
    return logged_in(trainee)


def part(client) -> str:
    page = client.get("/en/dashboard/").content.decode()
    start = page.index('<div id="next-step-ce">')
    return page[start : page.index("</div>", start)]


def test_a_second_visit_reads_no_course(client, institution, django_assert_max_num_queries):
    publish(course(institution, "Wealth planning update", 7))
    first = client.get("/en/dashboard/").content.decode()
    assert "Wealth planning update" in first
    with django_assert_max_num_queries(1):  # the session with its user: the parts and the courses are cached
        second = client.get("/en/dashboard/").content.decode()
    assert "Wealth planning update" in second


def test_every_trainee_reads_the_same_entry_and_each_language_its_own(client, institution):
    publish(course(institution, "Wealth planning update", 7))
    assert "Wealth planning update" in part(client)
    other = in_english(UserFactory())
    PriorLearning.objects.create(
        trainee=other, curriculum=curriculum_of("assistant"), completed_on=timezone.localdate()
    )
    assert part(logged_in(other)) == part(client)
    chinese = client.get("/zh-hant/dashboard/").content.decode()
    assert "/zh-hant/continuing-education/" in chinese and "/en/continuing-education/" not in chinese


def test_a_course_published_unpublished_edited_or_deleted_shows_on_the_next_visit(client, institution):
    first = publish(course(institution, "Wealth planning update", 7))
    assert "Wealth planning update" in part(client)
    second = publish(course(institution, "Trust law refresher", 3))
    assert "Trust law refresher" in part(client)
    services.do_unpublish_ce_course(course=second)
    assert "Trust law refresher" not in part(client)
    first.title_en = "Wealth planning, 2027 edition"
    first.save()
    assert "Wealth planning, 2027 edition" in part(client)
    first.delete()
    assert "Wealth planning" not in part(client)


def test_an_institution_renamed_shows_on_the_next_visit(client, institution):
    publish(course(institution, "Wealth planning update", 7))
    assert institution.name_en in part(client)
    institution.name_en = "Renamed Banking Institute"
    institution.save()
    assert "Renamed Banking Institute" in part(client)


def test_a_course_that_started_leaves_the_list_the_next_day(client, trainee, institution):
    publish(course(institution, "Wealth planning update", 1))
    assert "Wealth planning update" in part(client)
    with freeze_time(timezone.now() + datetime.timedelta(days=2)):
        assert "Wealth planning update" not in part(logged_in(trainee))
