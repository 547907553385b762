"""The exchange's post list in admin, as a laptop shows it (tests/browser/test_admin_post_list.py measures it): a
post is its number and the start of its text, all of it on hover; its author a name, the address on hover; what it
is, one column of words. The list reads its rows in a fixed number of queries, however many posts and cohorts."""

import html
import re

import pytest
from django.test import Client

from courses import services as training
from exchange import services as exchange
from exchange.models import Post
from tests.conftest import in_english, logged_in
from tests.factories import CohortFactory, UserFactory

pytestmark = pytest.mark.django_db

LONG = (
    "請問老師：客戶經理在開發新客戶時，「了解你的客戶」（KYC）\n\n"
    "和風險屬性評估有什麼不同？兩者都要在開戶時做嗎？還是只有買投資型商品時才要？"
)


def discussion(institution, n: int) -> list[Post]:
    """A question and an answer in a cohort of its own, by two people."""
    cohort = CohortFactory(institution=institution, code=f"A-EXCHANGE-{n}")
    course = cohort.curriculum.entries.order_by("course__code").first().course
    asker, answerer = UserFactory(display_name=f"王小明{n}"), UserFactory(display_name="", email=f"lin{n}@example.test")
    for trainee in (asker, answerer):
        training.do_approve_enrolment(enrolment=training.do_enrol(trainee=trainee, cohort=cohort))
    question = exchange.do_post(by=asker, cohort=cohort, course=course, body=LONG)
    return [question, exchange.do_post(by=answerer, cohort=cohort, course=course, body="見第三章。", parent=question)]


def rows_of(client: Client) -> str:
    page = client.get("/en/admin/exchange/post/").content.decode()
    return re.search(r'<table id="result_list">.*?</table>', page, re.S).group(0)


def test_a_post_is_its_number_and_the_start_of_its_text_its_author_a_name(institution, institution_admin):
    question, answer = discussion(institution, 1)
    rows = rows_of(logged_in(in_english(institution_admin)))
    one_line = " ".join(LONG.split())
    shown = re.search(rf">#{question.pk} <span class=\"break-anywhere\" title=\"([^\"]+)\">([^<]+)</span>", rows)
    assert shown and html.unescape(shown.group(1)) == one_line  # all of it on hover, on one line
    assert shown.group(2).endswith("…") and len(shown.group(2)) <= 50
    assert f'<span title="{question.author.email}">王小明1</span>' in rows
    assert f">{answer.author.email}</span>" in rows  # no name: the address, breaking anywhere
    assert '<span class="no-break">question</span>' in rows and '<span class="no-break">answer</span>' in rows


def test_the_post_list_reads_its_rows_in_a_fixed_number_of_queries(
    institution, program_office, django_assert_max_num_queries
):
    client = logged_in(in_english(program_office))
    discussion(institution, 1)
    client.get("/en/admin/exchange/post/")  # the person's session and permissions, as on any page after the first
    with django_assert_max_num_queries(9) as few:
        rows_of(client)
    for n in range(2, 8):
        discussion(institution, n)
    with django_assert_max_num_queries(len(few)):
        assert rows_of(client).count("<tr") == 1 + 14
