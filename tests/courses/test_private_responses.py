"""A trainee's own pages are never kept by a shared cache (``Cache-Control: private``). The test walks every
address of training delivery (``training:``): each is checked here or named as one without personal data."""

import pytest
from django.urls import reverse
from django.utils import timezone

from courses import training_urls
from tests.conftest import logged_in
from tests.courses.test_training_pages import trainee_with_credit_in_training

pytestmark = pytest.mark.django_db

NOT_PERSONAL = {"enrol"}  # a POST that only redirects


def directives(response) -> set[str]:
    return {part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",") if part.strip()}


def test_every_page_of_the_trainees_own_is_private():
    trainee, enrolment = trainee_with_credit_in_training()
    client = logged_in(trainee)
    bad = {"enrolment": enrolment.pk, "studied_on": timezone.localdate().isoformat(), "hours": "99"}
    checked = {
        "dashboard": [client.get(reverse("training:dashboard"))],
        "log_self_study": [client.post(reverse("training:log_self_study"), bad)],
        "withdraw": [client.get(reverse("training:withdraw", args=[enrolment.pk]))],
        # They say which cohorts the trainee is already enrolled in.
        "cohorts": [client.get(reverse("training:cohorts"))],
        "cohort": [client.get(reverse("training:cohort", args=[enrolment.cohort.code]))],
    }
    for name, responses in checked.items():
        for response in responses:
            assert response.status_code in (200, 400), (name, response.status_code)
            assert "private" in directives(response), name
    every = {pattern.name for pattern in training_urls.urlpatterns}
    assert every == set(checked) | NOT_PERSONAL, "a new address: check its Cache-Control here"
