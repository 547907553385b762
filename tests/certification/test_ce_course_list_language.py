"""The program office's list of continuing-education courses reads its titles in the page's language, as the
course's change page heading does, and sorts by the titles it shows."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape

from certification.models import CECourse
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db


def course(institution, title_zh: str, title_en: str) -> CECourse:
    starts_on = timezone.localdate() + datetime.timedelta(days=7)
    return CECourse.objects.create(
        institution=institution, title_zh=title_zh, title_en=title_en, hours=Decimal(6), starts_on=starts_on,
        ends_on=starts_on, capacity=10,
    )  # fmt: skip


def rows_of(html: str) -> str:
    return html[html.index('id="result_list"') : html.index("</table>", html.index('id="result_list"'))]


def listed(client, language: str, query: str = "") -> str:
    with translation.override(language):
        url = reverse("admin:certification_cecourse_changelist")
    response = client.get(url + query)
    assert response.status_code == 200
    return rows_of(response.content.decode())


@pytest.fixture
def courses(institution):
    return [
        course(institution, "銀行大客戶營銷技巧", "Selling to a bank's large clients"),
        course(institution, "客戶財務分析", "Analysing a client's finances"),
        course(institution, "反洗錢實務", ""),  # no English title: the Chinese one, on either page
    ]


def test_the_english_list_reads_english_titles_and_the_chinese_list_chinese_ones(program_office, courses):
    client = logged_in(program_office)
    english, chinese = listed(client, "en"), listed(client, "zh-hant")
    for each in courses:
        assert escape(each.title_zh) in chinese
        if each.title_en:
            assert escape(each.title_en) in english and each.title_zh not in english
            assert escape(each.title_en) not in chinese
        else:
            assert each.title_zh in english


def test_the_title_column_sorts_by_the_titles_it_shows(program_office, courses):
    client = logged_in(program_office)
    english = listed(client, "en", "?o=1")
    shown = ["Analysing a client's finances", "Selling to a bank's large clients", "反洗錢實務"]
    positions = [english.index(escape(title)) for title in shown]
    assert positions == sorted(positions)
