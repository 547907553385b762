"""Rows and files the import tests share: one valid question row, changed per test, the files that hold rows, and
the preview of an upload on an import page."""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any

import openpyxl
import tablib
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from exams import imports as question_imports

#: A single-choice question the bank accepts, but for its course (:func:`question_row`).
VALID_QUESTION = {
    "family": "", "version": "", "knowledge_area": "law", "difficulty": 2, "type": "single", "status": "active",
    "text_zh": "題", "text_en": "Q", "options_zh": "甲 | 乙", "options_en": "a | b", "correct": "A",
    "rubric_zh": "", "rubric_en": "", "max_score": 1,
}  # fmt: skip


def question_row(course: str, /, **changes: Any) -> dict[str, Any]:
    """A row of the question import, valid for the course coded ``course`` unless ``changes`` say otherwise."""
    return VALID_QUESTION | {"course": course} | changes


def question_dataset(
    rows: Iterable[dict[str, Any]], headers: Sequence[str] = question_imports.HEADERS
) -> tablib.Dataset:
    """The rows under ``headers`` (a cell a row lacks is empty), as the import reads a file."""
    data = tablib.Dataset(headers=list(headers))
    for values in rows:
        data.append([values.get(header, "") for header in headers])
    return data


def question_file(
    rows: Iterable[dict[str, Any]],
    headers: Sequence[str] = question_imports.HEADERS,
    *,
    name: str = "questions.csv",
    encoding: str = "utf-8",
) -> SimpleUploadedFile:
    """The rows as a CSV upload (``encoding="cp950"``: as Excel in Taiwan saves it), or XLSX for a ``.xlsx`` name."""
    data = question_dataset(rows, headers)
    if name.endswith(".xlsx"):
        return SimpleUploadedFile(name, data.export("xlsx"), content_type="application/octet-stream")
    return SimpleUploadedFile(name, data.export("csv").encode(encoding), content_type="text/csv")


def csv_upload(lines: list[str], name: str = "people.csv") -> SimpleUploadedFile:
    """A CSV of these lines (UTF-8)."""
    return SimpleUploadedFile(name, "\n".join(lines).encode("utf-8"), content_type="text/csv")


def xlsx_upload(rows: list[list[object]], name: str = "people.xlsx") -> SimpleUploadedFile:
    """A workbook whose sheet holds ``rows`` from row 1 (a row of None is a blank row), each cell as given: a date
    stays a date cell, a number a number cell."""
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def preview(client: Client, url: str, upload: SimpleUploadedFile):
    """The first step of the trainee or enrolment import: the page with the preview or the refused rows."""
    return client.post(url, {"import_file": upload, "format": "0", "resource": "0"})
