"""The "Enrol a trainee" page finds the trainee by typing (Select2, the admin's autocomplete) instead of
listing every trainee of the institution, and its search is the trainee admin's, scoped: an institution's
staff never find another institution's trainee, by name or by address."""

import json
import re

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import User
from courses.models import Enrolment
from tests.conftest import logged_in
from tests.factories import CohortFactory

pytestmark = pytest.mark.django_db

PAGE = "/{language}/admin/courses/enrolment/enrol/"
SEARCH = "/{language}/admin/courses/enrolment/enrol/trainees/"


def found(client: Client, term: str, language: str = "en") -> dict[int, str]:
    """What the trainee field's search answers for ``term``: account id → label."""
    response = client.get(SEARCH.format(language=language), {"term": term})
    assert response.status_code == 200
    return {int(row["id"]): row["text"] for row in json.loads(response.content)["results"]}


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_the_trainee_is_chosen_by_typing_not_from_a_list_of_every_trainee(alice: Client, trainee, language):
    html = alice.get(PAGE.format(language=language)).content.decode()
    search = SEARCH.format(language=language)
    assert 'name="trainee"' in html and "admin-autocomplete" in html
    assert f'data-ajax--url="{search}"' in html
    assert f'<option value="{trainee.pk}"' not in html  # no list of every trainee
    assert "admin/js/vendor/select2/select2.full" in html and "admin/js/autocomplete.js" in html
    with translation.override(language):
        assert re.search(rf'<label for="id_trainee"[^>]*>{gettext("Trainee")}[:：]</label>', html)
    if language == "zh-hant":
        assert re.search(r"<label [^>]*>學員：</label>", html) and "select2/i18n/zh-TW.js" in html


def test_the_search_finds_the_institutions_trainees_only(alice: Client, trainee, other_trainee):
    assert found(alice, "") == {trainee.pk: f"{trainee.display_name} <{trainee.email}>"}
    assert trainee.pk in found(alice, trainee.display_name[:2])
    assert trainee.pk in found(alice, trainee.email.split("@")[0])
    assert found(alice, other_trainee.email) == {}
    assert found(alice, other_trainee.display_name) == {}


def test_the_admins_own_autocomplete_for_the_field_finds_no_trainee_at_all(alice, trainee, other_trainee):
    """Django's autocomplete for the enrolment's trainee field (the people admin's search, which offers staff too)
    is refused: the page searches its own way, and offers only what the form accepts."""
    for term in (trainee.email, other_trainee.email):
        query = {"app_label": "courses", "model_name": "enrolment", "field_name": "trainee", "term": term}
        assert alice.get("/en/admin/autocomplete/", query).status_code == 403


def test_the_program_office_finds_every_institutions_trainees(office: Client, trainee, other_trainee):
    assert {trainee.pk, other_trainee.pk} <= set(found(office, ""))


def test_a_trainee_found_is_enrolled_and_one_not_offered_is_refused(alice: Client, institution, trainee, other_trainee):
    cohort = CohortFactory(institution=institution)
    refused = alice.post(PAGE.format(language="en"), {"trainee": other_trainee.pk, "cohort": cohort.pk})
    assert refused.status_code == 200 and "Select a valid choice" in refused.content.decode()
    (chosen,) = found(alice, trainee.email)
    response = alice.post(PAGE.format(language="en"), {"trainee": chosen, "cohort": cohort.pk})
    assert response.status_code == 302
    assert Enrolment.objects.get().trainee == User.objects.get(pk=chosen)


def test_staff_who_may_not_enrol_cannot_search_trainees(institution_grader, trainee):
    client = logged_in(institution_grader)
    assert client.get(SEARCH.format(language="en"), {"term": ""}).status_code == 403
