"""The demo's syllabi are read from courses/demo_data/syllabi.json and checked on load: a mistake in the
file is named by its course and place, not found later as a refused save or a missing anchor."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest

from courses import demo_syllabi
from courses.demo_syllabi import SyllabusDataError
from courses.knowledge import KnowledgeArea


def edited(tmp_path: Path, edit) -> Path:
    """A copy of the data file with ``edit`` applied to its content."""
    data = json.loads(demo_syllabi.DATA_FILE.read_text(encoding="utf-8"))
    edit(data)
    path = tmp_path / "syllabi.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def test_the_file_gives_every_name_the_demo_uses():
    codes = list(demo_syllabi.SYLLABI)
    assert len(codes) == 12 and codes[0] == "BCM-101"
    current, earlier = demo_syllabi.IN_FORCE_FROM, (demo_syllabi.EARLIER_FROM, demo_syllabi.EARLIER_UNTIL)
    assert current == datetime.date(2025, 1, 1)
    assert earlier == (datetime.date(2022, 1, 1), datetime.date(2024, 12, 31))
    assert earlier[1] + datetime.timedelta(days=1) == current  # ended the day before
    topics = demo_syllabi.topics_of(demo_syllabi.SYLLABI["BCM-101"])
    assert topics[1] == ("商業銀行業務概覽：存款、授信、結算與理財", topics[1][1], "finance", Decimal("1.5"))
    assert all(type(area) is str and type(hours) is Decimal for _zh, _en, area, hours in topics)
    texts = demo_syllabi.texts_of(demo_syllabi.SYLLABI["BCM-102"])
    assert texts["textbook_publisher_zh"] == "台灣金融研訓院" and texts["textbook_edition"] == 3
    assert texts["readings_en"].count("\n") == 2


def test_the_earlier_bcm_101_keeps_the_current_outcomes_and_readings_with_its_own_textbook_and_topics():
    current, earlier = demo_syllabi.SYLLABI["BCM-101"], demo_syllabi.EARLIER_BCM_101
    assert (earlier.outcomes, earlier.readings) == (current.outcomes, current.readings)
    assert (earlier.textbook.edition, current.textbook.edition) == (3, 4)
    assert sum(t.hours for t in earlier.topics) == sum(t.hours for t in current.topics) == 5
    assert "洗錢防制" not in "".join(t.title_zh for t in earlier.topics)


def test_an_unknown_knowledge_area_names_its_course_and_topic(tmp_path):
    def misspell(data):
        data["syllabi"]["BCM-103"]["topics"][1]["area"] = "marketting"

    with pytest.raises(SyllabusDataError) as refused:
        demo_syllabi.load(edited(tmp_path, misspell))
    message = str(refused.value)
    assert message.startswith("syllabi.json, BCM-103, topic 2: unknown knowledge area 'marketting'")
    assert all(area in message for area in KnowledgeArea.values)


def test_an_unknown_knowledge_area_of_the_earlier_version_names_it(tmp_path):
    def misspell(data):
        data["earlier_bcm_101"]["topics"][0]["area"] = "Marketing"  # the label, not the stored value

    with pytest.raises(SyllabusDataError, match=r"BCM-101 \(earlier version\), topic 1: unknown knowledge area"):
        demo_syllabi.load(edited(tmp_path, misspell))


@pytest.mark.parametrize(
    ("edit", "says"),
    [
        (lambda d: d["syllabi"]["BCM-201"]["topics"][0].update(hours=2), "BCM-201, topic 1: expected str, found 2"),
        (lambda d: d["syllabi"]["BCM-201"]["topics"][0].update(hours="two"), "BCM-201, topic 1: the hours 'two'"),
        (lambda d: d["syllabi"]["BCM-211"]["textbook"].pop("isbn"), "BCM-211, textbook: expected the fields"),
        (lambda d: d["syllabi"]["BCM-212"]["readings"][0].update(note="x"), "BCM-212, reading 1: expected the fields"),
        (lambda d: d["syllabi"]["BCM-221"]["textbook"].update(year="2023"), "BCM-221, textbook: expected int"),
        (lambda d: d["earlier_bcm_101"].update(in_force_until="2024-13-01"), "(earlier version), in_force_until"),
        (lambda d: d["syllabi"].pop("BCM-101"), "outcomes and readings are BCM-101's, which is missing"),
    ],
)
def test_a_malformed_entry_is_named(tmp_path, edit, says):
    with pytest.raises(SyllabusDataError) as refused:
        demo_syllabi.load(edited(tmp_path, edit))
    assert says in str(refused.value)


def test_the_file_keeps_chinese_as_written():
    text = demo_syllabi.DATA_FILE.read_text(encoding="utf-8")
    assert "\\u" not in text and "台灣金融研訓院" in text
