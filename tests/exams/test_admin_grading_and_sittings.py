"""Institution staff in admin, in both languages: a final essay is read, not graded again (and a save that did
nothing never reads as a success); the queue opens on the waiting essays and grades them one after the other;
sittings are refused once each (a duplicate, a finished cohort, online with a place, the times, the place)
and deleted while nobody has started an attempt at them."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from courses.models import Cohort
from exams.models import Attempt, EssayAnswer, Sitting
from exams.services import attempts, grading
from tests.factories import UserFactory

from .conftest import approve, make_paper, open_sitting
from .test_bank_and_admin import sitting_form
from .test_grading import answer_all, submit

pytestmark = pytest.mark.django_db

LANGUAGES = ["zh-hant", "en"]
CHANGED = {"zh-hant": "修改成功", "en": "was changed successfully"}


def url(name: str, language: str, *args) -> str:
    with translation.override(language):
        return reverse(name, args=args)


def messages_of(page: str) -> str:
    return page.split('class="messagelist"')[1].split("</ul>", maxsplit=1)[0] if 'class="messagelist"' in page else ""


@pytest.fixture
def essays(world, django_capture_on_commit_callbacks):
    """Two submitted attempts of Alice's cohort's trainees at a paper with an essay, both waiting."""
    paper = make_paper(world.cohort.curriculum.entries.select_related("course")[1].course, essay=True)
    sitting = open_sitting(paper, world.cohort)
    done = []
    other = UserFactory()
    approve(other, world.cohort)
    for trainee in (world.alice, other):
        attempt = attempts.do_start_attempt(trainee=trainee, sitting=sitting)
        answer_all(attempt, right=True)
        submit(attempt, django_capture_on_commit_callbacks)
        done.append(EssayAnswer.objects.get(attempt=attempt))
    return done


# --- 1. a final result's essay -----------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_final_essay_is_read_only_and_a_stale_save_is_no_success(
    essays, grader_a, language, django_capture_on_commit_callbacks
):
    essay = essays[0]
    with django_capture_on_commit_callbacks(execute=True):
        grading.do_grade_essay(item_id=essay.pk, grader=grader_a.user, score=Decimal("7.5"))
    assert Attempt.objects.get(pk=essay.attempt_id).state == Attempt.State.GRADED
    change = url("admin:exams_essayanswer_change", language, essay.pk)
    page = grader_a.get(change).content.decode()
    assert 'name="score"' not in page and 'name="_save"' not in page and 'name="_gradenext"' not in page
    assert 'id="essay-final"' in page
    if language == "en":
        assert "no re-grading of a published result" in page and "report it to the program office" in page
    # A page opened before the result became final, saved now: nothing changes, no success is said.
    response = grader_a.post(change, {"score": "8", "grader_note": ""}, follow=True)
    shown = messages_of(response.content.decode())
    assert CHANGED[language] not in shown
    assert 'id="essay-final"' in response.content.decode()
    assert EssayAnswer.objects.get(pk=essay.pk).score == Decimal("7.50")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_refused_score_stays_on_the_form_with_what_was_typed(essays, grader_a, language):
    essay = essays[0]
    response = grader_a.post(url("admin:exams_essayanswer_change", language, essay.pk), {"score": "11"})
    page = response.content.decode()
    assert response.status_code == 200 and 'value="11"' in page
    expected = {"zh-hant": "分數須介於 0 至 10。", "en": "The score must be from 0 to 10."}[language]
    assert page.count(expected) == 1 and CHANGED[language] not in page
    assert EssayAnswer.objects.get(pk=essay.pk).score is None


def test_a_grade_refused_after_the_form_checked_it_is_not_a_success(essays, grader_a, monkeypatch):
    """The result became final between the form's check and the service's lock."""
    essay = essays[0]

    def refuse(**kwargs):
        raise grading.ExamError("final", "The result of this attempt is final.")

    monkeypatch.setattr(grading, "do_grade_essay", refuse)
    response = grader_a.post(url("admin:exams_essayanswer_change", "en", essay.pk), {"score": "5"}, follow=True)
    shown = messages_of(response.content.decode())
    assert "The result of this attempt is final." in shown and CHANGED["en"] not in shown


# --- 4. the queue: waiting first, then the next one ----------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_queue_opens_on_the_waiting_essays_and_all_is_a_click_away(
    essays, grader_a, language, django_capture_on_commit_callbacks
):
    graded, waiting = essays
    with django_capture_on_commit_callbacks(execute=True):
        grading.do_grade_essay(item_id=graded.pk, grader=grader_a.user, score=Decimal(5))
    changelist = url("admin:exams_essayanswer_changelist", language)
    link = url("admin:exams_essayanswer_change", language, graded.pk)
    page = grader_a.get(changelist).content.decode()
    assert url("admin:exams_essayanswer_change", language, waiting.pk) in page and link not in page
    assert "?graded=all" in page
    assert link in grader_a.get(changelist + "?graded=all").content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_save_and_grade_next_opens_the_next_waiting_essay_of_the_own_institution(
    essays, world, grader_a, grader_b, language, django_capture_on_commit_callbacks
):
    first, second = essays
    # Another institution's waiting essay is never "next" for grader A.
    paper = first.attempt.paper
    theirs = attempts.do_start_attempt(trainee=world.bob, sitting=open_sitting(paper, world.other_cohort))
    submit(theirs, django_capture_on_commit_callbacks)
    Attempt.objects.filter(pk=theirs.pk).update(submitted_at=timezone.now() - datetime.timedelta(days=9))
    change = url("admin:exams_essayanswer_change", language, first.pk)
    assert 'name="_gradenext"' in grader_a.get(change).content.decode()
    response = grader_a.post(change, {"score": "6", "grader_note": "", "_gradenext": "1"})
    assert response.status_code == 302
    assert response["Location"].startswith(url("admin:exams_essayanswer_change", language, second.pk))
    assert EssayAnswer.objects.get(pk=first.pk).score == 6
    last = grader_a.post(
        url("admin:exams_essayanswer_change", language, second.pk), {"score": "4", "_gradenext": "1"}, follow=True
    )
    assert EssayAnswer.objects.get(pk=second.pk).score == 4
    assert last.redirect_chain[-1][0].startswith(url("admin:exams_essayanswer_changelist", language))


# --- 2 and 3. sittings -----------------------------------------------------------------------------------------


def errors_of(page: str) -> list[str]:
    return [part.split("</li>")[0] for part in page.split('class="errorlist')[1:] for part in part.split("<li>")[1:]]


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_exact_duplicate_sitting_is_refused_once(world, admin_a, language):
    form = sitting_form(world, world.cohort)
    add = url("admin:exams_sitting_add", language)
    assert admin_a.post(add, form).status_code == 302
    count = Sitting.objects.count()
    response = admin_a.post(add, form)
    assert response.status_code == 200 and Sitting.objects.count() == count
    assert len(errors_of(response.content.decode())) == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_sitting_for_a_finished_cohort(world, admin_a, language):
    Cohort.objects.filter(pk=world.cohort.pk).update(status=Cohort.Status.FINISHED)
    count = Sitting.objects.count()
    response = admin_a.post(url("admin:exams_sitting_add", language), sitting_form(world, world.cohort))
    assert response.status_code == 200 and Sitting.objects.count() == count
    assert len(errors_of(response.content.decode())) == 1 and world.cohort.code in response.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("changes", "zh"),
    [
        ({"closes_at_0": "2000-01-01"}, "考場場次的結束時間必須晚於開始時間。"),
        ({"place": ""}, "請填寫考試地點，或將場次設為線上考試。"),
        ({"is_online": "on"}, None),  # online, with the place of the form: an online sitting has no place
    ],
)
def test_each_problem_of_a_sitting_is_said_once(world, admin_a, language, changes, zh):
    count = Sitting.objects.count()
    response = admin_a.post(url("admin:exams_sitting_add", language), sitting_form(world, world.cohort) | changes)
    page = response.content.decode()
    assert response.status_code == 200 and Sitting.objects.count() == count
    assert len(errors_of(page)) == 1, errors_of(page)
    if zh and language == "zh-hant":
        assert zh in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_online_sitting_without_a_place_is_scheduled(world, admin_a, language):
    form = sitting_form(world, world.cohort, is_online="on", place="")
    assert admin_a.post(url("admin:exams_sitting_add", language), form).status_code == 302
    assert Sitting.objects.filter(cohort=world.cohort, is_online=True, place="").count() == 1


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_delete_a_sitting_nobody_has_started(world, admin_a, language):
    form = sitting_form(world, world.cohort, place="誤植")
    assert admin_a.post(url("admin:exams_sitting_add", language), form).status_code == 302
    mistake = Sitting.objects.get(place="誤植")
    delete = url("admin:exams_sitting_delete", language, mistake.pk)
    assert admin_a.get(delete).status_code == 200
    assert admin_a.post(delete, {"post": "yes"}).status_code == 302
    assert not Sitting.objects.filter(pk=mistake.pk).exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_sitting_with_attempts_stays_and_the_delete_page_says_why(world, admin_a, language):
    attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    delete = url("admin:exams_sitting_delete", language, world.sitting.pk)
    page = admin_a.get(delete).content.decode()
    assert 'name="post"' not in page
    assert 'id="deleted-objects"' in page and world.cohort.code in page
    if language == "en":
        assert "has 1 attempt; it cannot be deleted." in page
    admin_a.post(delete, {"post": "yes"})
    assert Sitting.objects.filter(pk=world.sitting.pk).exists()


def test_the_service_refuses_a_duplicate_and_a_sitting_with_attempts(world, institution_admin):
    sitting = world.sitting
    with pytest.raises(grading.ExamError) as refused:
        attempts.do_schedule_sitting(
            by=institution_admin, cohort=world.cohort, paper=world.paper, opens_at=sitting.opens_at,
            closes_at=sitting.closes_at, place="臺北市",
        )  # fmt: skip
    assert refused.value.code == "duplicate"
    attempts.do_start_attempt(trainee=world.alice, sitting=sitting)
    with pytest.raises(grading.ExamError) as refused:
        attempts.do_delete_sitting(sitting=sitting)
    assert refused.value.code == "has_attempts"


def test_a_started_sitting_keeps_its_paper_and_cohort_and_its_times_can_still_change(world, admin_a):
    attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    other_cohort = Cohort.objects.filter(institution=world.cohort.institution).exclude(pk=world.cohort.pk).first()
    change = url("admin:exams_sitting_change", "en", world.sitting.pk)
    page = admin_a.get(change).content.decode()
    assert 'name="paper"' not in page and 'name="cohort"' not in page
    later = timezone.localtime(world.sitting.closes_at) + datetime.timedelta(days=1)
    form = sitting_form(world, other_cohort or world.cohort) | {
        "opens_at_0": timezone.localtime(world.sitting.opens_at).strftime("%Y-%m-%d"),
        "opens_at_1": timezone.localtime(world.sitting.opens_at).strftime("%H:%M:%S"),
        "closes_at_0": later.strftime("%Y-%m-%d"), "closes_at_1": later.strftime("%H:%M:%S"),
    }  # fmt: skip
    response = admin_a.post(change, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    world.sitting.refresh_from_db()
    assert world.sitting.cohort == world.cohort and world.sitting.paper == world.paper
    assert world.sitting.closes_at == later.replace(microsecond=0)
