"""A row's own page in the courses admin, as an institution's staff member reads it (a tester's report):

- a page where nothing is editable (an enrolment's, a self-study entry's) shows the row, without Save buttons, and a
  post to it changes nothing; a page with editable fields (a training session's) keeps them;
- a pending enrolment's page has the buttons the change list's actions are: Approve (a post, back to the page with
  the action's message) and Not approve (the reason's page for that row, then back to the row's page; the page it
  goes back to is checked to be this admin's page of that row); a self-study entry awaiting confirmation has Confirm
  and Reject the same way; another institution's staff get none of it (404, or "none of the rows is yours");
- the progress line says its hours in one unit in each language (課時, h), as the trainee's own pages do;
- a session's recorded attendance names its trainee as text (not a select to change), and a new row's select
  offers only the session's cohort's trainees in training.
"""

import html
import re
from decimal import Decimal
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from courses import services
from courses.admin.actions import NOTHING_OF_YOURS
from courses.models import Enrolment
from tests.conftest import in_english, logged_in, make_staff
from tests.factories import CohortFactory, TrainingSessionFactory, UserFactory

from .test_self_study_rejection import enrolled, logged

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "zh-hant"]
SAVE_BUTTONS = re.compile(r'<input type="submit"[^>]*name="_(save|continue|addanother)"')


def pending(institution, name: str = "甲") -> Enrolment:
    return services.do_enrol(trainee=UserFactory(display_name=name), cohort=CohortFactory(institution=institution))


def page_of(row, language: str = "en") -> str:
    model = type(row)._meta.model_name
    return f"/{language}/admin/courses/{model}/{row.pk}/change/"


def buttons(page: str) -> dict[str, tuple[str, str, str]]:
    """The row's buttons: {name: (kind, address, words)}, kind "post" (a form of its own) or "link"."""
    found = {}
    posted = r'<form method="post" action="([^"]*)" class="row-action row-action-(\w+)">.*?<input type="submit" '
    posted += r'value="([^"]*)"'
    for url, name, words in re.findall(posted, page, re.S):
        found[name] = ("post", html.unescape(url), html.unescape(words))
    for url, name, words in re.findall(
        r'<a href="([^"]*)" class="button row-action row-action-(\w+)">([^<]*)</a>', page
    ):
        found[name] = ("link", html.unescape(url), html.unescape(words))
    return found


def messages_on(page: str) -> list[str]:
    return [
        html.unescape(m).strip()
        for m in re.findall(r'<li class="\w+">(.*?)</li>', page.rsplit('class="messagelist"', maxsplit=1)[-1])
    ]


# --- 1. a page with nothing to edit has nothing to save --------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_enrolments_page_edits_nothing_and_shows_no_save_buttons(institution_admin, institution, language):
    client = logged_in(institution_admin)
    enrolment = services.do_approve_enrolment(enrolment=pending(institution))
    page = client.get(page_of(enrolment, language))
    assert page.status_code == 200
    shown = page.content.decode()
    assert not SAVE_BUTTONS.search(shown), SAVE_BUTTONS.search(shown)
    with translation.override(language):
        assert f"<h1>{gettext('View %s') % enrolment._meta.verbose_name}</h1>" in shown
    # A post of the page (a form left open, a forged one) changes nothing.
    assert client.post(page_of(enrolment, language), {"_save": "1"}).status_code == 403


def test_a_self_study_entrys_page_edits_nothing_and_a_sessions_page_keeps_its_save(alice, institution, trainee):
    entry = logged(enrolled(trainee, institution))
    assert not SAVE_BUTTONS.search(alice.get(page_of(entry)).content.decode())
    session = TrainingSessionFactory(cohort=entry.enrolment.cohort, hours=Decimal(8))
    assert SAVE_BUTTONS.search(alice.get(page_of(session)).content.decode()), "its fields are editable"


# --- 2. approve or not from the enrolment's page -----------------------------------------------------------------


def test_a_pending_enrolments_page_approves_it_and_comes_back_with_the_message(alice, institution):
    enrolment = pending(institution)
    listing = "state__exact=pending"
    url = f"{page_of(enrolment)}?_changelist_filters=state__exact%3Dpending"
    shown = buttons(alice.get(url).content.decode())
    approve = f"/en/admin/courses/enrolment/{enrolment.pk}/approve/?_changelist_filters=state__exact%3Dpending"
    assert shown["approve"] == ("post", approve, "Approve")
    assert shown["reject"][0] == "link" and shown["reject"][2] == "Not approve"

    response = alice.post(approve)

    assert (response.status_code, response["Location"]) == (303, url)
    page = alice.get(response["Location"]).content.decode()
    assert "Approved 1 enrolment." in messages_on(page)
    enrolment.refresh_from_db()
    assert enrolment.state == "approved" and enrolment.teaching_hours_owed is not None
    assert buttons(page) == {}, "an approved enrolment has nothing to approve"
    assert parse_qs(urlsplit(response["Location"]).query)["_changelist_filters"] == [listing]


def test_approving_an_enrolment_decided_meanwhile_says_why_on_its_page(alice, institution):
    enrolment = pending(institution)
    _kind, post_url, _words = buttons(alice.get(page_of(enrolment)).content.decode())["approve"]
    services.do_reject_enrolment(enrolment=enrolment, reason="No seats left.")  # in another tab
    response = alice.post(post_url, follow=True)
    said = messages_on(response.content.decode())
    assert len(said) == 1 and said[0].startswith(str(enrolment.trainee)), said
    enrolment.refresh_from_db()
    assert enrolment.state == "rejected"


def test_not_approving_from_the_enrolments_page_asks_the_reason_and_comes_back(alice, institution):
    enrolment = pending(institution)
    row_page = f"{page_of(enrolment)}?_changelist_filters=state__exact%3Dpending"
    kind, link, words = buttons(alice.get(row_page).content.decode())["reject"]
    query = parse_qs(urlsplit(link).query)
    assert (kind, urlsplit(link).path, words) == ("link", "/en/admin/courses/enrolment/action/reject/", "Not approve")
    assert query == {"ids": [str(enrolment.pk)], "next": [row_page], "_changelist_filters": ["state__exact=pending"]}
    form_page = alice.get(link).content.decode()
    assert f'<a href="{html.escape(row_page)}">' in form_page, "the breadcrumbs lead back to the row"

    response = alice.post(link, {"apply": "1", "reason": "No seats left."})

    assert (response.status_code, response["Location"]) == (303, row_page)
    assert "Rejected 1 enrolment." in messages_on(alice.get(row_page).content.decode())
    enrolment.refresh_from_db()
    assert (enrolment.state, enrolment.decision_note) == ("rejected", "No seats left.")


@pytest.mark.parametrize(
    "elsewhere",
    [
        "https://evil.example/en/admin/courses/enrolment/{pk}/change/",
        "//evil.example/en/admin/courses/enrolment/{pk}/change/",
        "/en/admin/courses/enrolment/{other}/change/",  # a row the page does not name
        "/en/admin/courses/cohort/{cohort}/change/",  # another admin's page
        "/en/admin/courses/enrolment/{pk}/history/",
        "/en/accounts/profile/",
        "javascript:alert(1)",
    ],
)
def test_the_reason_page_goes_back_only_to_the_page_of_a_row_it_names(alice, institution, elsewhere):
    enrolment, other = pending(institution), pending(institution, "乙")
    back = elsewhere.format(pk=enrolment.pk, other=other.pk, cohort=enrolment.cohort_id)
    url = "/en/admin/courses/enrolment/action/reject/?" + urlencode({"ids": enrolment.pk, "next": back})
    assert f'href="{html.escape(back)}"' not in alice.get(url).content.decode()
    response = alice.post(url, {"apply": "1", "reason": "No seats left."})
    assert (response.status_code, response["Location"]) == (303, "/en/admin/courses/enrolment/")
    enrolment.refresh_from_db()
    assert enrolment.state == "rejected"


def test_the_buttons_are_only_for_those_the_actions_are_offered_to(institution, institution_admin):
    enrolment = pending(institution)
    reader = make_staff(institution, role="grader")
    reader.user_permissions.add(Permission.objects.get(codename="view_enrolment"))
    client = logged_in(in_english(reader))
    page = client.get(page_of(enrolment))
    assert page.status_code == 200 and buttons(page.content.decode()) == {}
    assert client.post(f"/en/admin/courses/enrolment/{enrolment.pk}/approve/").status_code == 403
    enrolment.refresh_from_db()
    assert enrolment.state == "pending"
    assert set(buttons(logged_in(in_english(institution_admin)).get(page_of(enrolment)).content.decode())) == {
        "approve",
        "reject",
    }


def test_another_institutions_staff_get_none_of_it(alice, bob, institution):
    enrolment = pending(institution)
    entry = logged(enrolled(UserFactory(), institution))
    for row, action in ((enrolment, "approve"), (entry, "confirm")):
        model = type(row)._meta.model_name
        assert bob.get(page_of(row)).status_code == 404
        assert bob.post(f"/en/admin/courses/{model}/{row.pk}/{action}/").status_code == 404
        assert bob.get(f"/en/admin/courses/{model}/{row.pk}/{action}/").status_code == 404
        reason_page = f"/en/admin/courses/{model}/action/reject/?ids={row.pk}&next={page_of(row)}"
        refused = bob.post(reason_page, {"apply": "1", "reason": "Not ours."})
        assert (refused.status_code, refused["Location"]) == (303, f"/en/admin/courses/{model}/")
        with translation.override("en"):
            assert str(NOTHING_OF_YOURS) in messages_on(bob.get(refused["Location"]).content.decode())
    enrolment.refresh_from_db()
    entry.refresh_from_db()
    assert (enrolment.state, enrolment.decision_note, entry.status) == ("pending", "", "logged")


def test_the_approve_address_answers_a_post_only(alice, institution):
    enrolment = pending(institution)
    assert alice.get(f"/en/admin/courses/enrolment/{enrolment.pk}/approve/").status_code == 405
    enrolment.refresh_from_db()
    assert enrolment.state == "pending"


def test_the_approve_button_posts_with_its_csrf_token(institution_admin, institution):
    enrolment = pending(institution)
    client = Client(enforce_csrf_checks=True)
    client.force_login(in_english(institution_admin))
    url = f"/en/admin/courses/enrolment/{enrolment.pk}/approve/"
    assert client.post(url).status_code == 403
    page = client.get(page_of(enrolment)).content.decode()
    form = re.search(r'<form method="post" action="[^"]*/approve/"[^>]*>(.*?)</form>', page, re.S).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    assert client.post(url, {"csrfmiddlewaretoken": token}).status_code == 303
    enrolment.refresh_from_db()
    assert enrolment.state == "approved"


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_buttons_speak_both_languages(institution_admin, institution, trainee, language):
    client = logged_in(institution_admin)
    enrolment = pending(institution)
    entry = logged(enrolled(trainee, institution))
    with translation.override(language):
        approve, not_approve = gettext("Approve"), gettext("Not approve")
        confirm, reject = gettext("Confirm"), gettext("Reject")
    assert {words for *_rest, words in buttons(client.get(page_of(enrolment, language)).content.decode()).values()} == {
        approve,
        not_approve,
    }
    assert {words for *_rest, words in buttons(client.get(page_of(entry, language)).content.decode()).values()} == {
        confirm,
        reject,
    }


def test_a_self_study_entrys_page_confirms_or_rejects_it_and_comes_back(alice, institution, trainee):
    enrolment = enrolled(trainee, institution)
    first, second = logged(enrolment, "第一章"), logged(enrolment, "第二章")
    confirm = f"/en/admin/courses/selfstudyentry/{first.pk}/confirm/"
    assert buttons(alice.get(page_of(first)).content.decode())["confirm"] == ("post", confirm, "Confirm")
    response = alice.post(confirm)
    assert (response.status_code, response["Location"]) == (303, page_of(first))
    page = alice.get(page_of(first)).content.decode()
    assert "Confirmed 1 self-study entry." in messages_on(page) and buttons(page) == {}

    kind, link, _words = buttons(alice.get(page_of(second)).content.decode())["reject"]
    response = alice.post(link, {"apply": "1", "reason": "Not this course."})
    assert (kind, response.status_code, response["Location"]) == ("link", 303, page_of(second))
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status, second.decision_note) == ("confirmed", "rejected", "Not this course.")


# --- 3. hours in one unit --------------------------------------------------------------------------------------


def progress_line(page: str) -> str:
    cell = re.search(r'field-progress_display.*?<div class="readonly">(.*?)</div>', page, re.S).group(1)
    return html.unescape(cell)


@pytest.mark.parametrize(
    ("language", "approved_line", "pending_line"),
    [
        (
            "en",
            "0 of 72 h (face-to-face 0 h, remote learning 0 h, self-study 0 h, exam preparation 0 h)",
            "0 h done (face-to-face 0 h, remote learning 0 h, self-study 0 h, exam preparation 0 h)",
        ),
        (
            "zh-hant",
            "應修 72 課時，已完成 0 課時（面授 0 課時、遠程學習 0 課時、自學 0 課時、考前輔導 0 課時）",
            "已完成 0 課時（面授 0 課時、遠程學習 0 課時、自學 0 課時、考前輔導 0 課時）",
        ),
    ],
)
def test_the_progress_line_says_its_hours_in_one_unit(
    institution_admin, institution, language, approved_line, pending_line
):
    client = logged_in(institution_admin)
    waiting = pending(institution)
    admitted = services.do_approve_enrolment(enrolment=pending(institution, "乙"))
    assert progress_line(client.get(page_of(admitted, language)).content.decode()) == approved_line
    assert progress_line(client.get(page_of(waiting, language)).content.decode()) == pending_line


def test_hours_done_show_at_most_one_decimal(alice, institution):
    cohort = CohortFactory(institution=institution)
    enrolment = services.do_approve_enrolment(enrolment=services.do_enrol(trainee=UserFactory(), cohort=cohort))
    session = TrainingSessionFactory(cohort=cohort, hours=Decimal("2.5"))
    services.do_record_attendance(session=session, enrolment=enrolment, hours=Decimal("2.5"))
    line = progress_line(alice.get(page_of(enrolment)).content.decode())
    assert line.startswith("2.5 of 72 h (face-to-face 2.5 h, "), line


# --- 4. a session's attendance rows -----------------------------------------------------------------------------


def test_a_recorded_rows_trainee_is_text_and_a_new_row_offers_only_the_cohorts_trainees(alice, institution):
    cohort = CohortFactory(institution=institution)
    attended, waiting = (
        services.do_approve_enrolment(enrolment=services.do_enrol(trainee=UserFactory(display_name=n), cohort=cohort))
        for n in ("甲", "乙")
    )
    services.do_enrol(trainee=UserFactory(display_name="丙"), cohort=cohort)  # pending: not in training
    elsewhere = CohortFactory(institution=institution)
    services.do_approve_enrolment(enrolment=services.do_enrol(trainee=UserFactory(display_name="丁"), cohort=elsewhere))
    session = TrainingSessionFactory(cohort=cohort, hours=Decimal(8))
    services.do_record_attendance(session=session, enrolment=attended, hours=8)

    page = alice.get(page_of(session)).content.decode()

    recorded = re.search(r'<tr class="form-row has_original"\s+id="attendances-0">.*?</tr>', page, re.S).group(0)
    cell = re.search(r'<td class="field-enrolment">(.*?)</td>', recorded, re.S).group(1)
    assert "<select" not in cell and "related-widget-wrapper" not in cell
    assert html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() == str(attended.trainee)
    for row in ("attendances-1", "attendances-empty"):
        new = re.search(rf'<tr class="form-row[^"]*"\s+id="{row}">.*?</tr>', page, re.S).group(0)
        offered = re.findall(r'<option value="(\d+)"', new)
        assert sorted(map(int, offered)) == sorted([attended.pk, waiting.pk]), (row, offered)  # not 丙 nor 丁
        assert "change-related" not in new and "add-related" not in new
