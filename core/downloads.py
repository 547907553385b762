"""How a file the portal hands out is named: in the page's language, safe on any computer, and sent so that every
browser keeps the name.

- :func:`safe_file_name`: a name as a person would write it (Chinese kept), without the characters Windows, macOS
  or Linux refuse in a file's name (``\\ / : * ? " < > |``, control characters) or that hide it (a leading dot);
- :func:`dated_file_name`: "學員資料 2027-03-06.csv" — what, on which day of the portal's time zone (not UTC's: before
  08:00 in Taipei UTC's day is yesterday), of which format;
- :func:`attachment`: the ``Content-Disposition`` of a download: the name as ``filename*`` (RFC 6266, UTF-8) and an
  ASCII ``filename`` for a client that reads no other. A header is ASCII: a name put in ``filename="…"`` as it is
  reached a browser MIME-encoded (``=?utf-8?b?…?=``) and was saved under that.

:class:`core.admin_exports.NamedExportAdmin` names every admin export so.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import override

# Refused in a file's name by one system or another (Windows the most), and the control characters.
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]+')
_SPACES = re.compile(r"\s+")
# A name longer than this is cut (most file systems take 255 bytes; a Chinese character is 3 in UTF-8).
LONGEST = 80


def safe_file_name(text: str | Promise, *, fallback: str = "export") -> str:
    """``text`` as a file's name: each run of unsafe characters one "-", spaces one space, no leading or trailing
    dot, dash or space, at most :data:`LONGEST` characters; ``fallback`` if nothing is left."""
    name = unicodedata.normalize("NFC", force_str(text))
    name = _SPACES.sub(" ", _UNSAFE.sub("-", name)).strip(" .-")[:LONGEST].strip(" .-")
    return name or fallback


def ascii_file_name(text: str | Promise, *, fallback: str = "export") -> str:
    """``text`` as a file's name of ASCII characters only (the ``filename`` beside ``filename*``): accents dropped,
    other characters left out."""
    letters = unicodedata.normalize("NFKD", force_str(text)).encode("ascii", "ignore").decode("ascii")
    return safe_file_name(letters, fallback=fallback)


def dated_file_name(what: str | Promise, extension: str, *, fallback: str = "export") -> str:
    """ "學員資料 2027-03-06.csv": ``what`` (in the active language), capitalised, and today's date in the portal's
    time zone."""
    return f"{safe_file_name(capfirst(force_str(what)), fallback=fallback)} {timezone.localdate():%Y-%m-%d}.{extension}"


def english_dated_file_name(what: str | Promise, extension: str, *, fallback: str = "export") -> str:
    """:func:`dated_file_name` in English and ASCII: the name a client that cannot read ``filename*`` saves under."""
    with override("en"):
        return ascii_file_name(dated_file_name(what, extension, fallback=fallback), fallback=fallback)


def attachment(file_name: str, *, ascii_name: str | None = None) -> str:
    """The ``Content-Disposition`` of a download saved as ``file_name``: ``filename*`` in UTF-8 when the name is not
    ASCII, with ``ascii_name`` (else the name's ASCII letters) as ``filename``."""
    if file_name.isascii():
        return f'attachment; filename="{safe_file_name(file_name)}"'
    fallback = ascii_file_name(ascii_name or file_name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"
