"""Hours owed: every worked figure of DOMAIN.md, "Training hours"."""

from decimal import Decimal

import pytest

from courses.models import Curriculum
from courses.selectors import hours_owed

pytestmark = pytest.mark.django_db


def curriculum(tier: str, track: str | None = None) -> Curriculum:
    return Curriculum.objects.select_related("tier", "track").get(tier__code=tier, track__code=track)


@pytest.mark.parametrize("track", ["corporate", "retail"])
def test_someone_who_completed_nothing_owes_the_whole_standard_plan(track):
    owed = hours_owed(curriculum("standard", track), [])
    assert (owed.teaching_days, owed.teaching_hours) == (Decimal(8), 64)
    assert (owed.exam_prep_days, owed.exam_prep_hours) == (Decimal(1), 8)


@pytest.mark.parametrize("track", ["corporate", "retail"])
def test_assistant_training_takes_its_hours_off_the_standard_plan(track):
    owed = hours_owed(curriculum("standard", track), [curriculum("assistant")])
    assert (owed.teaching_days, owed.teaching_hours) == (Decimal(6), 48)
    assert (owed.exam_prep_days, owed.exam_prep_hours) == (Decimal(1), 8)
    assert owed.credited_hours == 16


@pytest.mark.parametrize("track", ["corporate", "retail"])
def test_assistant_training_takes_its_hours_off_the_senior_plan(track):
    owed = hours_owed(curriculum("senior", track), [curriculum("assistant")])
    assert (owed.teaching_days, owed.teaching_hours) == (Decimal(10), 80)
    assert (owed.exam_prep_days, owed.exam_prep_hours) == (Decimal(1), 8)


@pytest.mark.parametrize("track", ["corporate", "retail"])
def test_standard_training_on_the_same_track_takes_its_hours_off_the_senior_plan(track):
    owed = hours_owed(curriculum("senior", track), [curriculum("standard", track)])
    assert (owed.teaching_days, owed.teaching_hours) == (Decimal(4), 32)
    assert (owed.exam_prep_days, owed.exam_prep_hours) == (Decimal(1), 8)


def test_credits_do_not_add_up_the_largest_applies():
    owed = hours_owed(curriculum("senior", "retail"), [curriculum("assistant"), curriculum("standard", "retail")])
    assert (owed.teaching_days, owed.teaching_hours) == (Decimal(4), 32)


def test_standard_training_on_the_other_track_credits_only_the_shared_assistant_hours():
    owed = hours_owed(curriculum("senior", "retail"), [curriculum("standard", "corporate")])
    assert (owed.teaching_days, owed.teaching_hours) == (Decimal(10), 80)


def test_exam_preparation_is_never_credited():
    for done in [curriculum("assistant"), curriculum("standard", "retail")]:
        assert hours_owed(curriculum("senior", "retail"), [done]).exam_prep_hours == 8


def test_training_at_the_same_or_a_higher_tier_earns_no_credit():
    owed = hours_owed(
        curriculum("standard", "retail"), [curriculum("standard", "corporate"), curriculum("senior", "retail")]
    )
    assert owed.teaching_hours == 64
    assert hours_owed(curriculum("assistant"), [curriculum("assistant")]).teaching_hours == 16
