"""Checks on uploaded spreadsheets (the trainee, enrolment and question imports).

A file is accepted when its name ends in .csv or .xlsx, it is no bigger than
``IMPORT_MAX_UPLOAD_BYTES``, and its content is what the name says: an XLSX is a zip with a
workbook inside; a CSV is text (UTF-8 or Big5/cp950, as Excel in Taiwan saves it), with no
NUL byte. A renamed binary or a spreadsheet in another format is refused before it is parsed.
"""

from __future__ import annotations

import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

SNIFF_BYTES = 64 * 1024


def _head(upload: UploadedFile, size: int) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _looks_like_xlsx(upload: UploadedFile) -> bool:
    if not _head(upload, 4).startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)
    return "[Content_Types].xml" in names and "xl/workbook.xml" in names


def _looks_like_csv(upload: UploadedFile) -> bool:
    head = _head(upload, SNIFF_BYTES)
    if b"\x00" in head:
        return False
    for encoding in ("utf-8-sig", "cp950"):
        try:
            text = head.decode(encoding)
        except UnicodeDecodeError as error:
            # The sample may end inside a multi-byte character.
            if error.start < len(head) - 4:
                continue
            text = head[: error.start].decode(encoding)
        return not any(ord(c) < 32 and c not in "\t\r\n" for c in text)
    return False


#: For a file of no bytes; Django's own words read, in Chinese, as if no file had been chosen.
EMPTY_FILE_MESSAGE = _("The file is empty: it holds not even a header row. Choose the file again, or save it anew.")


def validate_tabular_upload(upload: UploadedFile) -> str:
    """Return ``"csv"`` or ``"xlsx"``; raise ValidationError with a message for the person."""
    limit = settings.IMPORT_MAX_UPLOAD_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file is larger than %(mb)s MB. Split it and import the parts.") % {"mb": limit // (1024 * 1024)},
            code="too_big",
        )
    name = (upload.name or "").lower()
    if name.endswith(".xlsx"):
        if not _looks_like_xlsx(upload):
            raise ValidationError(_("This file is not an XLSX workbook, whatever its name says."), code="not_xlsx")
        return "xlsx"
    if name.endswith(".csv"):
        if not _looks_like_csv(upload):
            raise ValidationError(
                _("This file is not a CSV text file (UTF-8 or Big5), whatever its name says."), code="not_csv"
            )
        return "csv"
    raise ValidationError(_("Only CSV and XLSX files can be imported."), code="bad_type")
