"""The OpenAPI schema is valid and documents the token URL, the scopes and a summary of each operation."""

import yaml
from openapi_spec_validator import validate


def test_the_schema_validates_and_names_the_token_url(client):
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    validate(schema)
    flows = schema["components"]["securitySchemes"]["oauth2"]["flows"]
    assert flows["clientCredentials"]["tokenUrl"] == "/api/v1/oauth/token/"
    assert set(flows["clientCredentials"]["scopes"]) == {"read", "enroll", "webhooks", "managers", "evaluations"}
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            assert operation.get("summary"), f"{method} {path} has no summary"


# Generated requests against the schema (1,000+ cases and stateful scenarios): tests/fuzz/test_api_fuzz.py


# --- the schema is as strict as the server (issue 15, item 10) -----------------------------

WRONG_TYPE = {"string": 12345, "integer": "7", "boolean": "true", "array": "x", "object": "x"}


def _resolve(schema: dict, node: dict) -> dict:
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[-1]]
    return node


def _type_of(schema: dict, node: dict) -> str | None:
    node = _resolve(schema, node)
    if "type" in node:
        return node["type"]
    alternatives = [_type_of(schema, a) for a in node.get("oneOf", [])]
    return alternatives[0] if alternatives and len(set(alternatives)) == 1 else None


def test_every_json_body_field_refuses_a_value_of_another_type_naming_the_field(cast, employee_a):
    """DRF took "phone": 912345678 as the text "912345678"; each field of every request body takes
    its own JSON type only: 400 naming the field, nothing written (a new field is walked too)."""
    from accounts.models import TraineeProfile
    from hr_api.models import WebhookEndpoint

    hook = WebhookEndpoint.objects.create(
        employer=cast.hr_a.employer, url="https://hr.bank-alpha.example/hook", events=["certificate.issued"], secret="x"
    )
    ids = {"/api/v1/employees/{id}/": employee_a.pk, "/api/v1/webhooks/{id}/": hook.pk}
    schema = yaml.safe_load(cast.api_a.get("/api/v1/schema/").content)
    walked = []
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            body = operation.get("requestBody", {}).get("content", {}).get("application/json")
            if not body:
                continue
            url = path.replace("{id}", str(ids.get(path, 0)))
            properties = _resolve(schema, body["schema"]).get("properties", {})
            assert _resolve(schema, body["schema"]).get("additionalProperties") is False, f"{method} {path}"
            for name, prop in properties.items():
                kind = _type_of(schema, prop)
                if kind is None or prop.get("readOnly"):
                    continue
                before = TraineeProfile.objects.count(), WebhookEndpoint.objects.count()
                response = getattr(cast.api_a, method)(url, {name: WRONG_TYPE[kind]}, format="json")
                assert response.status_code == 400, (method, path, name, response.content)
                assert name in {e["field"] for e in response.json()["errors"]}, (method, path, name, response.json())
                assert (TraineeProfile.objects.count(), WebhookEndpoint.objects.count()) == before
                walked.append(f"{method} {path} {name}")
    assert len(walked) >= 20, walked


def test_text_is_measured_as_sent_and_the_limits_are_in_the_schema(cast):
    schema = yaml.safe_load(cast.api_a.get("/api/v1/schema/").content)
    listing = {p["name"]: p for p in schema["paths"]["/api/v1/employees/"]["get"]["parameters"]}
    assert (listing["page_size"]["schema"]["minimum"], listing["page_size"]["schema"]["maximum"]) == (1, 500)
    key = next(p for p in schema["paths"]["/api/v1/employees/"]["post"]["parameters"] if p["name"] == "Idempotency-Key")
    assert (key["schema"]["minLength"], key["schema"]["maxLength"]) == (1, 255)
    assert "/api/v1/oauth/token/" in schema["paths"]
    # 30 characters and a space: over phone's maxLength as sent, though 30 once trimmed.
    response = cast.api_a.post(
        "/api/v1/employees/",
        {"employee_number": "E-1", "email": "e1@bank.example", "display_name": "陳", "phone": "0" * 30 + " "},
        format="json",
    )
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "phone", response.content
