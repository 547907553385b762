"""/api/v1/evaluations/ (issue 19, item 5): the employer's evaluations, cursor pages and ``updated_since``;
bulk upsert by employee and period, all or nothing and idempotent; bank A's client never reads or writes
bank B's; the ``evaluations`` scope."""

import pytest
from django.utils import timezone

from career.models import Evaluation, EvaluationPeriod, EvaluationScore
from career.services import evaluations
from hr_api.models import ApiClient, IdempotencyRecord
from tests.conftest import make_trainee

from .conftest import assert_problem, http

URL = "/api/v1/evaluations/"
Q1 = {"kind": "quarterly", "starts_on": "2026-01-01", "ends_on": "2026-03-31"}
SCORES = {"performance": 90, "ethics": 80, "basic_management": 70, "credit": 85.5, "service": 75}
# 90×40 + 80×15 + 70×15 + 85.5×15 + 75×15 = 3600 + 1200 + 1050 + 1282.5 + 1125 = 8257.5 → 82.58


@pytest.fixture
def schemes(cast):
    a = evaluations.do_save_scheme(employer=cast.hr_a.employer, name="甲行考核", period_kinds=["quarterly"])
    b = evaluations.do_save_scheme(employer=cast.hr_b.employer, name="乙行考核", period_kinds=["quarterly"])
    return a, b


def item(employee, scores=SCORES, period=Q1):
    return {"employee": employee.pk, "period": period, "scores": scores}


def send(api, *items, **headers):
    return api.post(URL, {"evaluations": list(items)}, format="json", **headers)


def test_it_records_an_evaluation_and_answers_the_computation(cast, schemes, employee_a):
    response = send(cast.api_a, item(employee_a))
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["created"], body["updated"], body["unchanged"]) == (1, 0, 0)
    row = body["evaluations"][0]
    assert row["employee"] == employee_a.pk and row["employee_number"] == employee_a.employee_number
    assert row["period"] == Q1 and row["scheme"] == "甲行考核"
    assert row["scores"] == {k: float(v) for k, v in SCORES.items()}
    assert (row["weighted_score"], row["supported_level"], row["proposed_level"], row["move"]) == (
        82.58, "intermediate", "", ""
    )  # fmt: skip
    assert Evaluation.objects.get().employer == cast.hr_a.employer


def test_a_score_is_kept_to_two_decimals(cast, schemes, employee_a):
    row = send(cast.api_a, item(employee_a, {**SCORES, "service": 75.005})).json()["evaluations"][0]
    assert row["scores"]["service"] == 75.01
    assert_problem(send(cast.api_a, item(employee_a, {**SCORES, "service": 10**400})), 400)


def test_the_same_scores_again_update_nothing_and_new_ones_update_the_same_row(cast, schemes, employee_a):
    send(cast.api_a, item(employee_a))
    again = send(cast.api_a, item(employee_a)).json()
    assert (again["created"], again["updated"], again["unchanged"]) == (0, 0, 1)
    changed = send(cast.api_a, item(employee_a, {**SCORES, "service": 95})).json()
    assert (changed["created"], changed["updated"]) == (0, 1)
    assert Evaluation.objects.count() == 1 and EvaluationScore.objects.count() == 5
    assert EvaluationPeriod.objects.count() == 1


def test_a_retry_with_the_same_key_replays_the_first_answer_and_writes_nothing(cast, schemes, employee_a):
    first = send(cast.api_a, item(employee_a), HTTP_IDEMPOTENCY_KEY="ev-1")
    stamp = Evaluation.objects.get().updated_at
    again = send(cast.api_a, item(employee_a), HTTP_IDEMPOTENCY_KEY="ev-1")
    assert again.status_code == first.status_code == 200
    assert again.json() == first.json() and again["Idempotent-Replayed"] == "true"
    assert Evaluation.objects.get().updated_at == stamp and IdempotencyRecord.objects.count() == 1
    other = send(cast.api_a, item(employee_a, {**SCORES, "service": 10}), HTTP_IDEMPOTENCY_KEY="ev-1")
    assert_problem(other, 409)
    assert EvaluationScore.objects.get(dimension__code="service").score == 75


def test_the_batch_is_all_or_nothing_naming_the_refused_item(cast, schemes, employee_a):
    response = send(cast.api_a, item(employee_a), item(employee_a, {**SCORES, "service": 10}))
    body = assert_problem(response, 409)
    assert [(e["field"], e["code"]) for e in body["errors"]] == [("evaluations[1].employee", "duplicate")]
    assert not Evaluation.objects.exists() and not EvaluationPeriod.objects.exists()


def test_each_refusal_has_its_code_and_field_and_writes_nothing(cast, schemes, employee_a):
    other = make_trainee(
        email="x@bank-a.test", display_name="二號", employer="bank-a", employee_number="A-2"
    ).trainee_profile
    cases = [
        (item(other, {"performance": 80}), 409, "evaluations[0].scores", "missing_score"),
        (item(other, {**SCORES, "charm": 50}), 409, "evaluations[0].scores", "unknown_dimension"),
        (item(other, {**SCORES, "service": 101}), 400, "evaluations[0].scores.service", "max_value"),
        (item(other, {**SCORES, "service": 100.005}), 400, "evaluations[0].scores.service", "max_value"),
        (item(other, {**SCORES, "service": 3.4e38}), 400, "evaluations[0].scores.service", "max_value"),
        (item(other, {**SCORES, "service": -1e300}), 400, "evaluations[0].scores.service", "min_value"),
        (item(other, {**SCORES, "service": "80"}), 400, "evaluations[0].scores.service", "type"),
        (item(other, period={**Q1, "kind": "monthly"}), 409, "evaluations[0].period", "kind_not_used"),
        (item(other, period={**Q1, "kind": "weekly"}), 400, "evaluations[0].period.kind", "invalid_choice"),
        (item(other, {}), 409, "evaluations[0].scores", "missing_score"),
    ]
    for body, status, field, code in cases:
        response = send(cast.api_a, item(employee_a), body, HTTP_ACCEPT_LANGUAGE="en")
        problem = assert_problem(response, status)
        fields = {(e["field"], e["code"]) for e in problem["errors"]}
        assert (field.replace("[0]", "[1]"), code) in fields, (code, problem)
        assert not Evaluation.objects.exists() and not EvaluationPeriod.objects.exists()


def test_an_overlapping_period_is_a_conflict(cast, schemes, employee_a):
    send(cast.api_a, item(employee_a))
    overlapping = {"kind": "quarterly", "starts_on": "2026-03-01", "ends_on": "2026-05-31"}
    problem = assert_problem(send(cast.api_a, item(employee_a, period=overlapping), HTTP_ACCEPT_LANGUAGE="en"), 409)
    assert problem["errors"][0]["field"] == "evaluations[0].period"
    assert "overlaps" in problem["errors"][0]["message"]
    assert EvaluationPeriod.objects.count() == 1


def test_refusals_are_in_the_requests_language(cast, schemes, employee_a):
    employee_a.user.is_active = False
    employee_a.user.save(update_fields=["is_active"])
    zh = assert_problem(send(cast.api_a, item(employee_a), HTTP_ACCEPT_LANGUAGE="zh-Hant"), 409)
    en = assert_problem(send(cast.api_a, item(employee_a), HTTP_ACCEPT_LANGUAGE="en"), 409)
    assert zh["errors"][0]["code"] == en["errors"][0]["code"] == "deactivated"
    assert "deactivated" in en["errors"][0]["message"] and zh["errors"][0]["message"] != en["errors"][0]["message"]


def test_bank_a_neither_reads_nor_writes_bank_bs_evaluations(cast, schemes, employee_a, employee_b):
    assert send(cast.api_b, item(employee_b)).status_code == 200
    problem = assert_problem(send(cast.api_a, item(employee_b)), 409)
    assert problem["errors"][0]["code"] == "not_employee"
    assert Evaluation.objects.filter(employer=cast.hr_a.employer).count() == 0
    assert cast.api_a.get(URL).json()["results"] == []
    assert cast.api_a.get(URL, {"employee": employee_b.pk}).json()["results"] == []
    assert len(cast.api_b.get(URL).json()["results"]) == 1


def test_it_needs_the_evaluations_scope(cast, schemes, employee_a):
    reader = http(cast.hr_a, ["read", "enroll"])
    assert_problem(reader.get(URL), 403)
    assert_problem(send(reader, item(employee_a)), 403)
    ApiClient.objects.filter(pk=cast.hr_a.pk).update(can_evaluations=False)
    assert_problem(http(cast.hr_a, ["read", "evaluations"]).get(URL), 403)
    assert not Evaluation.objects.exists()


def test_the_list_pages_and_syncs_in_a_fixed_number_of_queries(cast, schemes, employer, django_assert_max_num_queries):
    people = [
        make_trainee(email=f"m{n}@bank-a.test", display_name=f"經理{n}", employer="bank-a", employee_number=f"M-{n}")
        for n in range(12)
    ]
    send(cast.api_a, *[item(p.trainee_profile) for p in people])
    with django_assert_max_num_queries(8):
        page = cast.api_a.get(URL, {"page_size": 5})
    body = page.json()
    assert page.status_code == 200 and len(body["results"]) == 5 and body["next"]
    assert all(len(row["scores"]) == 5 for row in body["results"])
    later = timezone.now()
    send(cast.api_a, item(people[0].trainee_profile, {**SCORES, "service": 100}))
    synced = cast.api_a.get(URL, {"updated_since": later.isoformat()}).json()["results"]
    assert [row["employee"] for row in synced] == [people[0].trainee_profile.pk]


def test_the_schema_documents_the_endpoint(client):
    import yaml

    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    operations = schema["paths"]["/api/v1/evaluations/"]
    assert operations["get"]["security"] == [{"oauth2": ["evaluations"]}]
    assert operations["post"]["summary"] == "Record evaluations in bulk"
    assert "Idempotency-Key" in {p["name"] for p in operations["post"]["parameters"]}
    assert "evaluations" in schema["components"]["securitySchemes"]["oauth2"]["flows"]["clientCredentials"]["scopes"]
