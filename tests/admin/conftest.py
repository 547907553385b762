import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from certification import services as ce
from certification.models import CECourse
from tests.factories import CertificateFactory, UserFactory


@pytest.fixture
def ce_course(institution):
    """A continuing-education course of inst-a, two holders enrolled: its page lists them, each with a link."""
    starts_on = timezone.localdate() + datetime.timedelta(days=7)
    course = CECourse.objects.create(
        institution=institution, title_zh="業務風險防範", title_en="Risk prevention", hours=Decimal(6),
        starts_on=starts_on, ends_on=starts_on, capacity=10,
    )  # fmt: skip
    ce.do_publish_ce_course(course=course, today=timezone.localdate())
    for name in ("王小明", "李小華"):
        ce.do_enrol_ce(holder=CertificateFactory(trainee=UserFactory(display_name=name)).trainee, course=course)
    return course
