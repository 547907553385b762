"""Pages and menu entries that are a trainee's (a trainee = a person with a trainee profile): HR staff, an
institution's staff and the program office are not offered them, and opening one says it is for trainees and
where their own work is, never that they are self-funded. A trainee keeps every entry."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from accounts.models import StaffMembership
from tests.conftest import logged_in, make_staff

pytestmark = pytest.mark.django_db

LANGUAGES = ["zh-hant", "en"]
TRAINEE_ENTRIES = ["training:dashboard", "exams:home", "certification:mine", "career:mine"]


def nav_of(html: str) -> str:
    return html[html.index("<nav") : html.index("</nav>")]


def page(user, name: str, language: str) -> str:
    with translation.override(language):
        response = logged_in(user).get(reverse(name))
    assert response.status_code == 200
    return response.content.decode()


def links_in(nav: str, language: str) -> dict[str, bool]:
    with translation.override(language):
        return {name: f'href="{reverse(name)}"' in nav for name in [*TRAINEE_ENTRIES, "exchange:index"]}


@pytest.mark.parametrize("language", LANGUAGES)
def test_hr_staff_menu_offers_no_trainee_page_nor_the_discussions(hr_staff, language):
    links = links_in(nav_of(page(hr_staff, "home", language)), language)
    assert not any(links.values()), links


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_program_office_and_a_grader_are_not_offered_the_discussions(program_office, institution_grader, language):
    for person in (program_office, institution_grader):
        assert not any(links_in(nav_of(page(person, "home", language)), language).values())


@pytest.mark.parametrize("language", LANGUAGES)
def test_those_who_take_part_in_discussions_are_offered_them(institution, institution_admin, language):
    teacher = make_staff(institution, StaffMembership.Role.TEACHER, is_staff=True)
    for person in (institution_admin, teacher):
        links = links_in(nav_of(page(person, "home", language)), language)
        assert links["exchange:index"] and not any(links[name] for name in TRAINEE_ENTRIES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_trainee_still_sees_every_trainee_entry(trainee, language):
    links = links_in(nav_of(page(trainee, "home", language)), language)
    assert all(links[name] for name in TRAINEE_ENTRIES), links


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_career_page_tells_hr_it_is_for_trainees_not_that_they_are_self_funded(hr_staff, language):
    html = page(hr_staff, "career:mine", language)
    with translation.override(language):
        for_trainees = translation.gettext(
            "This page is for trainees: it shows a customer manager their own grade, as their bank records it. "
            "Your account is not a trainee's, so there is nothing to show here."
        )
        self_funded = translation.gettext("self-funded")
        admin = reverse("admin:index")
    assert 'id="not-a-trainee"' in html and for_trainees in html
    assert 'id="no-bank"' not in html and "自費" not in html and self_funded not in html
    assert f'href="{admin}"' in html[html.index('id="not-a-trainee"') :]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_self_funded_trainee_still_reads_the_self_funded_page(trainee, language):
    profile = trainee.trainee_profile
    profile.employer, profile.employee_number = None, ""
    profile.save(update_fields=["employer", "employee_number"])
    html = page(trainee, "career:mine", language)
    assert 'id="no-bank"' in html and 'id="not-a-trainee"' not in html


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_discussions_page_tells_hr_whose_they_are_not_about_an_enrolment(hr_staff, language):
    html = page(hr_staff, "exchange:index", language)
    with translation.override(language):
        whose = translation.gettext(
            "The discussions are for each cohort's trainees, its teachers and its institution's admins. "
            "Your account takes part in none of them."
        )
        enrolment = translation.gettext(
            "You take part in no cohort's discussion yet: it opens once your enrolment is approved."
        )
        admin = reverse("admin:index")
    assert whose in html and enrolment not in html and f'href="{admin}"' in html[html.index('id="exchange-none"') :]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_trainee_without_a_cohort_is_still_told_about_the_enrolment(trainee, language):
    html = page(trainee, "exchange:index", language)
    with translation.override(language):
        enrolment = translation.gettext(
            "You take part in no cohort's discussion yet: it opens once your enrolment is approved."
        )
    assert enrolment in html
