"""A sitting's window lasts at least its paper's time limit: a BCM-101 sitting of 09:00–09:30 for an exam of 60
minutes would give every candidate at most 30 minutes, which trainees would learn only on the start page. The
service refuses it (admin, and any other caller), naming both lengths in the reader's language; a sitting stored
before the rule is left as it is until its window changes; and a paper's time limit is not raised above the window
of a sitting of it still to come."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from exams.models import ExamPaper, Sitting
from exams.services import ExamError, attempts

from .conftest import open_sitting

pytestmark = pytest.mark.django_db

MESSAGE = (
    "This sitting is open for {window} minutes, less than the exam's time limit of {limit} minutes: every candidate "
    "would have at most {window} minutes. Let it close at least {limit} minutes after it opens."
)


def said(language: str, window: int, limit: int) -> str:
    """The refusal in ``language``: the words above in English, their translation in Traditional Chinese (the
    catalog's, whatever its wording), both lengths in it."""
    with translation.override(language):
        text = translation.gettext(MESSAGE.replace("{window}", "%(window)s").replace("{limit}", "%(limit)s"))
    return text % {"window": window, "limit": limit}


def url(name: str, language: str, *args: Any) -> str:
    with translation.override(language):
        return reverse(name, args=args)


def nine_o_clock(days: int = 3) -> datetime.datetime:
    return timezone.make_aware(
        datetime.datetime.combine(timezone.localdate() + datetime.timedelta(days=days), datetime.time(9))
    )


def sitting_form(world, opens: datetime.datetime, closes: datetime.datetime, **changes: Any) -> dict[str, Any]:
    opens, closes = timezone.localtime(opens), timezone.localtime(closes)
    return {
        "paper": world.paper.pk, "cohort": world.cohort.pk, "opens_at_0": opens.strftime("%Y-%m-%d"),
        "opens_at_1": opens.strftime("%H:%M:%S"), "closes_at_0": closes.strftime("%Y-%m-%d"),
        "closes_at_1": closes.strftime("%H:%M:%S"), "place": "臺北市",
    } | changes  # fmt: skip


def schedule(world, by, minutes: int) -> Sitting:
    opens = nine_o_clock()
    return attempts.do_schedule_sitting(
        by=by, cohort=world.cohort, paper=world.paper, opens_at=opens,
        closes_at=opens + datetime.timedelta(minutes=minutes), place="臺北市",
    )  # fmt: skip


# --- scheduling ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_the_service_refuses_a_window_shorter_than_the_exam_naming_both_lengths(world, office, language):
    assert world.paper.time_limit_minutes == 60
    before = Sitting.objects.count()
    with translation.override(language), pytest.raises(ExamError) as refused:
        schedule(world, office.user, 30)
    assert (refused.value.code, refused.value.field) == ("short_window", "closes_at")
    assert str(refused.value) == said(language, 30, 60)
    assert said("en", 30, 60) == MESSAGE.format(window=30, limit=60)
    assert Sitting.objects.count() == before


def test_a_window_as_long_as_the_exam_is_scheduled(world, office):
    sitting = schedule(world, office.user, 60)
    assert sitting.closes_at - sitting.opens_at == datetime.timedelta(minutes=60)


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_admin_refuses_the_probes_sitting_of_nine_to_half_past_nine(world, admin_a, language):
    opens = nine_o_clock()
    before = Sitting.objects.count()
    form = sitting_form(world, opens, opens + datetime.timedelta(minutes=30))
    response = admin_a.post(url("admin:exams_sitting_add", language), form)
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert errors["closes_at"] == [said(language, 30, 60)]
    assert Sitting.objects.count() == before


def test_admin_schedules_a_window_of_the_exams_length(world, admin_a):
    opens = nine_o_clock()
    response = admin_a.post(
        url("admin:exams_sitting_add", "en"), sitting_form(world, opens, opens + datetime.timedelta(minutes=60))
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert Sitting.objects.filter(opens_at=opens, cohort=world.cohort).exists()


# --- sittings stored before the rule ---------------------------------------------------------------------------


@pytest.fixture
def short_sitting(world) -> Sitting:
    """A sitting of 30 minutes for the 60-minute exam, stored before the rule."""
    opens = nine_o_clock()
    return open_sitting(world.paper, world.cohort, opens_at=opens, closes_at=opens + datetime.timedelta(minutes=30))


def test_a_short_sitting_stored_before_the_rule_stays_and_its_place_may_change(world, admin_a, short_sitting):
    form = sitting_form(world, short_sitting.opens_at, short_sitting.closes_at, place="高雄市")
    response = admin_a.post(url("admin:exams_sitting_change", "en", short_sitting.pk), form)
    assert response.status_code == 302, response.content.decode()[:3000]
    short_sitting.refresh_from_db()
    assert short_sitting.place == "高雄市"
    assert short_sitting.closes_at - short_sitting.opens_at == datetime.timedelta(minutes=30)


def test_a_short_sittings_window_changed_is_held_to_the_rule(world, admin_a, short_sitting):
    closes = short_sitting.opens_at + datetime.timedelta(minutes=45)
    form = sitting_form(world, short_sitting.opens_at, closes)
    response = admin_a.post(url("admin:exams_sitting_change", "en", short_sitting.pk), form)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["closes_at"] == [said("en", 45, 60)]
    lengthened = sitting_form(world, short_sitting.opens_at, short_sitting.opens_at + datetime.timedelta(hours=1))
    assert admin_a.post(url("admin:exams_sitting_change", "en", short_sitting.pk), lengthened).status_code == 302


# --- the paper's time limit ------------------------------------------------------------------------------------


def paper_post(client, paper: ExamPaper, **changes: Any):
    """The paper's admin page posted back as it is shown, with ``changes``."""
    page = client.get(url("admin:exams_exampaper_change", "en", paper.pk))
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data |= {formset.management_form.add_prefix(n): v for n, v in formset.management_form.initial.items()}
        for row in formset.forms:
            data |= {row.add_prefix(name): row[name].value() for name in row.fields}
    data |= changes
    posted = {name: value for name, value in data.items() if value is not None and value is not False}
    return client.post(url("admin:exams_exampaper_change", "en", paper.pk), posted)


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_a_papers_time_limit_is_not_raised_above_a_coming_sittings_window(world, office, language):
    coming = schedule(world, office.user, 90)
    with translation.override(language), pytest.raises(ExamError) as refused:
        attempts.check_paper_time_limit(paper=world.paper, time_limit_minutes=120)
    assert (refused.value.code, refused.value.field) == ("short_window", "time_limit_minutes")
    text = str(refused.value)
    with translation.override(language):
        assert str(coming) in text  # the sitting, as admin names it
    assert "90" in text and "120" in text
    if language == "en":
        assert "(90 minutes)" in text and "less than 120 minutes" in text
    attempts.check_paper_time_limit(paper=world.paper, time_limit_minutes=90)  # as long as the window: fine


def test_admin_refuses_raising_the_time_limit_above_a_coming_sittings_window(world, office):
    schedule(world, office.user, 90)
    response = paper_post(office, world.paper, time_limit_minutes=120)
    assert response.status_code == 200
    [message] = response.context["adminform"].form.errors["time_limit_minutes"]
    assert "90 minutes" in message and "120 minutes" in message
    world.paper.refresh_from_db()
    assert world.paper.time_limit_minutes == 60
    assert paper_post(office, world.paper, time_limit_minutes=90).status_code == 302
    world.paper.refresh_from_db()
    assert world.paper.time_limit_minutes == 90


def test_a_closed_sitting_does_not_hold_the_time_limit_back(world, office):
    """A sitting already over keeps its attempts as they were: the limit of later ones may rise."""
    now = timezone.now()
    Sitting.objects.filter(paper=world.paper).update(closes_at=now - datetime.timedelta(minutes=1))
    open_sitting(world.paper, world.cohort, opens_at=now - datetime.timedelta(days=2),
                 closes_at=now - datetime.timedelta(days=2) + datetime.timedelta(minutes=30))  # fmt: skip
    attempts.check_paper_time_limit(paper=world.paper, time_limit_minutes=120)
    assert paper_post(office, world.paper, time_limit_minutes=120).status_code == 302


def test_other_changes_to_a_paper_are_not_held_to_a_short_sitting_stored_before(world, office, short_sitting):
    assert paper_post(office, world.paper, pass_mark=70).status_code == 302
    world.paper.refresh_from_db()
    assert world.paper.pass_mark == 70
