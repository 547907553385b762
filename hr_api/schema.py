"""The schema says what the server does, no more and no less (issue 15).

Serializer extensions give the types and patterns the server checks (a strict serializer takes no
unknown field; free text has no control character); the post-processing hook documents every
operation's error answers in the problem shape, the OAuth2 token endpoint (not a DRF view), and
that an empty optional query parameter is the same as none.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Any

from django.conf import settings
from django.utils import translation
from drf_spectacular.extensions import OpenApiSerializerExtension, OpenApiSerializerFieldExtension
from drf_spectacular.settings import spectacular_settings

from core.text_rules import REFUSED_CATEGORIES


@functools.lru_cache(maxsize=len(settings.LANGUAGES))
def generated_schema(language: str) -> dict[str, Any]:
    """The schema in ``language``, generated once a process: it is read from the code, which does not change
    while the process runs. Generated without the request, as ``manage.py spectacular`` does (the same
    document): nothing a caller sends can reach the copy every later caller is served. The schema view
    (hr_api.views.schema, which forgets it when a test changes a setting) serves it, and the check of
    every operation's query parameters (hr_api.parameters) reads it; neither changes it."""
    generator = spectacular_settings.DEFAULT_GENERATOR_CLASS()
    with translation.override(language):
        schema: dict[str, Any] = generator.get_schema(request=None, public=True)
    return schema


def _regex_class(codes: list[int]) -> str:
    """BMP code points as the body of a regex class: \\uXXXX ranges, read the same by Python's and
    ECMA's regexes."""
    ranges: list[tuple[int, int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))

    def char(code: int) -> str:
        return f"\\u{code:04x}"

    return "".join(char(a) if a == b else f"{char(a)}-{char(b)}" for a, b in ranges)


@functools.cache
def refused_characters() -> str:
    """The control and format characters accounts.validators refuses, in the BMP.

    The server refuses the few beyond it too (U+110BD, U+1D173-U+1D17A, the tags U+E0001 …), but
    Schemathesis' regex engine cannot negate a class holding them, so the pattern leaves them out.
    """
    return _regex_class([c for c in range(0x10000) if unicodedata.category(chr(c)) in REFUSED_CATEGORIES])


@functools.cache
def spaces() -> str:
    """What str.strip() trims (DRF trims text), besides control characters: spelled out, as a
    validator's \\s may be ASCII only."""
    return _regex_class(
        [c for c in range(0x10000) if chr(c).isspace() and unicodedata.category(chr(c)) not in REFUSED_CATEGORIES]
    )


def text_pattern(*, allow_blank: bool) -> str:
    """No control or format character; unless blank is allowed, something besides spaces (which
    the server trims)."""
    refused = refused_characters()
    if allow_blank:
        return f"^[^{refused}]*$"
    return f"^[^{refused}]*[^{spaces()}{refused}][^{refused}]*$"


class TextFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "hr_api.serializers.base.Text"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        schema["pattern"] = text_pattern(allow_blank=self.target.allow_blank)
        return schema


class StrictSerializerExtension(OpenApiSerializerExtension):
    """A strict serializer refuses unknown fields: the schema says so."""

    target_class = "hr_api.serializers.base.StrictSerializer"
    match_subclasses = True

    def map_serializer(self, auto_schema, direction):
        schema = auto_schema._map_basic_serializer(self.target, direction)
        schema["additionalProperties"] = False
        for name, field in self.target.fields.items():
            prop = schema.get("properties", {}).get(name)
            if prop is None:
                continue
            alternatives = prop.get("oneOf", [])
            # drf-spectacular adds "or empty" to a blank-allowed text with a pattern; where the
            # pattern takes "" already, "" would match both and so neither of a oneOf.
            if (
                len(alternatives) == 2
                and alternatives[1] == {"type": "string", "maxLength": 0}
                and re.search(alternatives[0].get("pattern", "x"), "")
            ):
                prop.pop("oneOf")
                prop.update(alternatives[0])
            if prop.get("type") != "array":
                continue
            # A list that must not be empty (DRF's allow_empty=False) or is bounded.
            if getattr(field, "allow_empty", True) is False:
                prop.setdefault("minItems", 1)
            if getattr(field, "max_length", None) is not None:
                prop.setdefault("maxItems", field.max_length)
        return schema


PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details.",
    "properties": {
        "type": {"type": "string", "format": "uri"},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "errors": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "field": {"type": "string", "description": "e.g. `email` or `employees[3].email`"},
                    "code": {"type": "string"},
                    "message": {"type": "string"},
                },
                "required": ["field", "code", "message"],
            },
        },
    },
    "required": ["type", "title", "status", "detail"],
}

ERRORS = {
    "400": "Bad input: every bad field is named in `errors`, and so is every query parameter the operation does not "
    "list (`unknown_parameter`), gives twice (`repeated_parameter`), gives a value it does not take "
    "(`invalid_choice`) or with a NUL character (`nul_character`).",
    "401": "No valid token.",
    "403": "The token lacks the scope this operation needs.",
    "404": "No such row for this employer, or a `cursor` this API did not give.",
    "405": "Method not allowed.",
    "406": "Only JSON is served.",
    "409": "The state of a resource refuses the request (a full cohort, a reused Idempotency-Key).",
    "413": "The request body is too large.",
    "415": "Send JSON.",
    "429": "Too many requests; wait `Retry-After` seconds.",
}
WRITE_ONLY = {"409", "413", "415"}
#: A GET's 400 also says that it takes no body (hr_api.views.base.BodyNotAllowed).
GET_400 = " A request with a body answers `body_not_allowed`: filters go in the query string."


def add_problem_responses(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = PROBLEM
    ref = {"$ref": "#/components/schemas/Problem"}
    for path, item in result.get("paths", {}).items():
        if not path.startswith("/api/v1/") or path.startswith(("/api/v1/schema", "/api/v1/oauth")):
            continue
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for code, description in ERRORS.items():
                if code in WRITE_ONLY and method in {"get", "delete"}:
                    continue
                text = description + GET_400 if code == "400" and method == "get" else description
                entry = {"description": text, "content": {"application/problem+json": {"schema": ref}}}
                if code == "429":
                    entry["headers"] = {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds"}}
                responses.setdefault(code, entry)
            for parameter in operation.get("parameters", []):
                describe_parameter(parameter)
    forbid_nul_in_request_bodies(components)
    blank_alternatives_as_any_of(result)
    add_token_endpoint(result)
    add_links(result)
    return result


def forbid_nul_in_request_bodies(components: dict) -> None:
    """A text field of a request body takes no NUL either (DRF's CharField refuses one with 400), so a
    client generated from the schema learns it there, not from a refusal (``*Request`` components)."""

    def forbid(schema: dict) -> None:
        if schema.get("type") == "string" and not {"enum", "format", "pattern"} & set(schema):
            schema["pattern"] = NO_NUL
        for nested in schema.get("properties", {}).values():
            forbid(nested)
        if isinstance(schema.get("items"), dict):
            forbid(schema["items"])

    for name, schema in components.items():
        if name.endswith("Request"):
            forbid(schema)


NO_NUL = "^[^\\u0000]*$"

#: drf-spectacular's "or empty" alternative of a text with a format (an e-mail address or "").
BLANK = {"type": "string", "maxLength": 0}


def blank_alternatives_as_any_of(result: dict) -> None:
    """Every "a value or empty" that drf-spectacular wrote as ``oneOf`` (``pending_email``: an ``email``-format
    string, or one of ``maxLength`` 0) as ``anyOf``. A validator that does not check formats (most do not, by
    default) finds that "" matches both, so ``oneOf`` refused every row whose value is empty."""
    stack: list = [result]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if isinstance(node.get("oneOf"), list) and BLANK in node["oneOf"]:
                node["anyOf"] = node.pop("oneOf")
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def describe_parameter(parameter: dict) -> None:
    """What the server takes in a path or query parameter, which drf-spectacular does not know.

    An empty optional query parameter is none (``?tier=`` filters nothing). An integer is a row id
    (``<id:…>`` in a URL, ``?employee=``): 1 to 2**63 - 1, else 400 or 404 (accounts.converters).
    Free text has no NUL (ApiView refuses it: PostgreSQL cannot store one).
    """
    from accounts.converters import MAX_ID

    schema = parameter.setdefault("schema", {})
    if parameter.get("in") not in {"query", "path"}:
        return
    if parameter.get("in") == "query" and not parameter.get("required"):
        parameter["allowEmptyValue"] = True
    if schema.get("type") == "integer" and "minimum" not in schema and "maximum" not in schema:
        schema.update(minimum=1, maximum=MAX_ID)
    if schema.get("type") == "string" and not {"enum", "format", "pattern"} & set(schema):
        schema["pattern"] = NO_NUL


class UrlFieldExtension(OpenApiSerializerFieldExtension):
    """A URL this API takes is a URL it will call (webhooks): https to a public host name, vetted by
    accounts.outbound (plain http too where WEBHOOK_ALLOW_HTTP allows it). The pattern is the part
    a schema can say: a scheme, a lower-case DNS name (not an address), a path."""

    target_class = "rest_framework.fields.URLField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        from django.conf import settings

        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if direction == "request":
            scheme = "https?" if settings.WEBHOOK_ALLOW_HTTP else "https"
            label = "[a-z0-9]{1,20}(-[a-z0-9]{1,20}){0,2}"
            schema["pattern"] = (
                f"^{scheme}://({label}\\.){{1,3}}[a-z]{{2,20}}(:[1-9][0-9]{{0,3}})?(/[A-Za-z0-9._~-]*)*$"
            )
        return schema


OAUTH_ERROR = {
    "type": "object",
    "description": (
        "OAuth 2.0 error (RFC 6749 section 5.2): `error_description` in English (the RFC allows ASCII only), "
        "`detail` the same in the language of `Accept-Language`."
    ),
    "properties": {
        "error": {
            "type": "string",
            "enum": [
                "invalid_request",
                "invalid_client",
                "invalid_grant",
                "unauthorized_client",
                "unsupported_grant_type",
                "invalid_scope",
            ],
        },
        "error_description": {"type": "string"},
        "detail": {"type": "string"},
    },
    "required": ["error"],
}
TOKEN_REQUEST = {
    "type": "object",
    "description": "Client credentials grant, form-encoded. Give the client id and secret here or by HTTP Basic.",
    "properties": {
        "grant_type": {"type": "string", "enum": ["client_credentials"]},
        "client_id": {"type": "string"},
        "client_secret": {"type": "string"},
        "scope": {
            "type": "string",
            "description": "Space-separated scopes, a subset of the client's (`read`, `enroll`, `webhooks`, "
            "`managers`); all of the client's scopes when left out.",
        },
    },
    "required": ["grant_type"],
}
TOKEN = {
    "type": "object",
    "properties": {
        "access_token": {"type": "string", "description": "Send it as `Authorization: Bearer <token>`."},
        "token_type": {"type": "string", "enum": ["Bearer"]},
        "expires_in": {"type": "integer", "description": "Seconds until the token expires; then ask again."},
        "scope": {"type": "string", "description": "The scopes granted, space-separated."},
    },
    "required": ["access_token", "token_type", "expires_in", "scope"],
}


def add_token_endpoint(result: dict) -> None:
    """The OAuth2 token endpoint (django-oauth-toolkit's view, which drf-spectacular does not see)."""
    from django.urls import reverse

    schemas = result["components"]["schemas"]
    schemas.update({"OAuthError": OAUTH_ERROR, "TokenRequest": TOKEN_REQUEST, "Token": TOKEN})
    result["components"].setdefault("securitySchemes", {})["clientBasic"] = {
        "type": "http",
        "scheme": "basic",
        "description": "The client id and secret, for the token endpoint only.",
    }
    oauth_error = {"application/json": {"schema": {"$ref": "#/components/schemas/OAuthError"}}}
    result["paths"][reverse("api:token")] = {
        "post": {
            "operationId": "oauth_token_create",
            "summary": "Get an access token",
            "description": "OAuth 2.0 client credentials grant (RFC 6749 section 4.4). Authenticate with HTTP "
            "Basic, or give `client_id` and `client_secret` in the form. Throttled per address and per client.",
            "tags": ["oauth"],
            "security": [{"clientBasic": []}, {}],
            "requestBody": {
                "required": True,
                "content": {
                    "application/x-www-form-urlencoded": {"schema": {"$ref": "#/components/schemas/TokenRequest"}}
                },
            },
            "responses": {
                "200": {
                    "description": "A bearer token.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Token"}}},
                },
                "400": {"description": "A bad request: the grant type or scope is refused.", "content": oauth_error},
                "401": {"description": "Unknown client, wrong secret or a revoked client.", "content": oauth_error},
                "429": {
                    "description": ERRORS["429"],
                    "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds"}},
                    "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
                },
            },
        }
    }


def _properties(schema: dict, components: dict) -> dict:
    if "$ref" in schema:
        schema = components.get(schema["$ref"].rsplit("/", 1)[-1], {})
    return schema.get("properties", {})


def add_links(result: dict) -> None:
    """OpenAPI links from where a row's key first appears to the operations on that row.

    A collection's POST (201) gives ``id`` to every operation under ``<collection>{id}/``; its GET
    list gives the first row's key (``id`` or ``number``) the same way. Clients and Schemathesis'
    stateful tests follow them.
    """
    paths, components = result.get("paths", {}), result.get("components", {}).get("schemas", {})
    for collection, item in paths.items():
        for method, code in (("post", "201"), ("get", "200")):
            response = item.get(method, {}).get("responses", {}).get(code)
            if not response:
                continue
            body = response.get("content", {}).get("application/json", {}).get("schema", {})
            properties = _properties(body, components)
            rows = "" if method == "post" else "/results/0"
            if method == "get":
                properties = _properties(properties.get("results", {}).get("items", {}), components)
            for target, operations in paths.items():
                key = target.removeprefix(collection).split("/", 1)[0]
                if not target.startswith(collection) or not (key.startswith("{") and key.endswith("}")):
                    continue
                name = key[1:-1]
                if name not in properties:
                    continue
                for operation in operations.values():
                    if not isinstance(operation, dict) or "operationId" not in operation:
                        continue
                    response.setdefault("links", {})[operation["operationId"]] = {
                        "operationId": operation["operationId"],
                        "parameters": {name: f"$response.body#{rows}/{name}"},
                    }
