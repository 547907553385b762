"""No export writes a cell a spreadsheet runs as a formula (issue 15).

A trainee who signs up as ``=HYPERLINK("http://x","y")`` was a live link in the institution's XLSX
and a formula in its CSV. Every CSV and XLSX goes through accounts.spreadsheets; these tests walk
every place an export can come from, so a new one made without the rule fails:

* every ModelAdmin in ``admin.site._registry``: its django-import-export export in every format,
  and every admin action, run on every row with a formula planted in every text column of every
  row — any answer that is a spreadsheet is read back, and must hold the formulas as text;
* the source: no module of the apps writes CSV or XLSX (csv, openpyxl, tablib's export, a
  spreadsheet content type) but accounts/spreadsheets.py. bench/ is a tool that writes JSON and
  Markdown results, not an export; it is not scanned.
"""

from __future__ import annotations

import ast
import csv
import io
import logging
from pathlib import Path

import openpyxl
import pytest
import tablib
from django.contrib import admin
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import DatabaseError, models, transaction
from django.db.models.functions import Cast, Concat, Left
from django.test import Client, RequestFactory
from django.urls import reverse
from import_export.forms import SelectableFieldsExportForm

from accounts import spreadsheets
from accounts.models import User
from tests.isolation import build_world

pytestmark = pytest.mark.django_db

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MARK = 'HYPERLINK("https:x.example?n='
CSV_TYPES = ("text/csv", "text/tab-separated-values")
XLSX_TYPES = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",)
OTHER_SPREADSHEETS = ("application/vnd.ms-excel", "application/vnd.oasis.opendocument.spreadsheet")
APPS = ("accounts", "courses", "exams", "certification")
# Text that must stay as it is for the walk to run: log-ins (and sessions, below).
NOT_PLANTED = {"password"}


# --- reading an export back -----------------------------------------------------------------------


def csv_cells(body: bytes) -> list[str]:
    text = body.decode("utf-8-sig")
    return [cell for row in csv.reader(io.StringIO(text, newline="")) for cell in row]


def xlsx_cells(body: bytes) -> list[openpyxl.cell.Cell]:
    book = openpyxl.load_workbook(io.BytesIO(body))
    return [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]


def formula_problems(response, where: str) -> tuple[list[str], int]:
    """What in a spreadsheet answer a spreadsheet would run, and how many planted formulas it holds."""
    kind = response["Content-Type"].split(";")[0]
    assert kind not in OTHER_SPREADSHEETS, f"{where}: writes {kind}, which has no safe writer here"
    problems, planted = [], 0
    if kind in CSV_TYPES:
        for cell in csv_cells(response.content):
            if cell.startswith(TRIGGERS):
                problems.append(f"{where}: CSV cell {cell[:40]!r} begins with a formula trigger")
            if MARK in cell:
                planted += 1
                if not (cell.startswith("'") and cell[1:].startswith(TRIGGERS)):
                    problems.append(f"{where}: planted {cell[:40]!r} is not kept behind one quote")
    elif kind in XLSX_TYPES:
        for cell in xlsx_cells(response.content):
            if cell.data_type == "f":
                problems.append(f"{where}: XLSX cell {cell.coordinate} is a formula: {cell.value!r}"[:120])
            if isinstance(cell.value, str) and MARK in cell.value:
                planted += 1
                if not cell.value.startswith(("=", "+", "-", "@", "\t", "\n")):
                    problems.append(f"{where}: planted {cell.value[:40]!r} lost its text")
    return problems, planted


def is_spreadsheet(response) -> bool:
    kind = response.get("Content-Type", "").split(";")[0]
    return kind in CSV_TYPES + XLSX_TYPES + OTHER_SPREADSHEETS


# --- planting -------------------------------------------------------------------------------------


def plant_formulas(exporter: User) -> int:
    """Every text column (no choices) of every row of the apps' models: a formula, one trigger per
    column in turn, unique per row (but the exporter's own user row: her session hangs on it). A
    column the database will not take it in is left as it was."""
    planted = 0
    from django.apps import apps

    for model in apps.get_models():
        if model._meta.app_label not in APPS or model._meta.proxy or issubclass(model, AbstractBaseSession):
            continue
        text_fields = [
            f for f in model._meta.concrete_fields
            if isinstance(f, (models.CharField, models.TextField)) and not f.choices and not f.primary_key
            and f.name not in NOT_PLANTED
        ]  # fmt: skip
        for number, field in enumerate(text_fields):
            trigger = TRIGGERS[number % len(TRIGGERS)]
            value = Concat(models.Value(trigger + MARK), Cast("pk", models.CharField()), models.Value('","y")'))
            if field.max_length:
                value = Left(value, field.max_length)
            try:
                with transaction.atomic():
                    rows = model._default_manager.exclude(pk=exporter.pk) if model is User else model._default_manager
                    planted += rows.update(**{field.name: value})
            except DatabaseError:
                continue
    return planted


@pytest.fixture
def office(db):
    build_world()
    from exams import demo

    demo.load()
    user = User.objects.create_superuser(email="root@demo.test", password="x")
    client = Client()
    client.force_login(user)
    assert plant_formulas(user) > 100
    return client, user


# --- the walk -------------------------------------------------------------------------------------


def import_export_posts(model_admin, request) -> list[tuple[str, dict]]:
    """(format name, form data) of every format × resource of an import-export admin's export page."""
    posts = []
    for index, resource in enumerate(model_admin.get_export_resource_classes(request)):
        fields = {
            SelectableFieldsExportForm.create_boolean_field_name(resource, name): "on"
            for name in resource().get_export_order()
        }
        for number, fmt in enumerate(model_admin.get_export_formats()):
            posts.append((f"{fmt.__name__} of {resource.__name__}", {"format": number, "resource": index, **fields}))
    return posts


def test_no_admin_export_writes_a_formula(office):
    client, user = office
    request = RequestFactory().get("/")
    request.user = user
    problems, exports, planted = [], [], 0
    logging.disable(logging.ERROR)
    try:
        for model, model_admin in admin.site._registry.items():
            prefix = f"admin:{model._meta.app_label}_{model._meta.model_name}"
            label = model._meta.label
            if hasattr(model_admin, "get_export_formats"):  # django-import-export's ExportMixin
                for fmt in model_admin.get_export_formats():
                    assert issubclass(fmt, (spreadsheets.SafeCSV, spreadsheets.SafeXLSX)), (
                        f"{label} exports {fmt.__name__}: use export_formats = spreadsheets.EXPORT_FORMATS"
                    )
                for name, data in import_export_posts(model_admin, request):
                    with transaction.atomic():
                        response = client.post(reverse(f"{prefix}_export"), data)
                        transaction.set_rollback(True)
                    assert response.status_code == 200 and is_spreadsheet(response), (label, name, response.status_code)
                    found, count = formula_problems(response, f"{label} export {name}")
                    problems += found
                    planted += count
                    exports.append(f"{label} {name}")
            rows = list(model._default_manager.values_list("pk", flat=True)[:50])
            if not rows:
                continue
            for action in model_admin.get_actions(request):
                if action == "delete_selected":
                    continue
                with transaction.atomic():
                    response = client.post(
                        reverse(f"{prefix}_changelist"), {"action": action, "_selected_action": rows, "index": 0}
                    )
                    transaction.set_rollback(True)
                if is_spreadsheet(response):
                    found, count = formula_problems(response, f"{label} action {action}")
                    assert count, f"{label} action {action}: the planted formulas are not in the export"
                    problems += found
                    planted += count
                    exports.append(f"{label} {action}")
    finally:
        logging.disable(logging.NOTSET)
    assert {"accounts.TraineeProfile SafeCSV of TraineeResource", "exams.Question export_xlsx"} <= set(exports), exports
    assert planted > 10, "the walk read no planted formula: is planting still reaching the exported columns?"
    assert not problems, "\n".join(problems[:40])


# --- the source -----------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[2]
HELPER = ROOT / "accounts" / "spreadsheets.py"
WRITER_MODULES = {"csv", "openpyxl", "xlsxwriter", "odf", "pyexcel", "xlwt"}
EXPORT_CALLS = {"export", "export_set", "export_data", "export_stream_set", "Workbook"}
SPREADSHEET_TYPES = ("text/csv", "spreadsheetml", "ms-excel", "opendocument.spreadsheet", "tab-separated-values")


def writers_in(source: str, name: str) -> list[str]:
    """Where a module writes CSV or XLSX itself: imports, tablib/openpyxl export calls, content types."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [
                f"{name}:{node.lineno} import {a.name}" for a in node.names if a.name.split(".")[0] in WRITER_MODULES
            ]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] in WRITER_MODULES:
            found.append(f"{name}:{node.lineno} from {node.module} import …")
        elif isinstance(node, ast.Call):
            called = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if called in EXPORT_CALLS:
                found.append(f"{name}:{node.lineno} {called}(…)")
        elif (
            isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value) < 200
            and any(kind in node.value for kind in SPREADSHEET_TYPES)
        ):  # fmt: skip
            found.append(f"{name}:{node.lineno} {node.value!r}")
    return found


def app_modules() -> list[Path]:
    return sorted(
        path for app in (*APPS, "config") for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts and path != HELPER
    )  # fmt: skip


def test_only_the_shared_helper_writes_spreadsheets():
    found = [hit for path in app_modules() for hit in writers_in(path.read_text(), str(path.relative_to(ROOT)))]
    assert not found, (
        "CSV/XLSX written outside accounts/spreadsheets.py — use spreadsheets.spreadsheet_response or "
        "write_csv/write_xlsx (an import-export admin: export_formats = spreadsheets.EXPORT_FORMATS):\n"
        + "\n".join(found)
    )


@pytest.mark.parametrize(
    "source",
    [
        "import csv\nw = csv.writer(f)",
        "from openpyxl import Workbook",
        "data.export('xlsx')",
        "XLSX().export_data(data)",
        "HttpResponse(body, content_type='text/csv')",
        "ct = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'",
    ],
)
def test_the_scan_sees_a_new_writer(source):
    assert writers_in(source, "new.py")


def test_the_scan_leaves_reading_alone():
    assert not writers_in("tablib.Dataset().load(raw, format='xlsx')", "imports.py")
    assert len(app_modules()) > 50 and HELPER.exists()


def test_the_helpers_keep_a_planted_formula_as_text():
    data = tablib.Dataset(headers=["name"])
    data.append(['=HYPERLINK("http://x","y")'])
    book = openpyxl.load_workbook(io.BytesIO(spreadsheets.write_xlsx(data)))
    cell = book.active["A2"]
    assert (cell.data_type, cell.value, cell.quotePrefix) == ("s", '=HYPERLINK("http://x","y")', True)
    assert spreadsheets.write_csv(data).splitlines()[1] == '"\'=HYPERLINK(""http://x"",""y"")"'
