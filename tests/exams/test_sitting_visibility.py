"""A sitting the trainee cannot see (another institution's or cohort's) is, at its start page, a sitting that does not
exist, for every method: the same 404 as an id no sitting has, nothing started, no message kept for the next page. A
POST that answered "you are not eligible", or a GET that opened the trainee's own attempt at the same paper, told
them it existed. A sitting they have sat stays theirs to read."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from courses.models import Enrolment
from exams.models import Attempt, Sitting
from exams.services import attempts

from .conftest import login

pytestmark = pytest.mark.django_db

METHODS = ["get", "post", "put", "delete", "head", "options"]


def start_url(sitting_id: int, language: str = "en") -> str:
    with translation.override(language):
        return reverse("exams:start", args=[sitting_id])


def missing_id() -> int:
    return (Sitting.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1000


def answer(client, method: str, url: str) -> tuple[int, list[str]]:
    response = getattr(client, method)(url)
    follow = client.get(reverse("exams:home"))
    return response.status_code, [str(message) for message in follow.context["messages"]]


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("language", ["zh-hant", "en"])
def test_another_institutions_sitting_answers_as_one_that_does_not_exist(world, method, language):
    bob = login(world.bob)
    theirs = answer(bob, method, start_url(world.sitting.pk, language))
    none = answer(bob, method, start_url(missing_id(), language))
    assert theirs == none
    assert theirs[0] in (404, 405) and theirs[1] == []
    assert not Attempt.objects.filter(trainee=world.bob).exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_open_attempt_at_the_same_paper_does_not_reveal_another_cohorts_sitting(world, method):
    """Bob's own sitting is of the same paper as inst-a's: his running attempt is no reason to answer for theirs."""
    running = attempts.do_start_attempt(trainee=world.bob, sitting=world.other_sitting)
    assert world.other_sitting.paper_id == world.sitting.paper_id
    bob = login(world.bob)
    assert getattr(bob, method)(start_url(world.sitting.pk)).status_code == 404
    assert getattr(bob, method)(start_url(missing_id())).status_code == 404
    # His own sitting resumes the attempt, as before.
    response = getattr(bob, method)(start_url(world.other_sitting.pk))
    assert response.status_code == 302 and response["Location"].endswith(f"/exams/attempts/{running.pk}/")


def test_the_trainees_own_sitting_still_starts(world):
    alice = login(world.alice)
    assert alice.get(start_url(world.sitting.pk)).status_code == 200
    response = alice.post(start_url(world.sitting.pk))
    attempt = Attempt.objects.get(trainee=world.alice)
    assert response.status_code == 302 and response["Location"].endswith(f"/exams/attempts/{attempt.pk}/")


def test_a_sitting_sat_before_the_enrolment_ended_says_why_it_cannot_be_started(
    world, django_capture_on_commit_callbacks
):
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    with django_capture_on_commit_callbacks(execute=True):
        attempts.do_submit_attempt(attempt_id=attempt.pk)
    Enrolment.objects.filter(trainee=world.alice).update(state=Enrolment.State.WITHDRAWN)
    alice = login(world.alice)
    page = alice.get(start_url(world.sitting.pk))
    assert page.status_code == 200
    assert 'id="start-refused"' in page.content.decode() and "You are not eligible" in page.content.decode()
    assert 'id="confirm-start"' not in page.content.decode()
    response = alice.post(start_url(world.sitting.pk), follow=True)
    assert "You are not eligible" in response.content.decode()
    assert Attempt.objects.filter(trainee=world.alice).count() == 1
