"""What the courses tests share beyond the cast (tests/conftest.py: alice, bob, office): the cohort admin's form."""

from django.utils import timezone

from tests.factories import curriculum_of


def new_cohort_form(code: str) -> dict:
    """The cohort admin's add form, filled in for an assistant-tier cohort coded ``code``."""
    now = timezone.localtime()
    return {
        "curriculum": curriculum_of("assistant").pk,
        "code": code,
        "offers_face_to_face": "on",
        "starts_on": "2027-03-01",
        "ends_on": "2027-03-03",
        "city": "TPE",
        "capacity": 30,
        "enrolment_opens_at_0": now.date().isoformat(),
        "enrolment_opens_at_1": "09:00:00",
        "enrolment_closes_at_0": "2027-02-20",
        "enrolment_closes_at_1": "17:00:00",
    }
