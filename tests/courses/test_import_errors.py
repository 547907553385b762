"""Every import in admin reports every error of every row at once, and a file without the
required columns is refused before its preview, naming the missing columns."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import User
from courses.models import Enrolment
from exams.models import Question
from tests.conftest import in_english
from tests.factories import CohortFactory, curriculum_of
from tests.imports.rows import question_file, question_row

pytestmark = pytest.mark.django_db

TRAINEE_HEADER = "email,display_name,preferred_language,employer,employee_number,branch,manager_class,phone\n"


def upload(text: str, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def preview(client: Client, url: str, text: str):
    return client.post(url, {"import_file": upload(text), "format": "0", "resource": "0"})


def errors_by_row(response) -> dict[int, dict[str, list[str]]]:
    return {row.number: row.error_dict for row in response.context["result"].invalid_rows}


# --- trainees -------------------------------------------------------------------------------


def test_the_trainee_import_reports_every_error_of_every_row(alice, employer):
    rows = (
        "bad-address,,xx,,,,,\n"  # e-mail, name and language wrong in one row
        "ok@example.test,Good Row,en,,,,,\n"
        "carl@example.test,Carl,en,no-such-bank,E-3,,boss,\n"  # employer and class wrong
    )
    response = preview(alice, "/en/admin/accounts/traineeprofile/import/", TRAINEE_HEADER + rows)
    assert response.status_code == 200
    assert "confirm_form" not in response.context
    errors = errors_by_row(response)
    assert sorted(errors) == [2, 4]  # as the spreadsheet numbers its rows: the header is row 1
    assert errors[2] == {
        "email": ["bad-address is not an e-mail address."],
        "display_name": ["Every row needs a name."],
        "preferred_language": ["The language must be zh-hant or en."],
    }
    assert errors[4] == {
        "employer": ["There is no employer no-such-bank."],
        "manager_class": ["The class must be personal, corporate or comprehensive."],
    }
    html = response.content.decode()
    for message in ("is not an e-mail address", "Every row needs a name.", "There is no employer no-such-bank."):
        assert message in html
    assert not User.objects.filter(email__in=["ok@example.test", "carl@example.test"]).exists()


def test_a_trainee_file_without_the_required_columns_is_refused_before_the_preview(alice):
    response = preview(alice, "/en/admin/accounts/traineeprofile/import/", "phone,branch\n0912,臺北\n")
    assert response.status_code == 200
    assert "confirm_form" not in response.context
    assert not response.context["result"].rows  # no row was read, so none is shown
    assert "The file lacks the columns: email, display_name." in response.content.decode()


# --- trainees with their cohorts (the enrolment import) ------------------------------------------


def test_the_enrolment_import_reports_the_cohort_with_the_persons_errors(alice, institution, other_institution):
    CohortFactory(institution=institution, code="A-1")
    CohortFactory(institution=other_institution, code="B-1")
    text = (
        "email,display_name,preferred_language,cohort\n"
        "ann@example.test,,en,B-1\n"  # no name, and another institution's cohort
        "ben@example.test,Ben,en,A-1\n"
        "carl@,Carl,en,NOPE\n"  # bad address, no such cohort
    )
    response = preview(alice, "/en/admin/courses/enrolment/import/", text)
    assert "confirm_form" not in response.context
    errors = errors_by_row(response)
    assert errors[2] == {"display_name": ["Every row needs a name."], "cohort": ["There is no cohort B-1 of yours."]}
    assert errors[4] == {"email": ["carl@ is not an e-mail address."], "cohort": ["There is no cohort NOPE of yours."]}
    assert 3 not in errors
    assert not Enrolment.objects.exists() and not User.objects.filter(email="ben@example.test").exists()


def test_an_enrolment_file_names_every_missing_column_before_the_preview(alice, institution):
    CohortFactory(institution=institution, code="A-1")
    response = preview(alice, "/en/admin/courses/enrolment/import/", "email,phone\nann@example.test,0912\n")
    assert "confirm_form" not in response.context
    assert not response.context["result"].rows
    assert "The file lacks the columns: display_name, cohort." in response.content.decode()


def test_the_missing_columns_are_named_in_the_users_language(client, institution_admin):
    assert institution_admin.preferred_language == "zh-hant"
    client.force_login(institution_admin)
    response = preview(client, "/zh-hant/admin/accounts/traineeprofile/import/", "phone\n0912\n")
    assert "檔案缺少這些欄位：email, display_name" in response.content.decode().replace("。", "")


# --- questions ------------------------------------------------------------------------------


def test_the_question_import_reports_every_error_of_every_row(client, program_office):
    client.force_login(in_english(program_office))
    code = curriculum_of("standard", "retail").entries.first().course.code
    rows = [
        question_row(code, course="NOPE", status="odd", difficulty="hard"),  # three cells wrong
        question_row(code),
        question_row(code, options_en="a"),  # one more wrong row
    ]
    before = Question.objects.count()
    response = client.post("/en/admin/exams/question/import/", {"file": question_file(rows)})
    assert response.status_code == 200
    assert response.context["errors"] == [
        (2, "Unknown course NOPE."),
        (2, "Write the difficulty as a whole number from 1 (easy) to 5 (hard)."),
        (2, "“odd” is none of: draft (draft), active (active), retired (retired)."),
        (4, "Not as many options in English (1) as in Chinese (2): write each option in both languages."),
    ]
    assert Question.objects.count() == before


def test_the_question_import_names_every_rule_a_row_breaks(client, program_office):
    client.force_login(in_english(program_office))
    code = curriculum_of("standard", "retail").entries.first().course.code
    row = question_row(code, difficulty=9, text_en="", correct="C")
    before = Question.objects.count()
    response = client.post("/en/admin/exams/question/import/", {"file": question_file([row])})
    assert response.context["errors"] == [
        (2, "Difficulty must be a number from 1 to 5."),
        (2, "The question needs its text in both languages."),
        (2, "The correct options must be among the question's options."),
    ]
    assert Question.objects.count() == before


def test_a_question_file_without_the_required_columns_is_refused_naming_them(client, program_office):
    client.force_login(in_english(program_office))
    response = client.post(
        "/en/admin/exams/question/import/",
        {"file": question_file([{"course": "BCM-101", "difficulty": 1}], ["course", "difficulty"])},
    )
    assert response.context["errors"] == [(0, "The file lacks the columns: knowledge_area, type, text_zh, text_en.")]


def test_the_row_rules_name_every_refusal_of_a_row_without_admin_around_it():
    from accounts.services import AccountError, TraineeRowErrors, check_trainee_row

    with pytest.raises(TraineeRowErrors) as refused:
        check_trainee_row(
            values={"email": "x@example.test", "display_name": "", "employer": "nope", "manager_class": "boss"},
            institution=None,
        )
    assert isinstance(refused.value, AccountError)  # callers that read one refusal still can
    assert (refused.value.code, refused.value.field) == ("missing", "display_name")
    assert [(e.code, e.field) for e in refused.value.errors] == [
        ("missing", "display_name"),
        ("invalid", "manager_class"),
        ("unknown_employer", "employer"),
    ]
