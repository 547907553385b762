"""SQL queries per request of every bench endpoint and admin list, for pages (or batches) of 5 and 50.

``python -m bench.queries`` against the database in DATABASE_URL; prints JSON
``{endpoint: {"counts": {"5": n, "50": n}, "status": 200}}``. Each request runs once to warm the
process's caches, then is counted, as a worker process that has served a few pages would.

The supervision pages (every URL name under ``supervision:`` that needs no argument, found by
:func:`bench.supervision.pages`) are counted as the program office sees them, all institutions
(``supervision_<name>``) and one (``supervision_<name>_one``); a POST-only one (405 to a GET) is
left out. They read the figures of the last recomputation (``bench.supervision``).
"""

from __future__ import annotations

import base64
import functools
import json
import os
import sys
from collections.abc import Callable

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()

from django.contrib import admin
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

PAGE_SIZES = (5, 50)
ADMIN_LISTS = [
    ("exams", "attempt"),
    ("exams", "courseresult"),
    ("exams", "sitting"),
    ("courses", "enrolment"),
    ("courses", "cohort"),
    ("certification", "certificate"),
    ("accounts", "traineeprofile"),
    ("certification", "cecourse"),
    ("certification", "ceenrolment"),
]
# Admin lists of a bank's career register, as its HR staff see them (bench.dataset._register).
HR_ADMIN_LISTS = [
    ("career", "managergrade"),
    ("career", "gradechange"),
    ("career", "complianceevent"),
    ("career", "evaluationscheme"),
    ("career", "evaluationperiod"),
    ("career", "evaluation"),
]


def count(do: Callable[[], object]) -> tuple[int, int]:
    do()  # warm
    with CaptureQueriesContext(connection) as queries:
        response = do()
    return len(queries), response.status_code


def _evaluations_of_bank_001(api: Client) -> None:
    """bank-001's scheme and a quarter's evaluations of 500 of its employees (through the API, as its HR
    system sends them; the same scores again change nothing), so that the evaluations list has full pages."""
    from accounts.models import Employer
    from career import selectors
    from career.services import evaluations

    employer = Employer.objects.get(code="bank-001")
    if selectors.scheme_of(employer.pk) is None:
        evaluations.do_save_scheme(employer=employer, name="bench 考核", period_kinds=["quarterly"])
    ids = [row["id"] for row in api.get("/api/v1/employees/?page_size=500").json()["results"]]
    period = {"kind": "quarterly", "starts_on": "2026-01-01", "ends_on": "2026-03-31"}
    items = [
        {
            "employee": pk,
            "period": period,
            "scores": {code: 60 + pk % 40 for code, *_r in evaluations.STANDARD_DIMENSIONS},
        }
        for pk in ids
    ]
    response = api.post("/api/v1/evaluations/", json.dumps({"evaluations": items}), content_type="application/json")
    print(f"[queries] evaluations of bank-001: {response.status_code}", file=sys.stderr, flush=True)


def main() -> dict:
    from django.urls import reverse
    from django.utils import translation

    from accounts.models import Institution
    from bench import dataset, supervision
    from bench.sessions import logged_in_client as session_client
    from certification import views as certification_views
    from courses import views as course_views

    rows = dataset.prepare_run()
    trainee = session_client(rows.load_users[0])
    attempt = rows.load_attempts[0]
    dashboard = session_client(rows.dashboard_users[0])
    staff = session_client(rows.admin_user)
    hr_staff = session_client(rows.hr_staff_user)
    manager = session_client(rows.manager_user)
    basic = base64.b64encode(f"{dataset.HR_CLIENT_ID}:{dataset.HR_CLIENT_SECRET}".encode()).decode()
    token = (
        Client()
        .post("/api/v1/oauth/token/", {"grant_type": "client_credentials"}, HTTP_AUTHORIZATION=f"Basic {basic}")
        .json()["access_token"]
    )
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}")
    numbers = rows.hr_employee_numbers

    def bulk(size: int):
        body = {"employees": [{"employee_number": n, "branch": f"分行 {size}"} for n in numbers[:size]]}
        return api.post("/api/v1/employees/bulk/", json.dumps(body), content_type="application/json")

    since = "2020-01-01T00:00:00Z"
    _evaluations_of_bank_001(api)
    endpoints: dict[str, Callable[[int], object]] = {
        "floor": lambda n: trainee.get("/bench/floor/"),
        "catalog": lambda n: trainee.get("/zh-hant/cohorts/"),
        "dashboard": lambda n: dashboard.get("/zh-hant/dashboard/"),
        "ce_courses": lambda n: trainee.get("/zh-hant/continuing-education/"),
        "exam_page": lambda n: trainee.get(f"/zh-hant/exams/attempts/{attempt}/"),
        "answer_save": lambda n: trainee.post(
            f"/zh-hant/exams/attempts/{attempt}/answer/",
            json.dumps({"question": 1 + n % 50, "choices": [1]}),
            content_type="application/json",
        ),
        "hr_certificates": lambda n: api.get(f"/api/v1/certificates/?updated_since={since}&page_size={n}"),
        "hr_employees": lambda n: api.get(f"/api/v1/employees/?updated_since={since}&page_size={n}"),
        "hr_enrollments": lambda n: api.get(f"/api/v1/enrollments/?updated_since={since}&page_size={n}"),
        "hr_exam_results": lambda n: api.get(f"/api/v1/exam-results/?page_size={n}"),
        "hr_evaluations": lambda n: api.get(f"/api/v1/evaluations/?updated_since={since}&page_size={n}"),
        "hr_managers": lambda n: api.get(f"/api/v1/managers/?updated_since={since}&page_size={n}"),
        "hr_bulk_upsert": bulk,
        "career_mine": lambda n: manager.get("/zh-hant/career/"),
        "admin_attempts": lambda n: staff.get("/zh-hant/admin/exams/attempt/"),
    }
    office = session_client(rows.office_user)
    one = Institution.objects.order_by("code").values_list("pk", flat=True).first()
    with translation.override("zh-hant"):
        pages, needs_arguments = supervision.measurable(supervision.pages())
        paths = {page.name: reverse(f"{supervision.NAMESPACE}:{page.name}") for page in pages}
    if needs_arguments:
        names = ", ".join(p.name for p in needs_arguments)
        print(f"[queries] supervision pages not counted (they need an argument): {names}", file=sys.stderr, flush=True)
    for name, url in paths.items():
        if office.get(url).status_code == 405:
            continue  # POST-only (the recompute button): not a page
        endpoints[f"supervision_{name}"] = lambda n, url=url: office.get(url)
        endpoints[f"supervision_{name}_one"] = lambda n, url=url: office.get(url, {"institution": one})
    for app_label, model in ADMIN_LISTS[1:]:
        endpoints[f"admin_{app_label}_{model}"] = lambda n, app_label=app_label, model=model: staff.get(
            f"/zh-hant/admin/{app_label}/{model}/"
        )
    for app_label, model in HR_ADMIN_LISTS:
        endpoints[f"admin_{app_label}_{model}"] = lambda n, app_label=app_label, model=model: hr_staff.get(
            f"/zh-hant/admin/{app_label}/{model}/"
        )
    admin_of = {f"admin_{a}_{m}": a + "." + m for a, m in [*ADMIN_LISTS[1:], *HR_ADMIN_LISTS]}
    admin_of |= {"admin_attempts": "exams.attempt"}
    result: dict[str, dict] = {}
    for name, do in endpoints.items():
        counts, statuses = {}, set()
        for size in PAGE_SIZES:
            if name in admin_of:
                model_admin = next(
                    ma for m, ma in admin.site._registry.items() if m._meta.label_lower == admin_of[name]
                )
                model_admin.list_per_page = size
            course_views.COHORTS_PER_PAGE = size
            certification_views.CE_COURSES_PER_PAGE = size
            queries, status = count(functools.partial(do, size))
            counts[str(size)] = queries
            statuses.add(status)
        result[name] = {"counts": counts, "status": sorted(statuses)}
        print(f"[queries] {name}: {counts} {sorted(statuses)}", file=sys.stderr, flush=True)
    return result


if __name__ == "__main__":
    print(json.dumps(main()))
