"""The audit trail reads in words (issue 17): the site's time with its UTC offset, the action by its label,
states, statuses and scopes by their names, in the reader's language — not the codes a row stores."""

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from accounts import audit
from accounts.models import AuditEvent
from courses.models import Enrolment
from tests.conftest import in_english, logged_in
from tests.isolation import build_world

pytestmark = pytest.mark.django_db

MOMENT = datetime.datetime(2026, 12, 3, 6, 5, 9, tzinfo=datetime.UTC)


def test_a_time_is_the_sites_with_its_offset():
    assert audit.event_time(MOMENT) == "2026-12-03 14:05 (UTC+08:00)"


@override_settings(TIME_ZONE="America/New_York")
def test_a_time_behind_utc_shows_a_negative_offset():
    assert audit.event_time(MOMENT) == "2026-12-03 01:05 (UTC-05:00)"


def _event(action, **fields) -> AuditEvent:
    return AuditEvent.objects.create(action=action, actor_label="office@example.test", created_at=MOMENT, **fields)


def test_an_enrolment_state_change_names_both_states():
    build_world()  # approves enrolments through courses.services, which records the change
    event = AuditEvent.objects.filter(action=audit.Action.ENROLMENT_STATE, detail__new_state="approved").first()
    assert event is not None and "pending" in event.summary  # what the row stores: codes
    with translation.override("zh-hant"):
        assert audit.describe(event) == "報名：待審核 → 已核准"
    with translation.override("en"):
        assert audit.describe(event) == "enrolment: pending approval → approved"


def test_a_certificate_status_change_names_the_statuses_the_action_and_the_reason():
    event = _event(
        audit.Action.CERTIFICATE_STATUS,
        object_type="certification.Certificate",
        object_id="7",
        summary="BCM-2026-0007: active -> suspended (suspend)",
        detail={"old_status": "active", "new_status": "suspended", "action": "suspend", "reason": "調查中"},
    )
    with translation.override("zh-hant"):
        text = audit.describe(event)
    assert "BCM-2026-0007" in text and "調查中" in text
    assert "active" not in text and "suspend" not in text
    with translation.override("en"):
        assert audit.describe(event) == "Certificate BCM-2026-0007 suspended: active → suspended (reason: 調查中)"


def test_a_grade_change_writes_scores_as_numbers():
    event = _event(
        audit.Action.GRADE_CHANGED,
        object_type="exams.AttemptQuestion",
        summary="attempt 3: None -> 1E+1",
        detail={"attempt_id": 3, "old_score": None, "new_score": "1E+1"},
    )
    with translation.override("en"):
        assert audit.describe(event) == "Attempt 3: score — → 10"


def test_an_export_names_the_data_by_its_name():
    event = _event(
        audit.Action.ADMIN_EXPORT, summary="questions.csv: 4 questions", detail={"model": "exams.Question", "rows": 4}
    )
    with translation.override("en"):
        assert audit.describe(event) == "questions, 4 rows"
    with translation.override("zh-hant"):
        assert "exams.Question" not in audit.describe(event)


def test_an_api_client_change_names_its_scopes_by_their_field_names():
    event = _event(
        audit.Action.API_CLIENT_CHANGED,
        object_type="hr_api.ApiClient",
        summary="scopes read enroll",
        detail={"change": "scopes", "scopes": ["read", "enroll"]},
    )
    with translation.override("en"):
        assert audit.describe(event) == "scopes changed: scope: read, scope: enroll"
    with translation.override("zh-hant"):
        text = audit.describe(event)
    assert "read" not in text and "scopes" not in text


def test_the_trail_in_admin_reads_in_words_in_the_readers_language(program_office):
    build_world()
    enrolment = Enrolment.objects.filter(state="approved").first()
    AuditEvent.objects.filter(action=audit.Action.ENROLMENT_STATE).update(created_at=MOMENT)
    client = logged_in(program_office)
    with translation.override("zh-hant"):
        url = reverse("admin:accounts_auditevent_changelist")
    html = client.get(url, {"action__exact": "enrolment_state"}).content.decode()
    assert "2026-12-03 14:05 (UTC+08:00)" in html
    assert "報名狀態變更" in html or str(AuditEvent.Action.ENROLMENT_STATE.label) in html
    assert "報名：待審核 → 已核准" in html
    assert "pending -&gt; approved" not in html and "pending -> approved" not in html

    event = AuditEvent.objects.get(
        action=audit.Action.ENROLMENT_STATE, object_id=str(enrolment.pk), detail__new_state="approved"
    )
    with translation.override("zh-hant"):
        change = reverse("admin:accounts_auditevent_change", args=[event.pk])
    page = client.get(change).content.decode()
    assert "<title>2026-12-03 14:05 (UTC+08:00) 報名狀態變更" in page
    assert "已核准" in page and "new_state" not in page and "courses.Enrolment" not in page

    in_english(program_office)
    with translation.override("en"):
        english = logged_in(program_office).get(reverse("admin:accounts_auditevent_changelist")).content.decode()
    assert "enrolment: pending approval → approved" in english
    assert "(UTC+08:00)" in english


def test_the_system_and_anonymous_actors_are_named_in_the_readers_language(program_office):
    AuditEvent.objects.create(action=audit.Action.LOGIN_FAILED, actor_label="anonymous", created_at=MOMENT)
    AuditEvent.objects.create(action=audit.Action.CERTIFICATE_STATUS, actor_label="system", created_at=MOMENT)
    with translation.override("zh-hant"):
        url = reverse("admin:accounts_auditevent_changelist")
    html = logged_in(program_office).get(url).content.decode()
    assert '<td class="field-who">匿名</td>' in html
    assert '<td class="field-who">系統</td>' in html


def test_an_item_analysis_download_names_its_paper_and_filter_in_words():
    event = _event(
        audit.Action.ADMIN_EXPORT,
        summary="items-items.csv",
        detail={"model": "exams.Question", "paper": "BCM-101", "flagged": True, "rows": 3},
    )
    with translation.override("zh-hant"):
        assert ("試卷", "BCM-101") in audit.describe_detail(event)
        assert ("已標記", "是") in audit.describe_detail(event)
