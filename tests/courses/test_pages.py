import pytest
from django.test import Client

from tests.page_text import text_of

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "expected"),
    [("zh-hant", ["助理級", "銀行客戶經理", "高級"]), ("en", ["Assistant", "Standard", "Senior"])],
)
def test_the_catalog_lists_the_tiers_in_each_language(client: Client, language, expected):
    response = client.get(f"/{language}/catalog/")
    assert response.status_code == 200
    html = response.content.decode()
    for name in expected:
        assert name in html
    assert f'lang="{"zh-Hant" if language == "zh-hant" else "en"}"' in html


def test_the_standard_tier_page_shows_both_tracks_with_courses_and_hours(client: Client, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = client.get("/en/catalog/standard/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Corporate banking" in html and "Retail banking" in html
    assert "Customer Financial Analysis and Credit Assessment" in html
    assert "Retail Banking Risk Management" in html
    text = text_of(html)  # the figures are kept with their units on a phone (tests/courses/test_phone_line_breaks.py)
    assert "8 days" in text and "teaching · 64 class hours" in text
    assert "exam preparation · 8 class hours" in text
    # Someone who completed the assistant training owes 6 days / 48 h.
    assert "6 days / 48 h" in text
    # Exam preparation is one day, in the singular.
    assert "1 day / 8 h" in text and "1 days" not in text


def test_the_senior_tier_page_shows_what_lower_training_credits(client: Client):
    html = client.get("/zh-hant/catalog/senior/").content.decode()
    assert "《財富管理》" in html
    # The credit table counts class hours (課時) as the rest of the page does, not clock hours.
    assert "10 天 / 80 課時" in text_of(html)  # after the assistant training
    assert "4 天 / 32 課時" in text_of(html)  # after the standard training on the same track
    assert "小時" not in html


def test_an_unknown_tier_is_a_404_in_the_visitors_language(client: Client):
    response = client.get("/en/catalog/platinum/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    response = client.get("/zh-hant/catalog/platinum/")
    assert response.status_code == 404
    assert "找不到頁面" in response.content.decode()


def test_the_root_redirects_to_the_default_language(client: Client):
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/zh-hant/"


def test_the_language_switch_keeps_the_page(client: Client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/zh-hant/catalog/senior/"})
    assert response.status_code == 302
    assert response["Location"] == "/en/catalog/senior/"
