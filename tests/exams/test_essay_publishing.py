"""The score of an attempt's last waiting essay publishes its result for good. The grading page says so by the save
buttons before anything is saved (only on that essay), a save that published says so whichever button was pressed
(never Django's "you may edit it again below" above the page's "can no longer be changed"), and a page opened while
another essay still waited never publishes unannounced: the save is refused, the page shown again says it
publishes, and the next save does. In both languages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext

from accounts.models import StaffMembership
from exams.models import Attempt, CourseResult, EssayAnswer, QuestionType
from exams.services import ExamError, attempts, grading
from tests.conftest import make_staff

from .conftest import make_paper, open_sitting
from .test_grading import answer_all, submit

pytestmark = pytest.mark.django_db

LANGUAGES = ["zh-hant", "en"]
# The page's words, in the language asked (as the catalogue has them).
PUBLISHED = (
    "The score of “%(essay)s” is saved, and with it the attempt's result is published: the trainee is told by "
    "e-mail. The result is final: its scores can no longer be changed."
)
WARNING = (
    "This is the attempt's last essay waiting for a score. Saving its score, whichever save button you press, "
    "publishes the attempt's result to the trainee, who is told by e-mail, and the result is then final: none of its "
    "scores can be changed afterwards, and the portal has no re-grading."
)
REFUSED = (
    "Since this page was opened, the attempt's other essays have been scored: this is now its last essay waiting for "
    "a score, so saving publishes the result to the trainee, for good. Nothing was saved: check the score and save "
    "again to publish the result."
)
# Django's "The … was changed successfully. You may edit it again below." (zh-Hant as the project's catalogue says it)
EDIT_AGAIN = {"zh-hant": "再次編輯", "en": "You may edit it again below"}
CHANGED = {"zh-hant": "已成功修改", "en": "was changed successfully"}


def said(language: str, msgid: str, **values: object) -> str:
    """``msgid`` in ``language``, as a message writes it (escaped)."""
    with translation.override(language):
        text = gettext(msgid)
        return escape(text % {k: str(v) for k, v in values.items()} if values else text)


def warned(language: str) -> str:
    """The warning by the save buttons, as the template writes it (``{% translate %}``, not escaped)."""
    with translation.override(language):
        return gettext(WARNING)


def url(name: str, language: str, *args) -> str:
    with translation.override(language):
        return reverse(name, args=args)


def messages_of(page: str) -> str:
    return page.split('class="messagelist"')[1].split("</ul>", maxsplit=1)[0] if 'class="messagelist"' in page else ""


def success_messages(page: str) -> list[str]:
    return [part.split("</li>")[0] for part in page.split('<li class="success">')[1:]]


@pytest.fixture
def two_essays(world, django_capture_on_commit_callbacks) -> list[EssayAnswer]:
    """Alice's submitted attempt at a paper of two essays (besides its objective questions), both waiting."""
    paper = make_paper(world.cohort.curriculum.entries.select_related("course")[1].course, essay=True, per_row=2)
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=open_sitting(paper, world.cohort))
    answer_all(attempt, right=True)
    submit(attempt, django_capture_on_commit_callbacks)
    essays = list(
        EssayAnswer.objects.filter(attempt=attempt, question__question_type=QuestionType.ESSAY).order_by("position")
    )
    assert len(essays) == 2 and Attempt.objects.get(pk=attempt.pk).state == Attempt.State.GRADING
    return essays


@pytest.fixture
def grader_a_colleague(world):
    """Another grader of inst-a, scoring the same attempt's essays."""
    return make_staff(world.inst_a, StaffMembership.Role.GRADER)


def published(essay: EssayAnswer) -> bool:
    return CourseResult.objects.get(attempt_id=essay.attempt_id).published_at is not None


@pytest.mark.parametrize("language", LANGUAGES)
def test_only_the_last_waiting_essay_says_by_the_buttons_that_saving_publishes(two_essays, grader_a, language):
    first, last = two_essays
    page = grader_a.get(url("admin:exams_essayanswer_change", language, first.pk)).content.decode()
    assert 'id="essay-publishes"' not in page and warned(language) not in page
    assert '<input type="hidden" name="_publishes" value="0">' in page
    grading.do_grade_essay(item_id=first.pk, grader=grader_a.user, score=Decimal(5))
    page = grader_a.get(url("admin:exams_essayanswer_change", language, last.pk)).content.decode()
    warning = page.index('id="essay-publishes"')
    assert warned(language) in page and '<input type="hidden" name="_publishes" value="1">' in page
    assert warning < page.index('name="_save"'), "said next to the save buttons"
    # The essay already scored is not the one that publishes: changing it publishes nothing.
    page = grader_a.get(url("admin:exams_essayanswer_change", language, first.pk)).content.decode()
    assert 'id="essay-publishes"' not in page and 'name="_publishes" value="0"' in page


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("button", ["_save", "_continue", "_gradenext"])
def test_a_save_that_published_says_so_whichever_button_was_pressed(
    two_essays, grader_a, language, button, django_capture_on_commit_callbacks
):
    first, last = two_essays
    grading.do_grade_essay(item_id=first.pk, grader=grader_a.user, score=Decimal(5))
    change = url("admin:exams_essayanswer_change", language, last.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = grader_a.post(change, {"score": "6", "grader_note": "", "_publishes": "1", button: "1"}, follow=True)
    assert published(last) and EssayAnswer.objects.get(pk=last.pk).score == 6
    page = response.content.decode()
    (said_once,) = success_messages(page)
    assert said_once == said(language, PUBLISHED, essay=EssayAnswer.objects.get(pk=last.pk))
    assert EDIT_AGAIN[language] not in messages_of(page) and CHANGED[language] not in messages_of(page)
    landed = response.redirect_chain[-1][0]
    if button == "_continue":  # the essay's own page, to be read only now, saying the same
        assert landed.startswith(change) and 'name="score"' not in page and 'id="essay-final"' in page
    else:  # the queue: no other essay waits
        assert landed.startswith(url("admin:exams_essayanswer_changelist", language))


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_save_that_publishes_nothing_still_reads_as_django_says_it(two_essays, grader_a, language):
    first, _last = two_essays
    change = url("admin:exams_essayanswer_change", language, first.pk)
    response = grader_a.post(
        change, {"score": "5", "grader_note": "", "_publishes": "0", "_continue": "1"}, follow=True
    )
    shown = messages_of(response.content.decode())
    assert EDIT_AGAIN[language] in shown and "published" not in shown and len(success_messages(shown)) == 1
    assert not published(first) and 'name="score"' in response.content.decode()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_page_that_did_not_say_it_publishes_never_publishes(
    two_essays, grader_a, grader_a_colleague, language, django_capture_on_commit_callbacks
):
    """Opened while the other essay waited; another grader scored that one meanwhile."""
    first, last = two_essays
    change = url("admin:exams_essayanswer_change", language, last.pk)
    assert 'name="_publishes" value="0"' in grader_a.get(change).content.decode()
    grading.do_grade_essay(item_id=first.pk, grader=grader_a_colleague, score=Decimal(5))
    response = grader_a.post(change, {"score": "6", "grader_note": "", "_publishes": "0", "_save": "1"})
    page = response.content.decode()
    assert response.status_code == 200 and said(language, REFUSED) in page and 'value="6"' in page
    assert EssayAnswer.objects.get(pk=last.pk).score is None and not published(last)
    # The page shown again says that saving publishes, and its next save does.
    assert warned(language) in page and 'name="_publishes" value="1"' in page
    with django_capture_on_commit_callbacks(execute=True):
        response = grader_a.post(change, {"score": "6", "grader_note": "", "_publishes": "1", "_save": "1"})
    assert response.status_code == 302 and published(last)


def test_the_service_decides_under_the_lock_whether_the_score_publishes(
    two_essays, grader_a, django_capture_on_commit_callbacks
):
    first, last = two_essays
    assert not grading.grade_publishes(last)
    grading.do_grade_essay(item_id=first.pk, grader=grader_a.user, score=Decimal(5))
    last = EssayAnswer.objects.select_related("attempt").get(pk=last.pk)
    assert grading.grade_publishes(last)
    with pytest.raises(ExamError) as refused:
        grading.do_grade_essay(item_id=last.pk, grader=grader_a.user, score=Decimal(6), publishing_foretold=False)
    assert refused.value.code == "publishes" and not published(last)
    with django_capture_on_commit_callbacks(execute=True):
        saved = grading.do_grade_essay(
            item_id=last.pk, grader=grader_a.user, score=Decimal(6), publishing_foretold=True
        )
    assert grading.essay_is_final(saved) and published(last)


def test_a_refusal_between_the_forms_check_and_the_lock_is_no_success(two_essays, grader_a, monkeypatch):
    """The other essay scored after the form's check, before the service's lock: nothing saved, nothing said saved."""
    first, last = two_essays
    grade = grading.do_grade_essay

    def other_grader_first(**kwargs):
        grade(item_id=first.pk, grader=grader_a.user, score=Decimal(5))
        return grade(**kwargs)

    monkeypatch.setattr(grading, "do_grade_essay", other_grader_first)
    change = url("admin:exams_essayanswer_change", "en", last.pk)
    response = grader_a.post(change, {"score": "6", "grader_note": "", "_publishes": "0", "_save": "1"}, follow=True)
    page = response.content.decode()
    assert said("en", REFUSED) in messages_of(page) and CHANGED["en"] not in messages_of(page)
    assert response.redirect_chain[-1][0].startswith(change) and warned("en") in page
    assert EssayAnswer.objects.get(pk=last.pk).score is None and not published(last)
