"""The attendance and completion rows of a session or a remote module in admin, once some of the cohort's
trainees have completed or withdrawn: every recorded row keeps its trainee, and the page saves as it is
shown (in both languages); a new row still offers only trainees in training; two rows for one trainee
are refused in words; staff read the self-study note under a staff heading."""

import datetime
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext

from courses import services
from courses.models import Attendance, Enrolment, RemoteCompletion
from tests.factories import CohortFactory, RemoteModuleFactory, TrainingSessionFactory, UserFactory

pytestmark = pytest.mark.django_db

LANGUAGES = ["en", "zh-hant"]


def approved(cohort, name: str) -> Enrolment:
    enrolment = services.do_enrol(trainee=UserFactory(display_name=name), cohort=cohort)
    return services.do_approve_enrolment(enrolment=enrolment)


def completed(enrolment: Enrolment) -> Enrolment:
    # Completing through the service needs every hour of the curriculum; the page only cares about the state.
    Enrolment.objects.filter(pk=enrolment.pk).update(state=Enrolment.State.COMPLETED)
    enrolment.refresh_from_db()
    return enrolment


def submitted(page) -> dict:
    """What the browser posts back from an admin change page left as it is: the value of each field it
    shows as an input (not a disabled one; of a recorded row the user may only view, its hidden ones),
    and each inline's management form."""
    data = {}
    rows = [(page.context["adminform"].form, False)]
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update({management[name].html_name: management[name].value() for name in management.fields})
        rows += [(form, form in formset.initial_forms and not inline.has_change_permission) for form in formset.forms]
    for form, view_only in rows:
        for field in form:
            if field.field.disabled or (view_only and not field.is_hidden):
                continue
            value = field.value()
            if isinstance(value, bool):
                if value:
                    data[field.html_name] = "on"
                continue
            data[field.html_name] = "" if value is None else value
    return data


def selected_trainees(html: str, prefix: str) -> dict[int, str]:
    """Row number → the name of the trainee the row names: a recorded row's, shown as text (not a select to
    change); a new row's, as its select shows it chosen ("" for none)."""
    rows = {}
    for number, cell in re.findall(
        rf'<tr class="form-row[^"]*"\s+id="{prefix}-(\d+)">.*?<td class="field-enrolment">(.*?)</td>', html, re.S
    ):
        recorded = re.search(r'<p class="recorded-trainee">([^<]*)</p>', cell)
        chosen = recorded or re.search(r"<option [^>]*selected[^>]*>([^<]*)</option>", cell)
        rows[int(number)] = chosen.group(1).split(" &lt;")[0] if chosen else ""  # "甲 <address>"
    return rows


@pytest.fixture
def finished(institution):
    """A finished cohort's session: 甲 completed, 乙 withdrew, 丙 is still in training; all three attended."""
    cohort = CohortFactory(institution=institution, code="A-DONE")
    done, gone, still = (approved(cohort, name) for name in ("甲", "乙", "丙"))
    session = TrainingSessionFactory(cohort=cohort, hours=Decimal(8), location="Room 101")
    everyone = dict.fromkeys([done.pk, gone.pk, still.pk])  # the whole session
    services.do_record_session_attendance(session=session, hours_by_enrolment=everyone)
    completed(done)
    services.do_withdraw_enrolment(enrolment=gone)
    return session, done, gone, still


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_session_whose_trainees_completed_or_withdrew_shows_every_row_and_saves_as_it_is(
    alice: Client, finished, language
):
    session, done, gone, still = finished
    url = f"/{language}/admin/courses/trainingsession/{session.pk}/change/"
    page = alice.get(url)
    html = page.content.decode()
    assert sorted(selected_trainees(html, "attendances").values()) == ["丙", "乙", "甲"]  # none "---------"
    with translation.override(language):
        header = capfirst(gettext("trainee"))
    assert re.search(rf'<th class="column-enrolment[^"]*">\s*{header}', html), "the column names the trainee"
    assert header == {"en": "Trainee", "zh-hant": "學員"}[language]

    data = submitted(page)
    data["location"] = "Room 502"  # the tester's correction: the room
    response = alice.post(url, data)

    assert response.status_code == 302, re.findall(r'<ul class="errorlist[^>]*>.*?</ul>', response.content.decode())
    session.refresh_from_db()
    assert session.location == "Room 502"
    assert dict(Attendance.objects.filter(session=session).values_list("enrolment_id", "hours")) == {
        done.pk: Decimal(8),
        gone.pk: Decimal(8),
        still.pk: Decimal(8),
    }


def test_a_new_row_offers_only_trainees_in_training_and_a_recorded_row_keeps_its_trainee(alice: Client, finished):
    session, done, gone, still = finished
    waiting = approved(session.cohort, "丁")  # in training, no attendance yet: a pre-filled new row
    url = f"/en/admin/courses/trainingsession/{session.pk}/change/"
    page = alice.get(url)
    formset = next(f.formset for f in page.context["inline_admin_formsets"] if f.formset.model is Attendance)
    assert set(formset.empty_form.fields["enrolment"].queryset) == {still, waiting}
    assert [form.initial.get("enrolment") for form in formset.extra_forms] == [waiting.pk]

    data = submitted(page)
    recorded = {form.instance.enrolment_id: form.prefix for form in formset.initial_forms}
    data[f"{recorded[still.pk]}-hours"] = "6"  # a correction of a trainee in training is saved
    data[f"{recorded[done.pk]}-enrolment"] = waiting.pk  # a recorded row is not moved to another trainee
    data[f"{formset.extra_forms[0].prefix}-hours"] = "4"
    response = alice.post(url, data)

    assert response.status_code == 302
    assert dict(Attendance.objects.filter(session=session).values_list("enrolment_id", "hours")) == {
        done.pk: Decimal(8),
        gone.pk: Decimal(8),
        still.pk: Decimal(6),
        waiting.pk: Decimal(4),
    }


def test_hours_of_a_trainee_who_completed_are_still_not_changed(alice: Client, finished):
    session, done, _gone, _still = finished
    url = f"/en/admin/courses/trainingsession/{session.pk}/change/"
    page = alice.get(url)
    formset = next(f.formset for f in page.context["inline_admin_formsets"] if f.formset.model is Attendance)
    data = submitted(page)
    data[next(f.prefix for f in formset.initial_forms if f.instance.enrolment_id == done.pk) + "-hours"] = "2"
    response = alice.post(url, data)
    assert response.status_code == 200
    assert Attendance.objects.get(session=session, enrolment=done).hours == Decimal(8)


@pytest.mark.parametrize("language", LANGUAGES)
def test_two_rows_for_one_trainee_are_refused_in_words(alice: Client, institution, language):
    cohort = CohortFactory(institution=institution)
    enrolment = approved(cohort, "甲")
    session = TrainingSessionFactory(cohort=cohort, hours=Decimal(8))
    url = f"/{language}/admin/courses/trainingsession/{session.pk}/change/"
    data = submitted(alice.get(url))
    data.update({
        "attendances-TOTAL_FORMS": 2,
        "attendances-0-enrolment": enrolment.pk, "attendances-0-hours": "8",
        "attendances-1-enrolment": enrolment.pk, "attendances-1-hours": "4",
        "attendances-1-session": session.pk,
    })  # fmt: skip
    response = alice.post(url, data)

    assert response.status_code == 200
    html = response.content.decode()
    with translation.override(language):
        assert gettext("A trainee is listed in more than one row; keep one row per trainee.") in html
    assert "duplicate data for enrolment" not in html and "enrolment 的重覆資料" not in html
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_module_whose_trainee_withdrew_shows_and_saves_their_completion(office: Client, institution, language):
    """The program office may change completions, so it gets the form (an institution sees them read-only); a
    recorded completion's trainee is text either way."""
    module = RemoteModuleFactory(cohort=CohortFactory(institution=institution, offers_remote=True), hours=Decimal(4))
    gone = approved(module.cohort, "乙")
    on_day = timezone.localdate() - datetime.timedelta(days=1)
    services.do_record_remote_completion(module=module, enrolment=gone, completed_on=on_day)
    services.do_withdraw_enrolment(enrolment=gone)
    url = f"/{language}/admin/courses/remotemodule/{module.pk}/change/"
    page = office.get(url)
    assert selected_trainees(page.content.decode(), "completions")[0] == "乙"

    data = submitted(page)
    data["title_en"] = "Unit one, revised"
    data["completions-0-completed_on"] = timezone.localdate().isoformat()  # not offered: not saved either
    response = office.post(url, data)

    assert response.status_code == 302
    module.refresh_from_db()
    assert module.title_en == "Unit one, revised"
    assert list(RemoteCompletion.objects.values_list("enrolment_id", "completed_on")) == [(gone.pk, on_day)]


@pytest.mark.parametrize("language", LANGUAGES)
def test_staff_read_the_self_study_note_under_a_staff_heading(alice: Client, institution, language):
    enrolment = approved(CohortFactory(institution=institution, offers_self_study=True), "甲")
    services.do_log_self_study(
        trainee=enrolment.trainee,
        enrolment=enrolment,
        course=enrolment.curriculum.entries.first().course,
        studied_on=timezone.localdate(),
        hours=2,
        note="授信實務第三章",
    )
    html = alice.get(f"/{language}/admin/courses/selfstudyentry/").content.decode()
    with translation.override(language):
        heading = capfirst(gettext("what was studied"))
    assert re.search(rf'<th scope="col" class="sortable column-what_was_studied[^"]*">.*?{heading}', html, re.S)
    assert "授信實務第三章" in html
    assert "What I studied" not in html and "WHAT I STUDIED" not in html
