"""A question's versions in admin: a save that made a new version leads to it, whichever button was pressed, and says
the old one was retired; a version a later one replaced is read only, points to the one that replaced it, and a form
posted to it (a page opened before) is refused with a message, never a server error. Changing the answer key of a
version an attempt has shown is in the audit trail, and so is the question import."""

from __future__ import annotations

import html
from typing import Any

import pytest
import tablib
from django.contrib.admin.models import LogEntry
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from accounts.models import AuditEvent
from exams import imports
from exams.models import Question, QuestionType
from exams.services import ExamError, attempts, question_bank
from tests.imports.rows import question_row

from .conftest import make_question

pytestmark = pytest.mark.django_db


def english(name: str, *args: int) -> str:
    with translation.override("en"):
        return reverse(name, args=args)


def shown_question(world) -> Question:
    """The single-choice question of Alice's attempt: a version an attempt has shown (key B of A–D)."""
    attempt = attempts.do_start_attempt(trainee=world.alice, sitting=world.sitting)
    return attempt.items.select_related("question").get(question__question_type=QuestionType.SINGLE).question


def as_posted(office, question: Question, **changes: str) -> dict[str, Any]:
    """The change page's form of ``question`` as the office would post it back, with ``changes``."""
    form = office.get(english("admin:exams_question_change", question.pk)).context["adminform"].form
    posted = {name: form[name].value() for name in form.fields} | changes
    return {name: value for name, value in posted.items() if value is not None}


def key(question: Question) -> str:
    """The correct options' letters (A the first option), as the form writes them."""
    return question_bank.correct_letters(question.options, question.correct)


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(
    ("button", "goes_to"),
    [("_save", "changelist"), ("_continue", "new version"), ("_addanother", "add")],
)
def test_a_save_that_made_a_new_version_leads_to_it_and_says_the_old_one_was_retired(world, office, button, goes_to):
    shown = shown_question(world)
    url = english("admin:exams_question_change", shown.pk)
    response = office.post(url, as_posted(office, shown, correct="C") | {button: "1"})
    new = Question.objects.get(family=shown.family, version=shown.version + 1)
    assert key(new) == "C" and new.status == "active"
    shown.refresh_from_db()
    assert shown.status == "retired" and key(shown) == "B"
    expected = {
        "changelist": english("admin:exams_question_changelist"),
        "new version": english("admin:exams_question_change", new.pk),
        "add": english("admin:exams_question_add"),
    }[goes_to]
    assert response.status_code == 302 and response["Location"].split("?")[0] == expected
    messages = said(response)
    assert len(messages) == 1, messages
    assert f"saved as version {new.version}" in messages[0] and f"version {shown.version} was retired" in messages[0]
    assert "You may edit it again below" not in messages[0]
    assert html.escape(english("admin:exams_question_change", new.pk)) in messages[0]  # a link to the new version
    if goes_to == "new version":  # the page opened is the new version's, and a second change is saved to it
        page = office.get(response["Location"])
        assert page.context["original"].pk == new.pk
        again = office.post(response["Location"], as_posted(office, new, correct="D") | {"_continue": "1"})
        assert again.status_code == 302
        new.refresh_from_db()
        assert key(new) == "D" and new.version == shown.version + 1


def test_a_form_posted_to_a_version_a_later_one_replaced_is_refused_with_a_message(world, office):
    """The tester's second save: the page of version 1 still open after version 2 was made from it."""
    shown = shown_question(world)
    url = english("admin:exams_question_change", shown.pk)
    stale = as_posted(office, shown, correct="C")
    assert office.post(url, stale).status_code == 302  # makes version 2
    said(office.get(english("admin:exams_question_changelist")))  # its message read
    response = office.post(url, stale | {"correct": "D", "_continue": "1"})
    assert response.status_code == 302 and response["Location"] == url
    (message,) = said(response)
    assert "Version 1 of this question was replaced by version 2" in message and "nothing was saved" in message
    shown.refresh_from_db()
    assert shown.status == "retired" and key(shown) == "B"
    assert Question.objects.filter(family=shown.family).count() == 2


def test_a_version_replaced_between_the_forms_check_and_the_save_saves_nothing_and_says_why(world, office, monkeypatch):
    shown = shown_question(world)
    url = english("admin:exams_question_change", shown.pk)
    posted = as_posted(office, shown, correct="C")
    revise = question_bank.do_revise_question

    def replaced_meanwhile(**kwargs: Any) -> Question:  # another page's save, after this form was checked
        revise(question_id=kwargs["question_id"], changes={"text_en": "Reworded elsewhere"})
        return revise(**kwargs)

    monkeypatch.setattr(question_bank, "do_revise_question", replaced_meanwhile)
    response = office.post(url, posted)
    assert response.status_code == 302 and response["Location"] == url
    assert "was replaced by version 2" in said(response)[-1] and "nothing was saved" in said(response)[-1]
    assert [key(q) for q in Question.objects.filter(family=shown.family).order_by("version")] == ["B", "B"]
    assert not LogEntry.objects.filter(object_id=str(shown.pk)).exists()


def test_the_page_of_a_replaced_version_is_read_only_and_links_the_current_one(world, office):
    shown = shown_question(world)
    new = question_bank.do_revise_question(question_id=shown.pk, changes={"text_en": "Reworded"})
    response = office.get(english("admin:exams_question_change", shown.pk))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="_save"' not in page and 'name="_continue"' not in page and "<textarea" not in page
    assert 'id="question-replaced"' in page
    assert f'href="{english("admin:exams_question_change", new.pk)}"' in page
    assert "replaced it" in page
    assert '<div class="readonly">B</div>' in page.split("field-shown_correct", 1)[1]  # its key, by letter
    assert "opt-secret" not in page  # the stored keys stay the server's
    # The page of the current version can be edited.
    current = office.get(english("admin:exams_question_change", new.pk)).content.decode()
    assert 'name="_save"' in current and 'id="question-replaced"' not in current


def test_the_service_refuses_to_revise_a_replaced_version(world):
    shown = shown_question(world)
    question_bank.do_revise_question(question_id=shown.pk, changes={"text_en": "Reworded"})
    with pytest.raises(ExamError) as refused:
        question_bank.do_revise_question(question_id=shown.pk, changes={"status": "active"})
    assert refused.value.code == "replaced"
    assert Question.objects.filter(family=shown.family).exclude(status="retired").count() == 1


def test_a_change_to_a_retired_shown_version_is_a_form_error_not_a_server_error(world, office):
    shown = shown_question(world)
    question_bank.do_revise_question(question_id=shown.pk, changes={"status": "retired"})  # the question leaves
    url = english("admin:exams_question_change", shown.pk)
    response = office.post(url, as_posted(office, shown, correct="C", status="retired"))
    assert response.status_code == 200
    assert (
        "A retired version that an attempt has shown cannot be edited."
        in response.context["adminform"].form.non_field_errors()
    )
    shown.refresh_from_db()
    assert key(shown) == "B" and Question.objects.filter(family=shown.family).count() == 1
    # Bringing it back with the change makes a new version.
    assert office.post(url, as_posted(office, shown, correct="C", status="active")).status_code == 302
    assert Question.objects.get(family=shown.family, version=2).status == "active"


# --- the audit trail -----------------------------------------------------------------------------------------------


def test_a_new_answer_key_is_in_the_audit_trail_with_both_versions_and_who(world, office):
    shown = shown_question(world)
    office.post(english("admin:exams_question_change", shown.pk), as_posted(office, shown, correct="C"))
    new = Question.objects.get(family=shown.family, version=2)
    event = AuditEvent.objects.get(action=AuditEvent.Action.QUESTION_REVISED)
    assert event.actor == office.user and event.object_type == "exams.Question" and event.object_id == str(new.pk)
    assert event.detail == {
        "family": str(shown.family), "old_version": 1, "new_version": 2, "old_question_id": shown.pk,
        "old_correct": "B", "new_correct": "C", "changed": ["options", "correct"],
    }  # fmt: skip


def test_a_new_wording_of_an_unshown_question_is_not_in_the_audit_trail(world):
    question = make_question(world.course, n=70)
    question_bank.do_revise_question(question_id=question.pk, changes={"text_en": "Reworded"})
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.QUESTION_REVISED).exists()
    question_bank.do_revise_question(question_id=question.pk, changes={"correct": [question.options[0]["key"]]})
    event = AuditEvent.objects.get(action=AuditEvent.Action.QUESTION_REVISED)  # a new key, in place: recorded too
    assert event.detail["old_version"] == event.detail["new_version"] == 1
    assert (event.detail["old_correct"], event.detail["new_correct"]) == ("B", "A")


def question_file(rows: list[dict[str, Any]], name: str = "bank-2025.csv") -> SimpleUploadedFile:
    data = tablib.Dataset(headers=imports.HEADERS)
    for row in rows:
        data.append([row[h] for h in imports.HEADERS])
    return SimpleUploadedFile(name, data.export("csv").encode("utf-8"), content_type="text/csv")


def test_a_question_import_is_in_the_audit_trail_with_who_how_many_and_the_file(world, office):
    live = make_question(world.course, n=71)
    exported = imports.export_questions(Question.objects.filter(pk=live.pk)).dict[0]
    rows = [
        question_row(world.course.code, text_zh="匯入題一", text_en="Imported one", correct="B"),
        question_row(world.course.code, text_zh="匯入題二", text_en="Imported two", correct="A"),
        exported | {"text_en": "Question 71, reworded"},
    ]
    response = office.post(english("admin:exams_question_import"), {"file": question_file(rows)})
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditEvent.Action.ADMIN_IMPORT)
    assert event.actor == office.user
    assert event.detail == {
        "model": "exams.Question", "file": "bank-2025.csv", "rows": 3, "created": 2, "revised": 1,
    }  # fmt: skip
    assert "bank-2025.csv" in event.summary
    trail = office.get(english("admin:accounts_auditevent_changelist"), {"action__exact": "admin_import"})
    assert trail.status_code == 200 and str(event.pk) in trail.content.decode()


def test_a_refused_question_import_leaves_no_import_in_the_audit_trail(world, office):
    rows = [question_row("NOPE", text_zh="匯入題", text_en="Imported", correct="B")]
    response = office.post(english("admin:exams_question_import"), {"file": question_file(rows)})
    assert response.status_code == 200 and 'id="import-errors"' in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.ADMIN_IMPORT).exists()
