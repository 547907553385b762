"""Schemathesis over the whole employers' API with every check it has: at least 1,000 generated
requests that the schema allows, a few hundred that break it on purpose, then stateful scenarios
that chain operations through the links Schemathesis finds between them (an employee created by
POST is read, patched and deactivated by its id; an enrolment created is withdrawn …).

Every answer must be: no 5xx, a status code, content type, headers and body the schema lists; a
request the schema allows is not refused (positive data acceptance: 2xx, or a documented 404 for
another employer's id, a 409 for a duplicate …); a request it forbids is refused (negative data
rejection); auth is not ignored. Derandomized, so CI sees the same cases every run; the counts are
asserted, so a schema change that quietly shrinks the fuzzing fails here (issue 15, item 10).

In CI the run is part of the PostgreSQL pass only (it takes minutes; PostgreSQL is what production
runs and the stricter of the two: NUL in text, integer range, time zone offsets). Outside CI it
runs on whatever database the suite uses.
"""

import os

import pytest
import schemathesis
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import CHECKS as REGISTRY
from schemathesis.checks import is_check_class, load_all_checks
from schemathesis.generation import GenerationMode

from config.wsgi import application
from courses import services as training
from tests.api.conftest import token_for
from tests.api.test_results_and_certificates import published_result
from tests.career.conftest import grade
from tests.factories import CertificateFactory, CohortFactory, TraineeProfileFactory, curriculum_of

# Every check Schemathesis has (the CLI's --checks all), positive and negative data included.
load_all_checks()  # the Open API checks register on import


# Rules no pattern can say, each in its field's description, refused with a 400 naming the field: whether a
# phone number exists (libphonenumber's numbering plans, accounts.phones), and an employee number's letters
# and digits of any script after compatibility folding (accounts.identifiers.clean_employee_number).
RULES_BEYOND_PATTERNS = {("phone", "phone"), ("employee_number", "employee_number"), ("employee_number", "max_length")}


def within_the_numbering_plan(check):
    """``positive_data_acceptance``, except for a value the schema's text allows but a rule beyond its pattern
    refuses (:data:`RULES_BEYOND_PATTERNS`)."""

    def positive_data_acceptance(ctx, response, case):
        if response.status_code == 400:
            errors = response.json().get("errors") or []
            named = [(e.get("field", "").split(".")[-1], e.get("code")) for e in errors]
            if named and set(named) <= RULES_BEYOND_PATTERNS:
                return None
        return check(ctx, response, case)

    return positive_data_acceptance


CHECKS = [
    within_the_numbering_plan(check) if check.__name__ == "positive_data_acceptance" else check
    for check in REGISTRY.get_all()
    if not is_check_class(check)
]
EXAMPLES_PER_OPERATION = 50
MIN_CASES = 1000
SCENARIOS = 40
NEGATIVE_PER_OPERATION = 15


@pytest.fixture(autouse=True)
def in_one_ci_pass():
    from tests.conftest import is_postgres

    if os.environ.get("CI") == "true" and not is_postgres():
        pytest.skip("CI runs the API fuzzing in its PostgreSQL pass (module docstring)")


def test_every_check_is_on():
    names = {check.__name__ for check in CHECKS}
    assert {"positive_data_acceptance", "negative_data_rejection", "not_a_server_error", "ignored_auth"} <= names
    assert len(names) >= 14


@pytest.fixture
def keep_test_connection():
    """The WSGI handler closes the connection after each request, as Django's test client prevents."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def headers(cast, other_trainee, keep_test_connection):
    """Bank A's token of every scope, with rows of each kind for the fuzzer to land on (and bank B's employee)."""
    for n in range(3):
        profile = TraineeProfileFactory(employer=cast.hr_a.employer, employee_number=f"A-{n:04d}")
        training.do_enrol(trainee=profile.user, cohort=CohortFactory(curriculum=curriculum_of("assistant")))
        published_result(profile, passed=bool(n % 2))
        CertificateFactory(trainee=profile.user)
        grade(profile.user, level="junior")  # a manager in the career register (/api/v1/managers/)
    return {"Authorization": f"Bearer {token_for(cast.hr_a)}"}


def closing_application(environ, start_response):
    """The WSGI application as a server runs it: the body read, then closed. Schemathesis's WSGI
    transport reads the body but never calls ``close()``, which leaves a PDF's FileResponse open."""
    body = application(environ, start_response)
    try:
        return [b"".join(body)]
    finally:
        body.close()


def api_schema():
    return schemathesis.openapi.from_wsgi("/api/v1/schema/", closing_application)


def fresh_throttle() -> None:
    """The throttle is tested in tests/api; here it would only turn later cases into 429s."""
    from django.core.cache import cache

    cache.clear()


FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def test_a_thousand_generated_requests_find_no_server_error_and_no_schema_violation(headers):
    operations = [result.ok() for result in api_schema().get_all_operations()]
    assert len(operations) >= 26  # with the token endpoint
    ran: dict[str, int] = {}

    for operation in operations:

        @given(case=operation.as_strategy())
        @FUZZ_SETTINGS
        def run(case):
            fresh_throttle()
            ran[case.operation.label] = ran.get(case.operation.label, 0) + 1
            case.call_and_validate(headers=headers, checks=CHECKS)

        run()

    assert set(ran) == {operation.label for operation in operations}
    assert sum(ran.values()) >= MIN_CASES, ran


def test_invalid_requests_are_refused_in_the_documented_shape_never_with_a_server_error(headers):
    """Requests that break the schema (wrong types, missing fields, bad formats, unknown fields): a
    4xx problem the schema lists, never an acceptance (the schema says that an empty filter is none)."""
    ran = 0
    for operation in [result.ok() for result in api_schema().get_all_operations()]:

        @given(case=operation.as_strategy(generation_mode=GenerationMode.NEGATIVE))
        @settings(FUZZ_SETTINGS, max_examples=NEGATIVE_PER_OPERATION)
        def run(case):
            nonlocal ran
            fresh_throttle()
            ran += 1
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except Unsatisfiable:
            continue  # nothing in it can be made invalid (a path parameter that takes any text)
    assert ran >= 200


def test_stateful_scenarios_chain_operations_without_a_server_error_or_schema_violation(headers):
    schema = api_schema()
    operations = [op for item in schema.raw_schema["paths"].values() for op in item.values() if isinstance(op, dict)]
    declared = [link for op in operations for answer in op["responses"].values() for link in answer.get("links", {})]
    assert len(declared) >= 15, "the schema declares (almost) no links (hr_api/schema.py add_links)"
    base = schema.as_state_machine()
    transitions = [name for name in dir(base) if "__" in name.strip("_") and not name.startswith(("RANDOM", "_"))]
    assert len(transitions) >= len(declared) - 5, "Schemathesis follows few of the declared links"
    steps: list[str] = []

    class Scenario(base):
        """Each scenario starts from the same rows: it runs in a savepoint rolled back at its end, so
        that Hypothesis, replaying a scenario, sees the same answers (and draws the same steps)."""

        def setup(self):
            self.savepoint = transaction.atomic()
            self.savepoint.__enter__()

        def teardown(self):
            transaction.set_rollback(True)
            self.savepoint.__exit__(None, None, None)

        def get_call_kwargs(self, case):
            return {"headers": headers}

        def before_call(self, case):
            fresh_throttle()

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            steps.append(f"{case.method} {case.path} {response.status_code}")
            case.validate_response(
                response, checks=CHECKS, headers=headers, transport_kwargs=kwargs or None,
                recorder=getattr(self, "recorder", None),
            )  # fmt: skip

    Scenario.run(
        settings=settings(
            max_examples=SCENARIOS,
            stateful_step_count=6,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
    )
    assert len(steps) >= SCENARIOS
    # Chained calls reached real rows: some reads by id answered 200.
    assert any("{" in step and step.endswith(" 200") for step in steps), steps[:50]
