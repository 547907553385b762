"""A client generated from our schema by openapi-python-client drives the whole sync flow of an HR
system against a live server: token, create, bulk upsert, enrol with an Idempotency-Key and its
replay, pull with ``updated_since`` to the last cursor page, download a certificate PDF, register a
webhook. A schema that promises less or other than the server does (an operation the generator
drops, a field it cannot read) fails here (issue 15, item 10).
"""

from __future__ import annotations

import base64
import datetime
import importlib
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from hr_api.models import SCOPES
from tests.factories import CertificateFactory, CohortFactory, TraineeProfileFactory

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

GENERATOR = Path(sys.executable).with_name("openapi-python-client")


@pytest.fixture
def api(tmp_path, live_server):
    """The package openapi-python-client generates from /api/v1/schema/, imported under a fresh name."""
    import httpx

    schema = tmp_path / "schema.json"
    schema.write_bytes(httpx.get(f"{live_server.url}/api/v1/schema/?format=json").raise_for_status().content)
    config = tmp_path / "generator.yaml"
    config.write_text("post_hooks: []\n")  # no formatting: the code only has to run
    name = f"bcm_client_{uuid.uuid4().hex[:8]}"
    done = subprocess.run(
        [str(GENERATOR), "generate", "--path", str(schema), "--output-path", str(tmp_path / name),
         "--meta", "none", "--config", str(config)],
        capture_output=True, text=True, timeout=120, check=False,  # the code is asserted with the output
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    # Any warning means a part of the schema (an operation, a response) is missing from the client.
    assert "Warning" not in done.stdout + done.stderr, done.stdout + done.stderr
    sys.path.insert(0, str(tmp_path))
    try:
        yield importlib.import_module(name), live_server.url
    finally:
        sys.path.remove(str(tmp_path))
        for module in [m for m in sys.modules if m == name or m.startswith(f"{name}.")]:
            del sys.modules[module]


def module(package, dotted: str):
    return importlib.import_module(f"{package.__name__}.{dotted}")


def cursor_of(next_url: str | None) -> str | None:
    return parse_qs(urlsplit(next_url).query)["cursor"][0] if next_url else None


def test_a_generated_client_runs_the_whole_sync_flow(api, hr_client, other_trainee):
    """Bank A's HR system (hr-alpha) syncs; bank B's employee (the other trainee) never shows."""
    package, base_url = api
    bank = hr_client.employer
    cohort = CohortFactory()
    holder = TraineeProfileFactory(employer=bank, employee_number="A-0100")
    certificate = CertificateFactory(trainee=holder.user)
    started = timezone.now() - datetime.timedelta(seconds=1)

    client_module = module(package, "client")
    models = module(package, "models")
    token_op = module(package, "api.oauth.oauth_token_create")

    # Token: client id and secret in the form, and by HTTP Basic.
    anonymous = client_module.Client(base_url=base_url, raise_on_unexpected_status=True)
    token = token_op.sync(
        client=anonymous,
        body=models.TokenRequest(grant_type=models.TokenRequestGrantType.CLIENT_CREDENTIALS, client_id="hr-alpha",
                                 client_secret="s-a"),
    )  # fmt: skip
    assert isinstance(token, models.Token) and token.token_type == "Bearer", token
    assert set(token.scope.split()) == set(SCOPES)
    basic = client_module.Client(base_url=base_url, httpx_args={"auth": ("hr-alpha", "s-a")})
    by_basic = token_op.sync(
        client=basic,
        body=models.TokenRequest(grant_type=models.TokenRequestGrantType.CLIENT_CREDENTIALS, scope="read"),
    )
    assert isinstance(by_basic, models.Token) and by_basic.scope == "read", by_basic
    # The schema's security for the token endpoint is HTTP Basic alone: a generated client's authenticated client
    # sends it with the prefix Basic and the base64 of id:secret as its token.
    credentials = base64.b64encode(b"hr-alpha:s-a").decode()
    basic_client = client_module.AuthenticatedClient(base_url=base_url, token=credentials, prefix="Basic")
    by_prefix = token_op.sync(
        client=basic_client,
        body=models.TokenRequest(grant_type=models.TokenRequestGrantType.CLIENT_CREDENTIALS, scope="read"),
    )
    assert isinstance(by_prefix, models.Token) and by_prefix.scope == "read", by_prefix
    refused = token_op.sync(
        client=anonymous,
        body=models.TokenRequest(grant_type=models.TokenRequestGrantType.CLIENT_CREDENTIALS, client_id="hr-alpha",
                                 client_secret="wrong"),
    )  # fmt: skip
    assert isinstance(refused, models.OAuthError) and refused.error == "invalid_client", refused

    hr = client_module.AuthenticatedClient(base_url=base_url, token=token.access_token, raise_on_unexpected_status=True)

    # Create one employee, then create and update in bulk.
    created = module(package, "api.employees.employees_create").sync(
        client=hr,
        body=models.EmployeeCreateRequest(employee_number="A-0200", email="chen@bank-alpha.example",
                                          display_name="陳怡君", phone="0912345678"),
        idempotency_key=str(uuid.uuid4()),
    )  # fmt: skip
    assert isinstance(created, models.Employee), created
    assert (created.employee_number, created.phone, created.is_active) == ("A-0200", "0912 345 678", True)
    bulk = module(package, "api.employees.employees_bulk_create").sync(
        client=hr,
        body=models.EmployeeBulkRequest(
            employees=[
                models.EmployeeUpsertItemRequest(employee_number="A-0200", branch="信義分行"),
                *(
                    models.EmployeeUpsertItemRequest(employee_number=f"A-03{n:02d}", email=f"p{n}@bank-alpha.example",
                                                     display_name=f"行員 {n}")
                    for n in range(4)
                ),
            ]
        ),
    )  # fmt: skip
    assert isinstance(bulk, models.EmployeeBulkResult), bulk
    assert (bulk.created, bulk.updated, bulk.unchanged) == (4, 1, 0)
    assert {e.employee_number: e.branch for e in bulk.employees}["A-0200"] == "信義分行"
    again_bulk = module(package, "api.employees.employees_bulk_create").sync(
        client=hr,
        body=models.EmployeeBulkRequest(employees=[models.EmployeeUpsertItemRequest(employee_number="A-0200",
                                                                                    branch="信義分行")]),
    )  # fmt: skip
    assert (again_bulk.created, again_bulk.updated, again_bulk.unchanged) == (0, 0, 1)  # the same values again

    # Enrol with an Idempotency-Key; the retry replays the first answer.
    enrol = module(package, "api.enrollments.enrollments_create")
    body = models.EnrolRequest(employee=created.id, cohort=cohort.pk)
    first = enrol.sync_detailed(client=hr, body=body, idempotency_key="enrol-A-0200")
    again = enrol.sync_detailed(client=hr, body=body, idempotency_key="enrol-A-0200")
    assert first.status_code == again.status_code == 201
    assert isinstance(first.parsed, models.Enrolment) and first.parsed.state == models.StateEnum.PENDING
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.parsed.to_dict() == first.parsed.to_dict()

    # Pull every change since the start, two rows a page, to the last page.
    employees_list = module(package, "api.employees.employees_list")
    pulled: list[str] = []
    cursor, pages = None, 0
    while True:
        page = employees_list.sync(client=hr, updated_since=started, page_size=2, cursor=cursor or package.types.UNSET)
        assert isinstance(page, models.PaginatedEmployeeList), page
        pulled += [e.employee_number for e in page.results]
        pages += 1
        cursor = cursor_of(page.next_ if isinstance(page.next_, str) else None)
        if cursor is None:
            break
    assert sorted(pulled) == ["A-0100", "A-0200", "A-0300", "A-0301", "A-0302", "A-0303"]
    assert pages == 3

    # The certificate's PDF, as bytes.
    pdf = module(package, "api.certificates.certificates_pdf_retrieve").sync(client=hr, number=certificate.number)
    assert isinstance(pdf, package.types.File), pdf
    assert pdf.payload.read(5) == b"%PDF-"

    # A webhook endpoint; its secret is shown once.
    hook = module(package, "api.webhooks.webhooks_create").sync(
        client=hr,
        body=models.WebhookEndpointInputRequest(url="https://hr.bank-alpha.example/hooks",
                                                events=list(models.EventsEnum)),
        idempotency_key=str(uuid.uuid4()),
    )  # fmt: skip
    assert isinstance(hook, models.WebhookEndpointCreated), hook
    assert hook.secret and hook.url == "https://hr.bank-alpha.example/hooks"
    listed = module(package, "api.webhooks.webhooks_list").sync(client=hr)
    assert [h.id for h in listed.results] == [hook.id]
    for opened in (anonymous, basic, basic_client, hr):  # their connections to the live server
        opened.get_httpx_client().close()
