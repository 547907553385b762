"""An admin action that asks a form first (a reason, hours: courses.admin.actions.form_action) has a page of its
own, asked for with GET: the change list's post of the action redirects (303) to it, its address naming the
selected rows and the list's filters; the page reads those rows again among the viewer's own, its form posts to
itself, and once valid the work is done and the page redirects (303) back to the list with its filters. The
page was the answer to the change list's post: the browser's Back button after applying (or after a refused
form) met "Confirm form resubmission", and a reload posted again.

``through_the_form_page`` runs such an action as a browser does; the other admin tests use it."""

import html
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from certification import services as certification
from certification.models import CEEnrolment, Certificate
from courses import services
from courses.admin.actions import NOTHING_OF_YOURS
from courses.models import Enrolment, SelfStudyEntry
from tests.certification.test_ce_courses import holder_of, make_course
from tests.conftest import in_english, logged_in, make_staff
from tests.factories import CertificateFactory, CohortFactory, UserFactory

from .test_self_study_rejection import enrolled, logged

pytestmark = pytest.mark.django_db

ENROLMENTS = "/en/admin/courses/enrolment/"
REJECT_PAGE = "/en/admin/courses/enrolment/action/reject/"


def through_the_form_page(client: Client, changelist: str, action: str, rows, follow: bool = True, **form):
    """Run ``action`` on ``rows`` as a browser does: the change list's post (answered with a redirect to the
    action's page), the page, then its form posted with ``form``; the answer to that post (followed)."""
    asked = client.post(changelist, {"action": action, ACTION_CHECKBOX_NAME: [row.pk for row in rows]})
    assert asked.status_code == 303, (asked.status_code, asked.get("Location"))
    page = client.get(asked["Location"])
    assert page.status_code == 200 and 'name="apply"' in page.content.decode()
    return client.post(asked["Location"], {"apply": "1", **form}, follow=follow)


def pending(institution, count: int = 1, **trainee) -> list[Enrolment]:
    cohort = CohortFactory(institution=institution)
    return [services.do_enrol(trainee=UserFactory(**trainee), cohort=cohort) for _ in range(count)]


def listed(page: str) -> list[str]:
    """The lines of the selected rows on an action's page."""
    rows = re.search(r"<ul>(.*?)</ul>", page.split('id="content"', 1)[1], re.S)
    return [
        html.unescape(re.sub(r"<[^>]+>", "", line)).strip()
        for line in re.findall(r"<li>(.*?)</li>", rows.group(1), re.S)
    ]


# --- the change list's post: a redirect to the page, nothing done ---------------------------------------------


def test_the_change_lists_post_redirects_to_the_page_naming_the_rows_and_the_filters(alice, institution):
    first, second = pending(institution, 2)
    response = alice.post(
        f"{ENROLMENTS}?state__exact=pending&o=1", {"action": "reject", ACTION_CHECKBOX_NAME: [first.pk, second.pk]}
    )
    assert response.status_code == 303
    url = urlsplit(response["Location"])
    query = parse_qs(url.query)
    assert url.path == REJECT_PAGE
    assert sorted(query["ids"][0].split(",")) == sorted([str(first.pk), str(second.pk)])
    assert parse_qs(query["_changelist_filters"][0]) == {"state__exact": ["pending"], "o": ["1"]}
    assert set(Enrolment.objects.values_list("state", flat=True)) == {"pending"}


# --- the page: the rows of the viewer's scope, exactly those selected ------------------------------------------


def test_the_page_lists_exactly_the_selected_rows_of_the_viewers_scope(alice, institution, other_institution):
    chosen = pending(institution, 2)
    pending(institution, 1, display_name="未選取的學員")
    theirs = pending(other_institution, 1, display_name="他校的學員")[0]
    ids = ",".join(str(pk) for pk in [chosen[1].pk, theirs.pk, chosen[0].pk, chosen[1].pk])
    page = alice.get(f"{REJECT_PAGE}?ids={ids}").content.decode()
    assert listed(page) == [f"{e.trainee} · {e.cohort.code} · pending approval" for e in (chosen[1], chosen[0])]
    assert "未選取的學員" not in page and "他校的學員" not in page and theirs.trainee.email not in page
    assert "<h1>Reject the selected enrolments</h1>" in page and 'name="reason"' in page


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_institutions_rows_are_not_there_and_nothing_changes(bob, alice, institution, method):
    enrolment = pending(institution)[0]
    url = f"{REJECT_PAGE}?ids={enrolment.pk}&_changelist_filters=state__exact%3Dpending"
    data = {"apply": "1", "reason": "Not ours to take."} if method == "post" else {}
    response = getattr(bob, method)(url, data)
    assert (response.status_code, response["Location"]) == (303, f"{ENROLMENTS}?state__exact=pending")
    page = bob.get(response["Location"]).content.decode()
    with translation.override("en"):
        assert str(NOTHING_OF_YOURS) in page
    assert enrolment.trainee.email not in page
    enrolment.refresh_from_db()
    assert (enrolment.state, enrolment.decision_note) == ("pending", "")
    assert listed(alice.get(url).content.decode()), "its own institution's staff see it"


@pytest.mark.parametrize("ids", ["", "abc", "1.5,", "99999999999999999999", ",,"])
def test_ids_that_are_no_ids_select_nothing(alice, ids):
    response = alice.get(f"{REJECT_PAGE}?ids={ids}")
    assert (response.status_code, response["Location"]) == (303, ENROLMENTS)


def test_the_page_needs_the_actions_permission(client, institution, program_office):
    enrolment = pending(institution)[0]
    teacher = make_staff(institution, role="teacher")  # no permission on enrolments
    client.force_login(in_english(teacher))
    assert client.get(f"{REJECT_PAGE}?ids={enrolment.pk}").status_code == 403
    assert client.post(f"{REJECT_PAGE}?ids={enrolment.pk}", {"apply": "1", "reason": "x"}).status_code == 403
    visitor = Client()
    assert visitor.get(f"{REJECT_PAGE}?ids={enrolment.pk}")["Location"].startswith("/en/admin/login/")
    enrolment.refresh_from_db()
    assert enrolment.state == "pending"


def test_an_institution_may_view_its_certificates_but_not_open_the_suspend_page(alice, office, institution):
    certificate = CertificateFactory(institution=institution)
    for action in ("suspend", "revoke"):
        url = f"/en/admin/certification/certificate/action/{action}/?ids={certificate.pk}"
        assert alice.get(url).status_code == 403
        assert alice.post(url, {"apply": "1", "reason": "x"}).status_code == 403
        assert office.get(url).status_code == 200
    certificate.refresh_from_db()
    assert certificate.status == "active" and not certificate.history.exists()


def test_the_form_posts_with_its_csrf_token(institution_admin, institution):
    enrolment = pending(institution)[0]
    client = Client(enforce_csrf_checks=True)
    client.force_login(in_english(institution_admin))
    url = f"{REJECT_PAGE}?ids={enrolment.pk}"
    assert client.post(url, {"apply": "1", "reason": "No seats left."}).status_code == 403
    token = client.get(url).context["csrf_token"]
    assert client.post(url, {"apply": "1", "reason": "No seats left.", "csrfmiddlewaretoken": token}).status_code == 303
    enrolment.refresh_from_db()
    assert enrolment.state == "rejected"


# --- the form's post: the work once, then the list; a refused form shown again ----------------------------------


def test_the_post_does_the_work_once_and_going_back_or_reloading_does_nothing_again(alice, institution, monkeypatch):
    enrolments = pending(institution, 2)
    calls = []
    reject = services.do_reject_enrolments
    monkeypatch.setattr(services, "do_reject_enrolments", lambda **kw: calls.append(kw) or reject(**kw))
    listing = f"{ENROLMENTS}?state__exact=pending"
    asked = alice.post(listing, {"action": "reject", ACTION_CHECKBOX_NAME: [e.pk for e in enrolments]})
    form_page = asked["Location"]

    done = alice.post(form_page, {"apply": "1", "reason": "  No seats left.  "})

    assert (done.status_code, done["Location"]) == (303, listing)
    assert len(calls) == 1 and sorted(e.pk for e in calls[0]["enrolments"]) == sorted(e.pk for e in enrolments)
    assert "Rejected 2 enrolments." in alice.get(done["Location"]).content.decode()
    decided = {e.pk: (e.state, e.decision_note, e.decided_at) for e in Enrolment.objects.all()}
    assert {(state, note) for state, note, _at in decided.values()} == {("rejected", "No seats left.")}

    reloaded = alice.get(done["Location"]).content.decode()  # the list, reloaded: no message, nothing done
    back = alice.get(form_page)  # Back: the page again, the rows as they are now
    assert "Rejected" not in reloaded and back.status_code == 200
    assert sorted(listed(back.content.decode())) == sorted(
        f"{e.trainee} · {e.cohort.code} · rejected" for e in enrolments
    )
    assert len(calls) == 1
    assert {e.pk: (e.state, e.decision_note, e.decided_at) for e in Enrolment.objects.all()} == decided


@pytest.mark.parametrize(
    ("reason", "error"),
    [("   ", "This field is required."), ("No seats\u202e left", "Remove the invisible control character U+202E.")],
)
def test_a_bad_reason_is_shown_again_with_its_error_and_nothing_changes(alice, institution, reason, error):
    enrolment = pending(institution)[0]
    page = alice.post(f"{REJECT_PAGE}?ids={enrolment.pk}", {"apply": "1", "reason": reason})
    assert page.status_code == 200
    shown = page.content.decode()
    assert error in shown and listed(shown) == [f"{enrolment.trainee} · {enrolment.cohort.code} · pending approval"]
    enrolment.refresh_from_db()
    assert (enrolment.state, enrolment.decision_note) == ("pending", "")
    then = alice.post(f"{REJECT_PAGE}?ids={enrolment.pk}", {"apply": "1", "reason": "No seats left."})
    assert (then.status_code, then["Location"]) == (303, ENROLMENTS)


def test_the_page_speaks_both_languages(institution_admin, institution):
    enrolment = pending(institution)[0]
    client = logged_in(institution_admin)
    page = client.get(f"/zh-hant/admin/courses/enrolment/action/reject/?ids={enrolment.pk}").content.decode()
    with translation.override("zh-hant"):
        assert f"<h1>{gettext('Reject the selected enrolments')}</h1>" in page
        assert gettext("Sent to the trainee in the e-mail that tells them the enrolment was not approved.") in page


# --- every action that asks first -------------------------------------------------------------------------------


def _enrolment_rejected(institution, trainee):
    return "courses/enrolment", "reject", pending(institution, 2), {"reason": "No seats left."}, "Rejected 2"


def _self_study_rejected(institution, trainee):
    enrolment = enrolled(trainee, institution)
    rows = [logged(enrolment, note=note) for note in ("第一章", "第二章")]
    return "courses/selfstudyentry", "reject", rows, {"reason": "Not this course."}, "Rejected 2"


def _certificates_suspended(institution, trainee):
    rows = [CertificateFactory(institution=institution) for _ in range(2)]
    return "certification/certificate", "suspend", rows, {"reason": "調查"}, "Suspended 2"


def _certificates_revoked(institution, trainee):
    rows = [CertificateFactory(institution=institution) for _ in range(2)]
    return "certification/certificate", "revoke", rows, {"reason": "舞弊"}, "Revoked 2"


def _attendance_recorded(institution, trainee):
    course = make_course(institution, starts_in=0)
    rows = [certification.do_enrol_ce(holder=holder_of(), course=course) for _ in range(2)]
    return "certification/ceenrolment", "record_attendance", rows, {"hours": ""}, "Attendance of 2 holders recorded"


def _state(rows) -> list[tuple]:
    model = type(rows[0])
    fields = {
        Enrolment: ("state", "decision_note"),
        SelfStudyEntry: ("status", "decision_note"),
        Certificate: ("status", "status_reason"),
        CEEnrolment: ("state", "hours_attended"),
    }[model]
    return list(model.objects.filter(pk__in=[r.pk for r in rows]).order_by("pk").values_list(*fields))


@pytest.mark.parametrize(
    "case",
    [_enrolment_rejected, _self_study_rejected, _certificates_suspended, _certificates_revoked, _attendance_recorded],
)
def test_every_action_that_asks_first_goes_through_its_page_and_back(
    case, institution, trainee, institution_admin, program_office
):
    where, action, rows, form, said = case(institution, trainee)
    client = logged_in(in_english(program_office if where == "certification/certificate" else institution_admin))
    changelist = f"/en/admin/{where}/"
    before = _state(rows)

    response = through_the_form_page(client, f"{changelist}?o=1", action, rows, follow=False, **form)

    assert (response.status_code, response["Location"]) == (303, f"{changelist}?o=1")
    assert said in client.get(response["Location"]).content.decode()
    after = _state(rows)
    assert after != before
    page = f"/en/admin/{where}/action/{action}/?ids={','.join(str(r.pk) for r in rows)}"
    assert client.get(page).status_code == 200  # Back after applying: the page, asked for again
    assert said not in client.get(response["Location"]).content.decode()  # a reload says and does nothing
    assert _state(rows) == after
    if where == "certification/certificate":
        assert all(c.history.count() == 1 for c in Certificate.objects.filter(pk__in=[r.pk for r in rows]))
