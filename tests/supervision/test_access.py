"""Who may open the supervision area, and whose figures each reader gets."""

import pytest
from django.urls import reverse

from tests.conftest import logged_in

pytestmark = pytest.mark.django_db

INDEX = reverse("supervision:index")


def test_the_program_office_sees_every_institution_and_may_narrow_to_one(program_office, institution):
    client = logged_in(program_office)
    page = client.get(INDEX, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert page.context["viewer"].institution is None
    narrowed = client.get(INDEX, {"institution": institution.pk})
    assert narrowed.status_code == 200
    assert narrowed.context["viewer"].institution == institution


def test_institution_staff_see_only_their_own_institution(institution_admin, institution, other_institution):
    client = logged_in(institution_admin)
    page = client.get(INDEX)
    assert page.status_code == 200
    assert page.context["viewer"].institution == institution
    assert other_institution.name not in page.content.decode()
    assert client.get(INDEX, {"institution": institution.pk}).status_code == 200
    assert client.get(INDEX, {"institution": other_institution.pk}).status_code == 404
    assert client.get(INDEX, {"institution": "x"}).status_code == 404


MALFORMED_IDS = ["x", "²", "١", "0", "-1", "1.0", " 1", str(2**63), "9" * 5000]


@pytest.mark.parametrize("raw", MALFORMED_IDS)
def test_an_institution_or_paper_id_no_row_can_have_is_not_found(program_office, institution_admin, raw):
    """Not a server error: "²" passed ``isdigit()`` and 5,000 digits passed it too, then ``int()`` raised."""
    office, staff = logged_in(program_office), logged_in(institution_admin)
    assert office.get(INDEX, {"institution": raw}).status_code == 404
    assert staff.get(INDEX, {"institution": raw}).status_code == 404
    assert office.get(reverse("supervision:items"), {"paper": raw}).status_code == 404
    assert office.get(reverse("supervision:cohorts"), {"institution": raw, "format": "csv"}).status_code == 404


def test_graders_are_institution_staff_too(institution_grader, institution):
    assert logged_in(institution_grader).get(INDEX).context["viewer"].institution == institution


def test_trainees_and_visitors_have_no_supervision(trainee, client):
    assert logged_in(trainee).get(INDEX).status_code == 403
    response = client.get(INDEX)
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_only_the_office_may_recompute_or_follow_a_recomputation(institution_admin, trainee):
    for person in (institution_admin, trainee):
        client = logged_in(person)
        assert client.post(reverse("supervision:recompute")).status_code == 403
        assert client.get(reverse("supervision:recompute_status")).status_code == 403


def test_the_page_is_in_both_languages(program_office):
    client = logged_in(program_office)
    english = client.get("/en/supervision/").content.decode()
    chinese = client.get("/zh-hant/supervision/").content.decode()
    assert "Recompute the figures" in english
    assert "Recompute the figures" not in chinese


def test_a_chart_label_is_cut_to_fit_counting_a_chinese_character_twice():
    from supervision.charts import fitted

    assert fitted("BCM-101 Introduction", units=40) == "BCM-101 Introduction"
    assert fitted("x" * 40, units=40) == "x" * 40
    assert fitted("x" * 41, units=40) == "x" * 39 + "…"
    assert fitted("《商業銀行客戶財務分析與信用評估》", units=20) == "《商業銀行客戶財務…"
    assert fitted("商業銀行", units=8) == "商業銀行"
