"""The institution's trainee export (admin, CSV and XLSX) for any name a trainee may give at sign-up
or in their profile, or an HR system may send: control characters that spreadsheets refuse, other
scripts, emoji, a formula. One trainee's name never stops the export of the whole institution, no
cell is a formula, and the text is kept (issue 15; accounts.spreadsheets):

* XLSX: openpyxl reads every cell back as a string (type "s", never "f") equal to the text, but for
  what XML cannot carry — a control character is U+FFFD, a carriage return a line feed;
* CSV: no cell begins with ``= + - @``, a tab or a carriage return; a text that does, or that begins
  with a quote, is behind one quote, and removing it gives the text back.
"""

import csv
import io
import re

import openpyxl
import pytest
import tablib
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts import spreadsheets
from tests.isolation import build_world

pytestmark = pytest.mark.django_db

COLUMNS = ("email", "display_name", "employer", "employee_number")
FORMATS = {"0": "text/csv", "1": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
names = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), min_size=1, max_size=60)
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Texts that begin like a formula, so that every trigger is tried whatever else the draw holds.
formula_like = st.builds(lambda t, rest: t + rest, st.sampled_from([*TRIGGERS, "'"]), st.text(max_size=30))
any_text = st.one_of(st.text(max_size=60), formula_like)
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xlsx_expected(text: str) -> str:
    """What an XLSX string cell can hold of a text (the spreadsheet's visible text)."""
    return NOT_IN_XML.sub("\ufffd", text.replace("\r\n", "\n").replace("\r", "\n"))


def csv_unquoted(cell: str) -> str:
    """A CSV cell with the one quote before a formula-like (or quote-led) text removed."""
    return cell[1:] if cell.startswith("'") and cell[1:].startswith((*TRIGGERS, "'")) else cell


def assert_csv_cell_keeps(cell: str, text: str) -> None:
    assert not cell.startswith(TRIGGERS), repr(cell)
    assert csv_unquoted(cell) == text


def assert_xlsx_cell_keeps(cell, text: str) -> None:
    assert cell.data_type != "f", repr(cell.value)
    assert (cell.value or "") == xlsx_expected(text), (cell.value, text)


def read_csv(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def read_xlsx(body: bytes):
    return list(openpyxl.load_workbook(io.BytesIO(body)).active.iter_rows())


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(text=any_text)
def test_the_shared_writers_keep_any_text_and_write_no_formula(text):
    data = tablib.Dataset(headers=["text", "number"])
    data.append([text, 7])
    _header, row = read_xlsx(spreadsheets.write_xlsx(data))
    assert_xlsx_cell_keeps(row[0], text)
    assert row[1].value == 7
    _header, row = read_csv(spreadsheets.write_csv(data).encode())
    assert_csv_cell_keeps(row[0], text)
    assert spreadsheets.read_csv_cell(row[0]) == text  # what the question import reads back


@pytest.fixture
def world(db):
    return build_world()


@settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    name=st.one_of(names, formula_like.filter(lambda t: "\x00" not in t)),
    export_format=st.sampled_from(sorted(FORMATS)),
)
def test_any_trainee_name_exports(world, name, export_format):
    admin = Client()
    admin.force_login(world.admin_a)
    with transaction.atomic():
        world.trainee_a.display_name = name
        world.trainee_a.save(update_fields=["display_name"])
        response = admin.post(
            reverse("admin:accounts_traineeprofile_export"),
            {"format": export_format, "resource": "0", **{f"traineeresource_{column}": "on" for column in COLUMNS}},
        )
        assert response.status_code == 200
        assert response["Content-Type"].startswith(FORMATS[export_format]), response.content[:300]
        assert "attachment" in response["Content-Disposition"]
        transaction.set_rollback(True)
    email = world.trainee_a.email
    if export_format == "0":
        row = next(r for r in read_csv(response.content) if r and r[0] == email)
        assert_csv_cell_keeps(row[1], name)
    else:
        row = next(r for r in read_xlsx(response.content) if r[0].value == email)
        assert_xlsx_cell_keeps(row[1], name)


@settings(
    max_examples=20,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    text=st.one_of(names, formula_like.filter(lambda t: "\x00" not in t)),
    action=st.sampled_from(["export_csv", "export_xlsx"]),
)
def test_any_question_text_exports_from_the_bank(world, text, action):
    """A vertical tab pasted from a word processor, say, in the program office's question bank."""
    from accounts.models import User
    from exams import demo
    from exams.models import Question

    demo.load()
    office = Client()
    office.force_login(User.objects.get(email="office@demo.test"))
    with transaction.atomic():
        question = Question.objects.first()
        Question.objects.filter(pk=question.pk).update(text_zh=text, text_en=text)
        response = office.post(
            reverse("admin:exams_question_changelist"),
            {"action": action, "_selected_action": [question.pk], "index": 0},
        )
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
        transaction.set_rollback(True)
    column = 7  # text_zh (exams.imports.HEADERS)
    if action == "export_csv":
        row = read_csv(response.content)[1]
        assert_csv_cell_keeps(row[column], text)
    else:
        row = read_xlsx(response.content)[1]
        assert_xlsx_cell_keeps(row[column], text)
