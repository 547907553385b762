"""What an exam covers (issue 22): the instructions list the paper's blueprint areas, each linked to the
syllabus topics of that area in the version that applies to the sitting's cohort (in force on its start date)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from courses.services import TopicData

from .conftest import login, save_syllabus
from .test_instructions import start_url

pytestmark = pytest.mark.django_db


def syllabus(course, start, end, label: str):
    hours = course.class_hours
    topics = [
        TopicData(f"{label}經濟", f"{label} economy", "economics", hours - 3),
        TopicData(f"{label}授信", f"{label} lending", "finance", Decimal(1)),
        TopicData(f"{label}法規", f"{label} regulations", "law", Decimal(1)),
        TopicData(f"{label}行銷", f"{label} marketing", "marketing", Decimal(1)),  # no question asks about it
    ]
    return save_syllabus(course, topics, start, end)


def test_the_instructions_link_each_blueprint_area_to_the_topics_of_the_cohorts_syllabus(world):
    starts = world.cohort.starts_on
    syllabus(world.course, starts - datetime.timedelta(days=400), starts, "OLD")
    syllabus(world.course, starts + datetime.timedelta(days=1), None, "NEW")
    page = login(world.alice).get(start_url(world.sitting)).content.decode()
    section = page.split('id="exam-coverage"')[1].split("</section>")[0]
    course_url = f"/en/catalog/courses/{world.course.code}/?on={starts:%Y-%m-%d}"
    for area in ("economics", "finance", "law"):  # the blueprint's areas (tests/exams/conftest.make_paper)
        assert f'href="{course_url}#area-{area}"' in section
    assert "1 question" in section
    assert "OLD lending" in section and "OLD regulations" in section
    assert "NEW" not in section, "the version in force on the cohort's start date applies"
    assert "marketing" not in section, "an area no question of the paper draws is not listed"
    assert f'href="{course_url}#topic-3"' in section


def test_without_a_syllabus_the_instructions_still_list_the_areas(world):
    page = login(world.alice).get(start_url(world.sitting)).content.decode()
    section = page.split('id="exam-coverage"')[1].split("</section>")[0]
    # As plain text: the course page has no syllabus, so no #area- anchor to link to.
    assert "<strong>Law</strong>" in section and "#area-" not in section and "The whole syllabus" not in section


def test_the_course_page_has_the_anchors_the_exam_links_to(world, client):
    syllabus(world.course, world.cohort.starts_on, None, "NOW")
    page = client.get(f"/en/catalog/courses/{world.course.code}/?on={world.cohort.starts_on:%Y-%m-%d}").content.decode()
    for anchor in ('id="area-economics"', 'id="area-finance"', 'id="area-law"', 'id="topic-3"'):
        assert anchor in page
