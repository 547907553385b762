"""The unified syllabus and textbook (issue 22, item 1): versions by date, the refusals, the course page."""

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import translation

from courses import demo, selectors, services
from courses.demo_syllabi import SYLLABI
from courses.isbn import normalise_isbn
from courses.models import Course, Curriculum, SyllabusTopic, SyllabusVersion
from courses.services import SyllabusError, TopicData
from tests.conftest import in_english, logged_in
from tests.factories import CohortFactory

pytestmark = pytest.mark.django_db

JAN_2025, JUN_2026 = datetime.date(2025, 1, 1), datetime.date(2026, 6, 1)


def texts(isbn: str = "9789867261007", title: str = "銀行客戶經理概論") -> dict:
    return {
        "learning_outcomes_zh": "說明客戶經理的角色。\n辨識銀行的主要業務。",
        "learning_outcomes_en": "Explain the customer manager's role.\nIdentify a bank's main lines of business.",
        "textbook_title_zh": title, "textbook_title_en": "Introduction to Bank Customer Management",
        "textbook_edition": 4, "textbook_year": 2024, "textbook_isbn": isbn,
        "textbook_publisher_zh": "台灣金融研訓院", "textbook_publisher_en": "Taiwan Academy of Banking and Finance",
        "readings_zh": "《銀行法》", "readings_en": "The Banking Act",
    }  # fmt: skip


def topics(*hours: str, area: str = "law") -> list[TopicData]:
    return [TopicData(f"主題{n}", f"Topic {n}", area, Decimal(h)) for n, h in enumerate(hours, start=1)]


def save(course: Course, start: datetime.date, end: datetime.date | None = None, **kwargs) -> SyllabusVersion:
    values = {"texts": texts(), "topics": topics("2", "3")} | kwargs
    return services.do_save_syllabus_version(course=course, in_force_from=start, in_force_until=end, **values)


@pytest.fixture
def course() -> Course:
    return Course.objects.get(code="BCM-101")  # 5 class hours


# --- the catalog's figures ------------------------------------------------------------------


def test_each_curriculums_courses_add_up_to_its_teaching_hours_exactly():
    for curriculum in Curriculum.objects.prefetch_related("courses"):
        assert sum(c.class_hours for c in curriculum.courses.all()) == curriculum.teaching_hours, curriculum


# --- ISBN -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "kept"),
    [
        ("978-986-7261-00-7", "9789867261007"),
        ("ISBN 978 986 7261 00 7", "9789867261007"),
        ("957-9015-45-8", None),  # a wrong ISBN-10 check digit
        ("0-306-40615-2", "9780306406157"),  # an ISBN-10 becomes the ISBN-13 of the same book
        ("0-8044-2957-X", "9780804429573"),  # check digit X
        ("9789867261008", None),  # a wrong ISBN-13 check digit
        ("12345", None),
        ("", None),
    ],
)
def test_an_isbn_is_checked_and_kept_as_isbn13(raw, kept):
    assert normalise_isbn(raw) == kept


def test_a_wrong_isbn_is_refused_and_nothing_is_written(course):
    with pytest.raises(SyllabusError) as refused:
        save(course, JAN_2025, texts=texts(isbn="978-986-7261-00-8"))
    assert refused.value.code == "bad_isbn" and "978-986-7261-00-8" in str(refused.value)
    assert not SyllabusVersion.objects.exists() and not SyllabusTopic.objects.exists()


def test_an_isbn10_is_stored_as_its_isbn13(course):
    assert save(course, JAN_2025, texts=texts(isbn="0-306-40615-2")).textbook_isbn == "9780306406157"


# --- hours ----------------------------------------------------------------------------------


def test_topics_that_do_not_add_up_to_the_courses_class_hours_are_refused(course):
    with translation.override("en"), pytest.raises(SyllabusError) as refused:
        save(course, JAN_2025, topics=topics("2", "2"))
    assert refused.value.code == "hours_mismatch"
    assert str(refused.value) == "The topics add up to 4 class hours; the course BCM-101 has 5."
    assert not SyllabusVersion.objects.exists()


def test_a_syllabus_without_topics_or_with_an_unknown_area_is_refused(course):
    for bad, code in ((topics(), "no_topics"), (topics("5", area="astrology"), "bad_topic")):
        with pytest.raises(SyllabusError) as refused:
            save(course, JAN_2025, topics=bad)
        assert refused.value.code == code
    assert not SyllabusVersion.objects.exists()


def test_the_topics_keep_their_order_hours_and_area(course):
    version = save(course, JAN_2025, topics=topics("1.5", "3.5", area="finance"))
    assert [(t.position, t.title_en, t.hours, t.knowledge_area) for t in version.topics.all()] == [
        (1, "Topic 1", Decimal("1.5"), "finance"),
        (2, "Topic 2", Decimal("3.5"), "finance"),
    ]


# --- versions by date -----------------------------------------------------------------------


def test_the_version_in_force_on_a_day_applies(course):
    old = save(course, datetime.date(2022, 1, 1), datetime.date(2024, 12, 31))
    new = save(course, JAN_2025)
    assert selectors.syllabus_in_force(course, on=datetime.date(2021, 12, 31)) is None
    assert selectors.syllabus_in_force(course, on=datetime.date(2022, 1, 1)) == old
    assert selectors.syllabus_in_force(course, on=datetime.date(2024, 12, 31)) == old  # its last day included
    assert selectors.syllabus_in_force(course, on=JAN_2025) == new
    assert selectors.syllabus_in_force(course, on=datetime.date(2031, 1, 1)) == new


def test_a_cohort_follows_the_version_in_force_on_its_start_date_even_after_a_new_one(course):
    old = save(course, datetime.date(2022, 1, 1), datetime.date(2026, 1, 31))
    new = save(course, datetime.date(2026, 2, 1))
    january = CohortFactory(starts_on=datetime.date(2026, 1, 20), ends_on=datetime.date(2026, 3, 20))
    february = CohortFactory(starts_on=datetime.date(2026, 2, 1), ends_on=datetime.date(2026, 4, 1))
    assert selectors.syllabus_of_cohort(january, course) == old  # still running when the new one came
    assert selectors.syllabus_of_cohort(february, course) == new


# --- overlap --------------------------------------------------------------------------------


def test_a_second_open_ended_version_is_refused_with_a_translated_message_and_nothing_written(course):
    first = save(course, JAN_2025)
    before = list(SyllabusTopic.objects.values_list("pk", "title_zh"))
    with translation.override("en"), pytest.raises(SyllabusError) as refused:
        save(course, JUN_2026, texts=texts(title="新版"))
    assert refused.value.code == "overlap"
    assert "Set that version's last day first" in str(refused.value)
    assert list(SyllabusVersion.objects.all()) == [first]
    assert list(SyllabusTopic.objects.values_list("pk", "title_zh")) == before


def test_a_period_overlapping_a_closed_version_is_refused_and_an_adjacent_one_is_not(course):
    save(course, datetime.date(2023, 1, 1), datetime.date(2024, 12, 31))
    for start, end in ((datetime.date(2024, 12, 31), None), (datetime.date(2022, 1, 1), datetime.date(2023, 1, 1)),
                       (datetime.date(2022, 1, 1), None)):  # fmt: skip
        with pytest.raises(SyllabusError) as refused:
            save(course, start, end)
        assert refused.value.code == "overlap"
    save(course, JAN_2025)  # from the day after: fine
    save(course, datetime.date(2020, 1, 1), datetime.date(2022, 12, 31))  # until the day before: fine
    assert SyllabusVersion.objects.count() == 3


def test_the_overlap_message_reads_in_chinese(course):
    from django.utils import translation

    save(course, JAN_2025)
    with translation.override("zh-hant"), pytest.raises(SyllabusError) as refused:
        save(course, JUN_2026)
    assert refused.value.code == "overlap"


def test_moving_a_version_into_anothers_period_is_refused_and_it_keeps_its_dates(course):
    first = save(course, datetime.date(2023, 1, 1), datetime.date(2024, 12, 31))
    second = save(course, JAN_2025)
    with pytest.raises(SyllabusError):
        save(course, datetime.date(2024, 6, 1), version=second)
    second.refresh_from_db()
    assert second.in_force_from == JAN_2025
    save(course, datetime.date(2023, 1, 1), datetime.date(2024, 6, 30), version=first)  # shortening itself: fine


def test_versions_of_different_courses_do_not_overlap_each_other(course):
    save(course, JAN_2025)
    other = Course.objects.get(code="BCM-102")
    save(other, JAN_2025, topics=topics("6"))
    assert SyllabusVersion.objects.count() == 2


def test_dates_out_of_order_are_refused(course):
    with pytest.raises(SyllabusError) as refused:
        save(course, JAN_2025, datetime.date(2024, 1, 1))
    assert refused.value.code == "bad_dates"


# --- the demo -------------------------------------------------------------------------------


def test_the_demo_gives_all_twelve_courses_a_bilingual_syllabus_and_textbook_and_loads_twice_the_same():
    demo.load_syllabi()
    demo.load_syllabi()
    today = datetime.date.today()
    assert set(SYLLABI) == set(Course.objects.values_list("code", flat=True))
    for course in Course.objects.all():
        version = selectors.syllabus_in_force(course, on=today)
        assert version is not None, course.code
        assert normalise_isbn(version.textbook_isbn) == version.textbook_isbn
        for field in ("learning_outcomes", "textbook_title", "textbook_publisher", "readings"):
            assert getattr(version, f"{field}_zh").strip() and getattr(version, f"{field}_en").strip(), field
        found = list(version.topics.all())
        assert sum(t.hours for t in found) == course.class_hours
        assert all(t.title_zh and t.title_en for t in found)
        assert len({t.knowledge_area for t in found}) >= 3
    assert SyllabusVersion.objects.count() == 13  # BCM-101 has its earlier version too
    assert selectors.syllabus_in_force(Course.objects.get(code="BCM-101"), on=datetime.date(2023, 6, 1)) is not None


# --- the course page ------------------------------------------------------------------------


def test_the_course_page_shows_the_syllabus_and_textbook_in_chinese_and_english():
    demo.load_syllabi()
    zh = Client().get("/zh-hant/catalog/courses/BCM-212/").content.decode()
    for text in ("財務報表結構與會計原則", "會計", "台灣金融研訓院", "978-9867266354", "國際財務報導準則",
                 'id="area-accounting"', "商業銀行客戶財務分析與信用評估"):  # fmt: skip
        assert text in zh, text
    en = Client().get("/en/catalog/courses/BCM-212/").content.decode()
    for text in ("Learning outcomes", "The structure of financial statements and accounting principles",
                 "accounting", "Taiwan Academy of Banking and Finance", "edition 3", "16 h",
                 "International Financial Reporting Standards"):  # fmt: skip
        assert text in en, text
    assert "財務報表結構" not in en


def test_the_course_page_shows_the_version_of_a_day_and_lists_the_versions():
    demo.load_syllabi()
    earlier = Client().get("/en/catalog/courses/BCM-101/?on=2023-06-01").content.decode()
    assert "edition 3" in earlier and "Professional ethics and compliance" in earlier
    assert "for cohorts starting on" in earlier
    current = Client().get("/en/catalog/courses/BCM-101/?on=not-a-date").content.decode()  # today
    assert "edition 4" in current and 'id="syllabus-versions"' in current


def test_a_course_without_a_syllabus_says_so_and_an_unknown_course_is_404():
    assert 'id="no-syllabus"' in Client().get("/en/catalog/courses/BCM-101/").content.decode()
    assert Client().get("/en/catalog/courses/NOPE-1/").status_code == 404


def test_the_course_page_costs_the_same_few_queries_whatever_the_syllabus(django_assert_max_num_queries):
    demo.load_syllabi()
    with django_assert_max_num_queries(5):
        Client().get("/en/catalog/courses/BCM-101/")
    with django_assert_max_num_queries(5):
        Client().get("/en/catalog/courses/BCM-201/")  # more topics, same queries


def test_the_tier_page_and_a_cohort_page_link_to_the_course_pages():
    tier = Client().get("/en/catalog/assistant/").content.decode()
    assert 'href="/en/catalog/courses/BCM-101/"' in tier
    cohort = CohortFactory(code="LINKS-1", starts_on=datetime.date(2026, 3, 2), ends_on=datetime.date(2026, 5, 1))
    page = Client().get(f"/en/cohorts/{cohort.code}/").content.decode()
    assert "/en/catalog/courses/BCM-101/?on=2026-03-02" in page


# --- the admin ------------------------------------------------------------------------------


def admin_post(course: Course, start: str, end: str = "", rows=(("2", "law"), ("3", "finance"))) -> dict:
    data = {"course": course.pk, "in_force_from": start, "in_force_until": end, **texts()}
    data |= {"topics-TOTAL_FORMS": len(rows), "topics-INITIAL_FORMS": 0, "topics-MIN_NUM_FORMS": 1,
             "topics-MAX_NUM_FORMS": 1000}  # fmt: skip
    for n, (hours, area) in enumerate(rows):
        row = {
            "position": n + 1,
            "title_zh": f"主題{n}",
            "title_en": f"Topic {n}",
            "knowledge_area": area,
            "hours": hours,
        }
        data |= {f"topics-{n}-{name}": value for name, value in row.items()}
    return data


ADD = "/en/admin/courses/syllabusversion/add/"


def test_the_office_adds_a_version_with_its_topics_in_admin(program_office, course):
    office = logged_in(in_english(program_office))
    response = office.post(ADD, admin_post(course, "2025-01-01", rows=(("2", "law"), ("3", "finance"))))
    assert response.status_code == 302, response.content.decode()[:3000]
    version = SyllabusVersion.objects.get()
    assert version.recorded_by == program_office
    assert [(t.title_en, t.knowledge_area) for t in version.topics.all()] == [
        ("Topic 0", "law"),
        ("Topic 1", "finance"),
    ]


def test_admin_shows_the_refusals_and_writes_nothing(program_office, course):
    office = logged_in(in_english(program_office))
    save(course, JAN_2025)
    overlap = office.post(ADD, admin_post(course, "2026-01-01")).content.decode()
    assert "overlaps the syllabus version in force from" in overlap
    hours = office.post(ADD, admin_post(course, "2020-01-01", "2020-12-31", rows=(("2", "law"),))).content.decode()
    assert "The topics add up to 2 class hours; the course BCM-101 has 5." in hours
    bad = admin_post(course, "2019-01-01", "2019-12-31") | {"textbook_isbn": "9789867261008"}
    assert "is not a valid ISBN" in office.post(ADD, bad).content.decode()
    assert SyllabusVersion.objects.count() == 1 and SyllabusTopic.objects.count() == 2


def test_institution_staff_read_the_syllabus_in_admin_but_cannot_change_it(institution_admin, course):
    version = save(course, JAN_2025)
    alice = logged_in(in_english(institution_admin))
    assert alice.get(f"/en/admin/courses/syllabusversion/{version.pk}/change/").status_code == 200
    assert alice.get(ADD).status_code == 403
    assert alice.post(ADD, admin_post(course, "2020-01-01", "2020-12-31")).status_code == 403
    assert SyllabusVersion.objects.count() == 1


# --- the syllabus rules, at the service: each refusal's code, words and field -----------------------


@contextmanager
def refused(code: str, message: str, field: str | None = None) -> Iterator[None]:
    """The block is refused with ``code``, read in English exactly ``message``, pinned to ``field``."""
    with translation.override("en"):
        with pytest.raises(SyllabusError) as caught:
            yield
        words = str(caught.value)  # a message without arguments is translated only now
    assert (caught.value.code, words, caught.value.field) == (code, message, field)


BAD_ISBN = "“{}” is not a valid ISBN: give the 10 or 13 digits printed on the book (check digit included)."


@pytest.mark.parametrize("raw", ["978-986-7261-00-8", "12345", ""])
def test_a_bad_isbn_is_refused_in_words_on_its_field(raw):
    with refused("bad_isbn", BAD_ISBN.format(raw), "textbook_isbn"):
        services.clean_isbn(raw)


def test_a_syllabus_without_an_isbn_is_refused_and_nothing_is_written(course):
    without = {name: value for name, value in texts().items() if name != "textbook_isbn"}
    with refused("bad_isbn", BAD_ISBN.format(""), "textbook_isbn"):
        save(course, JAN_2025, texts=without)
    assert not SyllabusVersion.objects.exists()


def test_a_version_in_force_for_a_single_day_is_taken_and_one_ending_before_it_starts_is_not(course):
    assert save(course, JAN_2025, JAN_2025).in_force_until == JAN_2025
    with refused("bad_dates", "A syllabus version cannot end before it comes into force.", "in_force_until"):
        save(course, datetime.date(2025, 3, 2), datetime.date(2025, 3, 1))
    assert SyllabusVersion.objects.count() == 1


def test_the_overlap_refusals_name_the_version_in_the_way_on_the_start_date(course):
    save(course, datetime.date(2023, 1, 1), datetime.date(2024, 12, 31))
    with refused(
        "overlap",
        "This period overlaps the syllabus version in force from 1 January 2023 to 31 December 2024.",
        "in_force_from",
    ):
        save(course, datetime.date(2024, 12, 31))
    save(course, JAN_2025)
    with refused(
        "overlap",
        "This period overlaps the syllabus version in force from 1 January 2025 with no end date. "
        "Set that version's last day first.",
        "in_force_from",
    ):
        save(course, JUN_2026)
    assert SyllabusVersion.objects.count() == 2


def test_a_version_stays_with_its_course_and_nothing_is_written(course):
    version = save(course, JAN_2025)
    other = Course.objects.get(code="BCM-102")
    with refused("bad_dates", "A syllabus version stays with its course.", "course"):
        save(other, JAN_2025, topics=topics("6"), version=version)
    version.refresh_from_db()
    assert version.course == course and [t.hours for t in version.topics.all()] == [Decimal(2), Decimal(3)]
    assert SyllabusVersion.objects.count() == 1


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ([], "A syllabus needs at least one topic."),
        ([TopicData("主題", " ", "law", Decimal(5))], "Every topic needs its title in both languages."),
        ([TopicData("", "Topic", "law", Decimal(5))], "Every topic needs its title in both languages."),
        ([TopicData("主題", "Topic", "astrology", Decimal(5))], "Choose each topic's knowledge area from the list."),
        (
            [TopicData("主題", "Topic", "law", Decimal(0)), *topics("5")],
            "A topic takes more than 0 and at most 100 class hours.",
        ),
        ([TopicData("主題", "Topic", "law", Decimal(101))], "A topic takes more than 0 and at most 100 class hours."),
    ],
    ids=["none", "no-english-title", "no-chinese-title", "unknown-area", "zero-hours", "over-100-hours"],
)
def test_each_bad_topic_is_refused_in_words(course, bad, message):
    with refused("no_topics" if not bad else "bad_topic", message):
        save(course, JAN_2025, topics=bad)
    assert not SyllabusVersion.objects.exists() and not SyllabusTopic.objects.exists()


def test_a_topic_of_100_hours_is_a_topic_and_then_the_hours_must_add_up(course):
    with refused("hours_mismatch", "The topics add up to 100 class hours; the course BCM-101 has 5."):
        save(course, JAN_2025, topics=topics("100"))


def test_replacing_a_versions_content_drops_readings_no_longer_given(course):
    version = save(course, JAN_2025)
    assert (version.readings_zh, version.readings_en) == ("《銀行法》", "The Banking Act")
    without = {name: value for name, value in texts().items() if not name.startswith("readings_")}
    save(course, JAN_2025, texts=without, version=version)
    version.refresh_from_db()
    assert (version.readings_zh, version.readings_en) == ("", "")
