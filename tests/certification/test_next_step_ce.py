"""The dashboard's next step after a completed tier lists the continuing-education courses open to
enrol (certification fills courses' NEXT_STEP_PARTS), and nothing of them before."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from certification import services
from certification.models import CECourse
from courses.models import PriorLearning
from tests.conftest import in_english, logged_in
from tests.factories import UserFactory, curriculum_of

pytestmark = pytest.mark.django_db


def published(institution, title_en: str, starts_in: int) -> CECourse:
    starts_on = timezone.localdate() + datetime.timedelta(days=starts_in)
    course = CECourse.objects.create(
        institution=institution, title_zh=title_en, title_en=title_en, hours=Decimal(6),
        starts_on=starts_on, ends_on=starts_on, capacity=10,
    )  # fmt: skip
    return services.do_publish_ce_course(course=course, today=min(timezone.localdate(), starts_on))


def test_the_next_step_lists_continuing_education_courses_not_started(institution):
    published(institution, "Wealth planning update", 7)
    trainee = in_english(UserFactory())
    client = logged_in(trainee)
    assert "Wealth planning update" not in client.get("/en/dashboard/").content.decode()
    PriorLearning.objects.create(
        trainee=trainee, curriculum=curriculum_of("assistant"), completed_on=timezone.localdate()
    )
    page = client.get("/en/dashboard/").content.decode()
    assert 'id="next-step-ce"' in page and "Wealth planning update" in page
    assert "/en/continuing-education/" in page
