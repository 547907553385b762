import pytest

import accounts.demo
import certification.demo
import courses.demo
import exams.demo
from certification.models import Certificate
from certification.numbers import is_valid_number

pytestmark = pytest.mark.django_db


def test_the_demo_gives_trainee06_one_valid_certificate_and_runs_twice():
    accounts.demo.load()
    courses.demo.load(sit_exams=exams.demo.pass_the_exams)  # as load_demo: the exams that earn it
    certification.demo.load()
    certification.demo.load()
    certificate = Certificate.objects.get(trainee__email="trainee06@demo.test")
    assert certificate.trainee.email == "trainee06@demo.test" and certificate.tier.code == "assistant"
    assert is_valid_number(certificate.number) and certificate.status == "active"
