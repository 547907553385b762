"""The recomputation of the figures: one at a time, step by step, safe to run twice or to die."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from supervision import figures, services
from supervision.figures import Step
from supervision.models import RecomputeRun
from tests.conftest import logged_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted_steps(monkeypatch):
    """Two steps that count their runs, in place of the real figures."""
    ran: list[str] = []
    steps = (Step("first", lambda: ran.append("first")), Step("second", lambda: ran.append("second")))
    monkeypatch.setattr(figures, "steps", lambda: steps)
    return ran


def test_asking_runs_every_step_once_and_records_progress(
    program_office, counted_steps, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = logged_in(program_office).post(reverse("supervision:recompute"))
    assert response.status_code == 302
    run = RecomputeRun.objects.get()
    assert (run.state, run.steps_done, run.steps_total, run.requested_by) == ("done", 2, 2, program_office)
    assert counted_steps == ["first", "second"]
    status = logged_in(program_office).get(reverse("supervision:recompute_status")).json()
    assert status["state"] == "done" and status["percent"] == 100


def test_a_second_delivery_of_the_task_does_nothing(counted_steps, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.do_request_recompute(requested_by=None)
    services.do_run_recompute(run.pk)
    assert counted_steps == ["first", "second"]


def test_asking_while_one_waits_shows_that_one(program_office, counted_steps):
    first = services.do_request_recompute(requested_by=program_office)
    second = services.do_request_recompute(requested_by=None)
    assert second.pk == first.pk
    assert RecomputeRun.objects.count() == 1


def test_a_failing_step_fails_the_run_and_frees_the_way(monkeypatch, program_office):
    def broken() -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(figures, "steps", lambda: (Step("ok", lambda: None), Step("pass rates", broken)))
    run = services.do_request_recompute(requested_by=program_office)
    with pytest.raises(RuntimeError):
        services.do_run_recompute(run.pk)
    run.refresh_from_db()
    assert (run.state, run.steps_done) == ("failed", 1)
    assert "pass rates" in run.error
    assert services.do_request_recompute(requested_by=program_office).pk != run.pk


def test_a_run_whose_worker_died_is_given_up_after_a_while(settings, counted_steps):
    settings.SUPERVISION_RECOMPUTE_STALE_SECONDS = 600
    dead = RecomputeRun.objects.create(state="running", heartbeat_at=timezone.now() - datetime.timedelta(seconds=601))
    services.do_recompute_nightly()
    dead.refresh_from_db()
    assert dead.state == "failed"
    assert RecomputeRun.objects.filter(state="done").count() == 1
    assert counted_steps == ["first", "second"]


def test_the_nightly_job_leaves_a_live_run_alone(counted_steps):
    RecomputeRun.objects.create(state="running", heartbeat_at=timezone.now())
    services.do_recompute_nightly()
    assert counted_steps == []


def test_the_nightly_job_runs_a_run_the_broker_lost(counted_steps):
    lost = RecomputeRun.objects.create(state="queued")
    services.do_recompute_nightly()
    lost.refresh_from_db()
    assert lost.state == "done"
    assert counted_steps == ["first", "second"]


def test_the_page_shows_progress_while_running(program_office):
    RecomputeRun.objects.create(state="running", steps_total=4, steps_done=1, current_step="item analysis")
    page = logged_in(program_office).get("/en/supervision/").content.decode()
    assert 'value="25"' in page and "item analysis" in page
    assert "supervision/recompute.js" in page
    assert ">Recompute now</button>" not in page
