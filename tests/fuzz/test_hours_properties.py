"""Hours owed (courses/hours.py), for any catalog of plans and any trainings done — not only the
program's own figures, which tests/courses/test_hours.py checks one by one."""

from decimal import Decimal
from itertools import permutations

from hypothesis import given, settings
from hypothesis import strategies as st

from courses.hours import Plan, compute_hours_owed

TRACKS = [None, "corporate", "retail"]
TIER_LEVELS = st.integers(1, 4)


@st.composite
def plans(draw, tier_level=TIER_LEVELS):
    hours = draw(st.integers(0, 400))
    prep = draw(st.integers(0, 40))
    return Plan(
        tier_level=draw(tier_level),
        track=draw(st.sampled_from(TRACKS)),
        teaching_days=Decimal(hours) / 8,
        teaching_hours=hours,
        exam_prep_days=Decimal(prep) / 8,
        exam_prep_hours=prep,
    )


catalogs = st.lists(plans(), max_size=8)
PROPERTY = settings(max_examples=300, deadline=None, derandomize=True, database=None)


@PROPERTY
@given(target=plans(), done=st.lists(plans(), max_size=5), catalog=catalogs)
def test_owed_plus_credited_is_the_plan_and_nothing_is_negative(target, done, catalog):
    owed = compute_hours_owed(target, done, [target, *done, *catalog])
    assert 0 <= owed.credited_hours <= target.teaching_hours
    assert owed.teaching_hours >= 0 and owed.teaching_days >= 0
    assert owed.teaching_hours + owed.credited_hours == target.teaching_hours
    assert owed.teaching_days + owed.credited_days == target.teaching_days
    assert owed.total_hours == owed.teaching_hours + owed.exam_prep_hours


@PROPERTY
@given(target=plans(), done=st.lists(plans(), max_size=5), catalog=catalogs)
def test_exam_preparation_is_never_credited(target, done, catalog):
    owed = compute_hours_owed(target, done, [target, *done, *catalog])
    assert (owed.exam_prep_hours, owed.exam_prep_days) == (target.exam_prep_hours, target.exam_prep_days)


@PROPERTY
@given(target=plans(), done=st.lists(plans(), max_size=4), catalog=catalogs)
def test_credits_do_not_add_up_the_largest_single_credit_applies(target, done, catalog):
    everything = [target, *done, *catalog]
    owed = compute_hours_owed(target, done, everything)
    singles = [compute_hours_owed(target, [one], everything).credited_hours for one in done]
    assert owed.credited_hours == max(singles, default=0)


@PROPERTY
@given(target=plans(), done=st.lists(plans(), max_size=4), catalog=catalogs)
def test_the_order_trainings_were_done_in_does_not_matter(target, done, catalog):
    everything = [target, *done, *catalog]
    first = compute_hours_owed(target, done, everything)
    for order in permutations(done):
        assert compute_hours_owed(target, list(order), everything).credited_hours == first.credited_hours


@PROPERTY
@given(target=plans(), done=st.lists(plans(), max_size=4), more=plans(), catalog=catalogs)
def test_another_training_done_never_adds_hours(target, done, more, catalog):
    everything = [target, *done, more, *catalog]
    before = compute_hours_owed(target, done, everything)
    after = compute_hours_owed(target, [*done, more], everything)
    assert after.total_hours <= before.total_hours


@PROPERTY
@given(target=plans(), same_or_higher=plans(), catalog=catalogs)
def test_training_at_the_same_tier_or_higher_credits_nothing(target, same_or_higher, catalog):
    done = Plan(**{**same_or_higher.__dict__, "tier_level": target.tier_level + same_or_higher.tier_level % 2})
    owed = compute_hours_owed(target, [done], [target, done, *catalog])
    assert owed.credited_hours == 0
    assert owed.teaching_hours == target.teaching_hours


@PROPERTY
@given(target=plans(tier_level=st.integers(2, 4)), catalog=catalogs, data=st.data())
def test_a_lower_training_without_a_track_or_on_the_same_track_credits_its_whole_plan(target, catalog, data):
    done = data.draw(plans(tier_level=st.integers(1, target.tier_level - 1)))
    done = Plan(**{**done.__dict__, "track": data.draw(st.sampled_from([None, target.track]))})
    owed = compute_hours_owed(target, [done], [target, done, *catalog])
    assert owed.credited_hours == min(done.teaching_hours, target.teaching_hours)


@PROPERTY
@given(target=plans(tier_level=st.integers(3, 4)), catalog=catalogs, data=st.data())
def test_the_other_tracks_training_credits_only_a_shared_track_less_plan_below_it(target, catalog, data):
    other = "retail" if target.track == "corporate" else "corporate"
    done = data.draw(plans(tier_level=st.integers(2, target.tier_level - 1)))
    done = Plan(**{**done.__dict__, "track": other})
    everything = [target, done, *catalog]
    shared = [p.teaching_hours for p in everything if p.track is None and p.tier_level < done.tier_level]
    owed = compute_hours_owed(target, [done], everything)
    assert owed.credited_hours == min(max(shared, default=0), target.teaching_hours)
