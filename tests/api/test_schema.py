"""The OpenAPI schema is valid and documents the token URL, the scopes and a summary of each operation."""

import yaml
from openapi_spec_validator import validate


def test_the_schema_validates_and_names_the_token_url(client):
    schema = yaml.safe_load(client.get("/api/v1/schema/").content)
    validate(schema)
    flows = schema["components"]["securitySchemes"]["oauth2"]["flows"]
    assert flows["clientCredentials"]["tokenUrl"] == "/api/v1/oauth/token/"
    assert set(flows["clientCredentials"]["scopes"]) == {"read", "enroll", "webhooks"}
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            assert operation.get("summary"), f"{method} {path} has no summary"


# Generated requests against the schema (1,000+ cases and stateful scenarios): tests/fuzz/test_api_fuzz.py

