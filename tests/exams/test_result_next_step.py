"""A published result says what comes next, on its page and in its e-mail, in the reader's language.

Not passed: when the exam may be sat again (the very sentence My exams shows for the sitting, its date in the
portal's time zone) and how many attempts are left, with a link to My exams; or, with no attempt left, that the
exam cannot be sat again (the attempts count for the course, in any cohort) and whom to ask. Passed: that a
certificate follows once every exam of the curriculum is passed and the hours are done, with a link to the
certificates. The e-mail says the same and links to the result page, every link starting with ``SITE_URL``."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext, ngettext

from exams import mail as exam_mail
from exams.models import Attempt, CourseResult

from .conftest import login
from .test_grading import answer_all, submit

pytestmark = pytest.mark.django_db

LANGUAGES = ["zh-hant", "en"]
PORTAL = "https://portal.example.org"
CERTIFICATE = (
    "A certificate is issued as soon as you have passed every exam of your curriculum and your training hours are done."
)
USED_UP = (
    "You cannot sit this exam again: the attempts count for the course, whatever the cohort. For questions, "
    "contact your training institution, %(institution)s."
)
RETAKE_NOW = "You may retake this exam in a sitting open to you."


def url(name: str, language: str, *args) -> str:
    with translation.override(language):
        return reverse(name, args=args)


def words(language: str, msgid: str, **values) -> str:
    with translation.override(language):
        return gettext(msgid) % values if values else gettext(msgid)


def left(language: str, count: int) -> str:
    with translation.override(language):
        return ngettext("You have one attempt left.", "You have %(count)s attempts left.", count) % {"count": count}


def text_of(html: str) -> str:
    """The words of some HTML, its tags dropped and its spaces made one."""
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


def sat(world, capture, *, right: bool) -> Attempt:
    """Alice's attempt at the world's sitting (every answer right or every one wrong), submitted and published."""
    from exams.services import attempts

    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    answer_all(attempt, right=right)
    result = submit(attempt, capture)
    assert result.published_at is not None and result.passed is right
    attempt.refresh_from_db()
    return attempt


def next_step_of(world, attempt: Attempt, language: str) -> str:
    page = login(world.alice).get(url("exams:result", language, attempt.pk)).content.decode()
    assert 'id="next-step"' in page, page
    return page.split('id="next-step"')[1].split("</section>", maxsplit=1)[0]


def reason_on_my_exams(world, language: str) -> str:
    page = login(world.alice).get(url("exams:home", language)).content.decode()
    return text_of(page.split(f'id="reason-{world.sitting.pk}"')[1].split("</p>", maxsplit=1)[0].split(">", 1)[1])


# --- the result page --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_result_not_passed_says_when_to_retake_as_my_exams_does_and_the_attempts_left(
    world, django_capture_on_commit_callbacks, language
):
    assert (world.paper.max_attempts, world.paper.retake_wait_days) == (3, 7)
    attempt = sat(world, django_capture_on_commit_callbacks, right=False)
    step = next_step_of(world, attempt, language)
    when = reason_on_my_exams(world, language)  # the sitting's card: "You may retake this exam from …"
    assert when.startswith({"en": "You may retake this exam from ", "zh-hant": "您可於 "}[language]), when
    assert when in text_of(step)
    assert escape(left(language, 2)) in text_of(step)
    assert f'href="{url("exams:home", language)}"' in step
    assert escape(words(language, CERTIFICATE)) not in step


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_result_not_passed_after_the_wait_says_the_exam_may_be_retaken(
    world, django_capture_on_commit_callbacks, language
):
    world.paper.retake_wait_days = 0
    world.paper.save(update_fields=["retake_wait_days"])
    attempt = sat(world, django_capture_on_commit_callbacks, right=False)
    step = text_of(next_step_of(world, attempt, language))
    assert escape(words(language, RETAKE_NOW)) in step and escape(left(language, 2)) in step


@pytest.mark.parametrize(
    ("language", "rule", "institution_name"),
    [("en", "You have used your only attempt.", "Taipei Banking Training Centre"),
     ("zh-hant", "您已用完 1 次應試機會。", "臺北金融研訓中心")],
)  # fmt: skip
def test_a_result_not_passed_with_no_attempt_left_says_it_cannot_be_sat_again_and_whom_to_ask(
    world, django_capture_on_commit_callbacks, language, rule, institution_name
):
    world.paper.max_attempts = 1
    world.paper.save(update_fields=["max_attempts"])
    attempt = sat(world, django_capture_on_commit_callbacks, right=False)
    step = next_step_of(world, attempt, language)
    assert rule in text_of(step)
    assert escape(words(language, USED_UP, institution=institution_name)) in text_of(step)
    assert escape(words(language, RETAKE_NOW)) not in step and "href" not in step


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_passed_result_says_the_certificate_follows_and_links_to_the_certificates(
    world, django_capture_on_commit_callbacks, language
):
    attempt = sat(world, django_capture_on_commit_callbacks, right=True)
    step = next_step_of(world, attempt, language)
    assert escape(words(language, CERTIFICATE)) in step
    assert f'href="{url("certification:mine", language)}"' in step
    assert escape(words(language, RETAKE_NOW)) not in step


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_earlier_result_not_passed_says_the_course_is_passed_once_a_later_attempt_passed(
    world, django_capture_on_commit_callbacks, language
):
    world.paper.retake_wait_days = 0
    world.paper.save(update_fields=["retake_wait_days"])
    first = sat(world, django_capture_on_commit_callbacks, right=False)
    sat(world, django_capture_on_commit_callbacks, right=True)
    step = next_step_of(world, first, language)
    assert escape(words(language, "You have already passed this course.")) in step
    assert escape(words(language, CERTIFICATE)) in step and escape(words(language, RETAKE_NOW)) not in step


# --- the e-mail -------------------------------------------------------------------------------------------------


def mailed(attempt: Attempt, language: str, settings) -> tuple[str, str]:
    """The result mail of the attempt, sent again to Alice in ``language``: its text and its HTML."""
    settings.SITE_URL = PORTAL + "/"
    attempt.trainee.preferred_language = language
    attempt.trainee.save(update_fields=["preferred_language"])
    CourseResult.objects.filter(attempt=attempt).update(mailed_at=None)
    mail.outbox.clear()
    assert exam_mail.send_result(result_id=attempt.result.pk)
    (sent,) = mail.outbox
    return sent.body, sent.alternatives[0][0]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_mail_of_a_result_not_passed_says_when_to_retake_and_links_to_the_result(
    world, django_capture_on_commit_callbacks, language, settings
):
    attempt = sat(world, django_capture_on_commit_callbacks, right=False)
    when = reason_on_my_exams(world, language)
    text, html = mailed(attempt, language, settings)
    result_url = PORTAL + url("exams:result", language, attempt.pk)
    for body in (text, text_of(html)):
        assert when in body and left(language, 2) in body, body
        assert result_url in body and PORTAL + url("exams:home", language) in body
    assert f'href="{result_url}"' in html
    assert words(language, "See your result on the portal:") in text


@pytest.mark.parametrize(
    ("language", "rule", "institution_name"),
    [("en", "You have used your only attempt.", "Taipei Banking Training Centre"),
     ("zh-hant", "您已用完 1 次應試機會。", "臺北金融研訓中心")],
)  # fmt: skip
def test_the_mail_of_a_result_with_no_attempt_left_says_so_in_the_recipients_language(
    world, django_capture_on_commit_callbacks, language, rule, institution_name, settings
):
    world.paper.max_attempts = 1
    world.paper.save(update_fields=["max_attempts"])
    attempt = sat(world, django_capture_on_commit_callbacks, right=False)
    text, html = mailed(attempt, language, settings)
    for body in (text, text_of(html)):
        assert rule in body and words(language, USED_UP, institution=institution_name) in body, body
        assert PORTAL + url("exams:result", language, attempt.pk) in body


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_mail_of_a_passed_result_says_the_certificate_follows(
    world, django_capture_on_commit_callbacks, language, settings
):
    attempt = sat(world, django_capture_on_commit_callbacks, right=True)
    text, html = mailed(attempt, language, settings)
    for body in (text, text_of(html)):
        assert words(language, CERTIFICATE) in body, body
        assert PORTAL + url("certification:mine", language) in body
        assert PORTAL + url("exams:result", language, attempt.pk) in body
    assert all(link.startswith(PORTAL + "/") for link in re.findall(r"https?://[^\s\"<>]+", text + html))
