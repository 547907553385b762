"""The demo's unified syllabi: one for each of the 12 national courses, written for the demo.

The content lives in ``demo_data/syllabi.json`` (UTF-8, zh-Hant as written); this module reads and
checks it once, on import. Topics carry the knowledge areas of DOMAIN.md section D (the same areas
that tag the demo's exam questions, stored by their values, e.g. ``"marketing"``) and add up to each
course's class hours (migration 0008; hours are strings, read as decimals). The textbooks are the
program's unified textbooks as a demo imagines them: published by 台灣金融研訓院 (Taiwan Academy of
Banking and Finance, which does publish banking textbooks), with made-up ISBNs whose check digits
are right. BCM-101 also has an earlier version, ended the day before the current one, so the
course page shows how versions follow each other: ``earlier_bcm_101`` gives its dates, textbook
(the third edition) and topics (before the anti-money-laundering topic was added, its hour went to
banking business); its outcomes and readings are the current version's.
"""

from __future__ import annotations

import dataclasses
import datetime
import decimal
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, TypeVar

from .knowledge import KnowledgeArea

T = TypeVar("T")

DATA_FILE = Path(__file__).with_name("demo_data") / "syllabi.json"


class SyllabusDataError(ValueError):
    """The data file says something the loader cannot take; the message names the course and the place."""


@dataclass(frozen=True)
class Line:
    """One line of bilingual text (a learning outcome, a reading, the publisher)."""

    zh: str
    en: str


@dataclass(frozen=True)
class Textbook:
    title_zh: str
    title_en: str
    edition: int
    year: int
    isbn: str


@dataclass(frozen=True)
class Topic:
    title_zh: str
    title_en: str
    area: KnowledgeArea
    hours: Decimal


@dataclass(frozen=True)
class Syllabus:
    outcomes: tuple[Line, ...]
    textbook: Textbook
    topics: tuple[Topic, ...]
    readings: tuple[Line, ...]


def _fields(raw: object, names: tuple[str, ...], where: str) -> dict[str, Any]:
    if not isinstance(raw, dict) or set(raw) != set(names):
        found = sorted(raw) if isinstance(raw, dict) else type(raw).__name__
        raise SyllabusDataError(f"{where}: expected the fields {list(names)}, found {found}")
    return raw


def _of_type(value: object, kind: type[T], where: str) -> T:
    if not isinstance(value, kind) or isinstance(value, bool):
        raise SyllabusDataError(f"{where}: expected {kind.__name__}, found {value!r}")
    return value


def _list(raw: object, where: str) -> list[object]:
    return _of_type(raw, list, where)


def _line(raw: object, where: str) -> Line:
    fields = _fields(raw, ("zh", "en"), where)
    return Line(_of_type(fields["zh"], str, where), _of_type(fields["en"], str, where))


def _lines(raw: object, where: str, each: str) -> tuple[Line, ...]:
    return tuple(_line(line, f"{where}, {each} {n}") for n, line in enumerate(_list(raw, where), 1))


def _date(raw: object, where: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(_of_type(raw, str, where))
    except ValueError as error:
        raise SyllabusDataError(f"{where}: {error}") from None


def _textbook(raw: object, where: str) -> Textbook:
    f = _fields(raw, ("title_zh", "title_en", "edition", "year", "isbn"), where)
    return Textbook(
        title_zh=_of_type(f["title_zh"], str, where),
        title_en=_of_type(f["title_en"], str, where),
        edition=_of_type(f["edition"], int, where),
        year=_of_type(f["year"], int, where),
        isbn=_of_type(f["isbn"], str, where),
    )


def _topic(raw: object, where: str) -> Topic:
    f = _fields(raw, ("title_zh", "title_en", "area", "hours"), where)
    area, hours = _of_type(f["area"], str, where), _of_type(f["hours"], str, where)
    if area not in KnowledgeArea.values:
        known = ", ".join(KnowledgeArea.values)
        raise SyllabusDataError(f"{where}: unknown knowledge area {area!r} (known: {known})")
    try:
        hours_decimal = Decimal(hours)
    except decimal.InvalidOperation:
        raise SyllabusDataError(f"{where}: the hours {hours!r} are not a number") from None
    title_zh, title_en = _of_type(f["title_zh"], str, where), _of_type(f["title_en"], str, where)
    return Topic(title_zh, title_en, KnowledgeArea(area), hours_decimal)


def _topics(raw: object, where: str) -> tuple[Topic, ...]:
    return tuple(_topic(topic, f"{where}, topic {n}") for n, topic in enumerate(_list(raw, where), 1))


def _syllabus(raw: object, code: str) -> Syllabus:
    f = _fields(raw, ("outcomes", "textbook", "topics", "readings"), code)
    return Syllabus(
        outcomes=_lines(f["outcomes"], code, "outcome"),
        textbook=_textbook(f["textbook"], f"{code}, textbook"),
        topics=_topics(f["topics"], code),
        readings=_lines(f["readings"], code, "reading"),
    )


@dataclass(frozen=True)
class DemoSyllabi:
    """What the data file holds, checked."""

    publisher: Line
    in_force_from: datetime.date
    syllabi: dict[str, Syllabus]
    earlier_bcm_101: Syllabus
    earlier_from: datetime.date
    earlier_until: datetime.date


def load(path: Path = DATA_FILE) -> DemoSyllabi:
    """Read and check the data file; a :class:`SyllabusDataError` names the file, the course and what is wrong."""
    try:
        return _demo_syllabi(json.loads(path.read_text(encoding="utf-8")))
    except SyllabusDataError as error:
        raise SyllabusDataError(f"{path.name}, {error}") from None


def _demo_syllabi(raw: object) -> DemoSyllabi:
    data = _fields(raw, ("publisher", "in_force_from", "syllabi", "earlier_bcm_101"), "the top level")
    syllabi = {code: _syllabus(entry, code) for code, entry in _of_type(data["syllabi"], dict, "syllabi").items()}
    where = "BCM-101 (earlier version)"
    earlier = _fields(data["earlier_bcm_101"], ("in_force_from", "in_force_until", "textbook", "topics"), where)
    if "BCM-101" not in syllabi:
        raise SyllabusDataError(f"{where}: its outcomes and readings are BCM-101's, which is missing")
    return DemoSyllabi(
        publisher=_line(data["publisher"], "publisher"),
        in_force_from=_date(data["in_force_from"], "in_force_from"),
        syllabi=syllabi,
        earlier_bcm_101=dataclasses.replace(
            syllabi["BCM-101"],
            textbook=_textbook(earlier["textbook"], f"{where}, textbook"),
            topics=_topics(earlier["topics"], where),
        ),
        earlier_from=_date(earlier["in_force_from"], f"{where}, in_force_from"),
        earlier_until=_date(earlier["in_force_until"], f"{where}, in_force_until"),
    )


_DATA = load()
PUBLISHER = _DATA.publisher
IN_FORCE_FROM = _DATA.in_force_from
SYLLABI = _DATA.syllabi
EARLIER_BCM_101 = _DATA.earlier_bcm_101
EARLIER_FROM, EARLIER_UNTIL = _DATA.earlier_from, _DATA.earlier_until


def texts_of(syllabus: Syllabus) -> dict[str, str | int]:
    """The text fields of ``services.do_save_syllabus_version`` for one entry of :data:`SYLLABI`."""
    return {
        "learning_outcomes_zh": "\n".join(line.zh for line in syllabus.outcomes),
        "learning_outcomes_en": "\n".join(line.en for line in syllabus.outcomes),
        "textbook_title_zh": syllabus.textbook.title_zh,
        "textbook_title_en": syllabus.textbook.title_en,
        "textbook_edition": syllabus.textbook.edition,
        "textbook_year": syllabus.textbook.year,
        "textbook_isbn": syllabus.textbook.isbn,
        "textbook_publisher_zh": PUBLISHER.zh,
        "textbook_publisher_en": PUBLISHER.en,
        "readings_zh": "\n".join(line.zh for line in syllabus.readings),
        "readings_en": "\n".join(line.en for line in syllabus.readings),
    }


def topics_of(syllabus: Syllabus) -> list[tuple[str, str, str, Decimal]]:
    return [(t.title_zh, t.title_en, t.area.value, t.hours) for t in syllabus.topics]
