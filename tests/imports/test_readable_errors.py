"""A refused import says what is wrong in plain sight, for the trainee, enrolment and question imports: each
refused row by its number in the spreadsheet (the header is row 1, the first data row is row 2), what its
cells hold and each message under its column; an error of the whole file without a Python traceback."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.loader import render_to_string
from django.test import Client
from django.utils import translation

from accounts.models import User
from exams import imports as question_imports
from exams.models import Question
from tests.conftest import in_english
from tests.factories import CohortFactory, curriculum_of
from tests.imports.rows import question_dataset, question_file, question_row

pytestmark = pytest.mark.django_db

TRAINEE_HEADER = "email,display_name,preferred_language,employer,employee_number,branch,manager_class,phone\n"
TRAINEES = "/{lang}/admin/accounts/traineeprofile/import/"
ENROLMENTS = "/{lang}/admin/courses/enrolment/import/"
CSV, XLSX = "0", "1"


class _TextOf(HTMLParser):
    """The text nodes (never an attribute) inside the elements that carry ``css_class``."""

    VOID = {"br", "img", "input", "meta", "link", "hr", "col", "wbr", "source", "area", "base", "embed", "track"}

    def __init__(self, css_class: str) -> None:
        super().__init__(convert_charrefs=True)
        self.css_class, self.depth, self.pieces = css_class, 0, []

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        if self.depth or self.css_class in (dict(attrs).get("class") or "").split():
            self.depth += 1

    def handle_endtag(self, tag):
        if self.depth and tag not in self.VOID:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.pieces.append(data)


def text_of(html: str, css_class: str) -> str:
    parser = _TextOf(css_class)
    parser.feed(html)
    return " ".join(" ".join(parser.pieces).split())


def upload(text: str, name: str = "people.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def preview(client: Client, url: str, text: str, file_format: str = CSV, lang: str = "en"):
    return client.post(url.format(lang=lang), {"import_file": upload(text), "format": file_format, "resource": "0"})


def test_a_refused_trainee_row_shows_its_spreadsheet_row_cells_and_messages(alice, employer):
    # Data row 2 is the spreadsheet's row 3.
    text = TRAINEE_HEADER + "ok@example.test,Good Row,en,,,,,\nbad-address,Bad Row,en,bank-a,E-9,,,\n"
    response = preview(alice, TRAINEES, text)
    assert "confirm_form" not in response.context
    shown = text_of(response.content.decode(), "import-row-errors")
    assert "Row 3" in shown and "Row 2 " not in shown
    assert "E-mail address (email) bad-address is not an e-mail address." in shown  # the column, then what is wrong
    for cell in (
        "E-mail address (email) bad-address",
        "Name (display_name) Bad Row",
        "bank-a",
        "E-9",
    ):  # as in the file
        assert cell in shown
    assert "---" not in shown
    [invalid] = response.context["result"].invalid_rows
    assert invalid.values[:4] == ("bad-address", "Bad Row", "en", "bank-a")  # in the preview's column order


def test_a_refused_enrolment_row_shows_its_spreadsheet_row_and_message(alice, institution, other_institution):
    CohortFactory(institution=institution, code="A-1")
    CohortFactory(institution=other_institution, code="B-1")
    text = "email,display_name,preferred_language,cohort\nann@example.test,Ann,en,B-1\n"
    response = preview(alice, ENROLMENTS, text)
    assert "confirm_form" not in response.context
    shown = text_of(response.content.decode(), "import-row-errors")
    assert "Row 2" in shown
    assert "Cohort (cohort) There is no cohort B-1 of yours." in shown
    assert "ann@example.test" in shown


def test_a_refused_question_row_shows_its_spreadsheet_row_and_message(client, program_office):
    client.force_login(in_english(program_office))
    code = curriculum_of("standard", "retail").entries.first().course.code
    rows = [question_row(code), question_row(code, course="NOPE")]
    response = client.post("/en/admin/exams/question/import/", {"file": question_file(rows)})
    html = response.content.decode()
    shown = text_of(html, "import-row-errors")
    assert "Row 3" in shown and "Course (course) Unknown course NOPE." in shown and "Course (course) NOPE" in shown
    assert "Unknown course NOPE." not in text_of(html, "errornote").replace(shown, "")  # said once, in the table


def test_a_big5_question_file_is_read(client, program_office):
    client.force_login(in_english(program_office))
    code = curriculum_of("standard", "retail").entries.first().course.code
    big5 = question_file([question_row(code, text_zh="銀行法題目")], encoding="cp950")
    response = client.post("/en/admin/exams/question/import/", {"file": big5})
    assert response.status_code == 302, text_of(response.content.decode(), "errornote")
    assert Question.objects.filter(text_zh="銀行法題目").exists()


def test_the_question_imports_refused_rows_are_shown_by_the_shared_list():
    """What the question page includes (admin/import_export/row_errors.html): the cells and the column."""
    data = question_dataset(
        [question_row("NOPE", status="odd")],
        headers=["course", "knowledge_area", "difficulty", "type", "text_zh", "text_en", "status"],
    )
    with translation.override("en"), pytest.raises(question_imports.ImportRefused) as refused:
        question_imports.import_questions(data)
    [problem] = refused.value.rows
    assert (problem.row, problem.wrong) == (2, {"course", "status"})
    with translation.override("en"):
        shown = text_of(render_to_string("admin/import_export/row_errors.html", {"problems": refused.value.rows}),
                        "import-row-errors")  # fmt: skip
    assert "Row 2" in shown
    assert "Course (course) Unknown course NOPE." in shown
    assert "Status (status) “odd” is none of: draft (draft)," in shown
    assert "Course (course) NOPE" in shown and "Type (type) single" in shown


def test_the_row_is_named_in_the_users_language(client, institution_admin, employer):
    client.force_login(institution_admin)  # reads Traditional Chinese
    response = preview(client, TRAINEES, TRAINEE_HEADER + "bad-address,陳安,zh-hant,,,,,\n", lang="zh-hant")
    assert "第 2 列" in text_of(response.content.decode(), "import-row-errors")


def test_an_error_of_the_whole_file_shows_its_message_without_a_traceback(alice):
    response = preview(alice, TRAINEES, "phone,branch\n0912,臺北\n")
    html = response.content.decode()
    assert "The file lacks the columns: email, display_name." in text_of(html, "import-file-errors")
    assert "Traceback" not in html and ".py" not in text_of(html, "import-file-errors")


def test_the_format_follows_from_the_file_whatever_was_chosen(alice, employer):
    """A CSV sent with "xlsx" chosen was read as a workbook: "'BadZipFile' encountered while trying to read file"."""
    response = preview(alice, TRAINEES, TRAINEE_HEADER + "ann@example.test,Ann,en,,,,,\n", file_format=XLSX)
    assert "BadZipFile" not in response.content.decode()
    assert "confirm_form" in response.context
    assert response.context["confirm_form"].initial["format"] == CSV


def test_a_big5_csv_is_read_as_the_upload_check_accepts_it(alice, employer):
    """Excel in Taiwan saves CSV in Big5; import-export read it as UTF-8 ("'UnicodeDecodeError' encountered")."""
    data = (TRAINEE_HEADER + "chen@example.test,陳安,zh-hant,,,,,\n").encode("cp950")
    big5 = SimpleUploadedFile("people.csv", data, content_type="text/csv")
    response = alice.post(TRAINEES.format(lang="en"), {"import_file": big5, "format": CSV, "resource": "0"})
    assert "UnicodeDecodeError" not in response.content.decode()
    assert "陳安" in response.content.decode()
    confirm = response.context["confirm_form"].initial
    confirmed = alice.post("/en/admin/accounts/traineeprofile/process_import/", confirm)
    assert confirmed.status_code == 302
    assert User.objects.get(email="chen@example.test").display_name == "陳安"


def test_an_unexpected_error_in_a_row_names_its_spreadsheet_row_without_a_traceback(alice, employer, monkeypatch):
    from accounts import services

    def breaks(**kwargs):
        raise RuntimeError("the database went away")

    monkeypatch.setattr(services, "apply_trainee_row", breaks)
    response = preview(alice, TRAINEES, TRAINEE_HEADER + "ann@example.test,Ann,en,,,,,\n")
    html = response.content.decode()
    assert "Row 2 the database went away" in text_of(html, "import-file-errors")
    assert "Traceback" not in html
