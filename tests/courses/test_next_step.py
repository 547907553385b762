"""Extended learning (延伸學習方案, issue 22, item 5): once a trainee completed a tier's training, the
dashboard proposes the next tier, with what their training is credited there and the cohorts open."""

import datetime

import pytest
from django.utils import timezone

from courses import selectors, services
from courses.models import PriorLearning
from tests.conftest import in_english, logged_in
from tests.factories import CohortFactory, UserFactory, curriculum_of
from tests.page_text import text_of

pytestmark = pytest.mark.django_db


def completed(trainee, tier: str, track: str | None = None) -> None:
    PriorLearning.objects.create(
        trainee=trainee,
        curriculum=curriculum_of(tier, track),
        completed_on=timezone.localdate() - datetime.timedelta(days=30),
    )


def test_nothing_is_proposed_before_a_tier_is_completed(institution):
    trainee = in_english(UserFactory())
    services.do_enrol(trainee=trainee, cohort=CohortFactory(institution=institution))
    assert selectors.next_step(trainee) is None
    assert 'id="next-step"' not in logged_in(trainee).get("/en/dashboard/").content.decode()


def test_after_the_assistant_tier_the_standard_tier_is_proposed_with_its_credit_and_cohorts(
    institution, django_assert_max_num_queries
):
    trainee = in_english(UserFactory())
    completed(trainee, "assistant")
    CohortFactory(institution=institution, curriculum=curriculum_of("standard", "retail"))
    CohortFactory(institution=institution, curriculum=curriculum_of("standard", "retail"))
    step = selectors.next_step(trainee)
    assert step is not None and step.tier.code == "standard"
    options = {o.curriculum.track.code: o for o in step.options}
    assert set(options) == {"corporate", "retail"}
    assert (options["retail"].open_cohorts, options["corporate"].open_cohorts) == (2, 0)
    # The assistant training is credited in full on either track (courses.hours).
    assistant = curriculum_of("assistant")
    assert options["retail"].owed.credited_hours == assistant.teaching_hours > 0
    client = logged_in(trainee)
    with django_assert_max_num_queries(40):
        page = client.get("/en/dashboard/").content.decode()
    assert 'id="next-step"' in page and "Your next step" in page
    assert "2 cohorts open" in text_of(page) and "none open now" in page
    assert "/en/cohorts/?tier=standard&amp;track=retail" in page


def test_after_the_highest_tier_continuing_education_is_what_follows(db):
    trainee = UserFactory()
    completed(trainee, "senior", "retail")
    step = selectors.next_step(trainee)
    assert step is not None and step.tier is None and step.options == []


def test_nothing_is_proposed_once_the_next_tier_is_under_way(institution):
    trainee = UserFactory()
    completed(trainee, "assistant")
    services.do_enrol(trainee=trainee, cohort=CohortFactory(institution=institution))  # standard retail, pending
    assert selectors.next_step(trainee) is None
