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

from core.text_rules import FORMULA_STARTS, LONE_DASHES, REFUSED_CATEGORIES

#: The language the schema is written in, whatever a request's: its summaries and descriptions are English, so its
#: titles and choice labels (the models' verbose names, translated) are too, one language in one document. The
#: zh-hant schema gave fields Chinese titles beside English descriptions, which generated clients put together in
#: their docstrings, and a client generated with another ``Accept-Language`` differed. ``?lang=`` is still taken.
SCHEMA_LANGUAGE = "en"


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


def text_pattern(*, allow_blank: bool, also_refused: str = "", formula_start: bool = False) -> str:
    """No control or format character (nor any of ``also_refused``); unless blank is allowed, something besides
    spaces (which the server trims); with ``formula_start``, no first character a spreadsheet reads as a formula
    but a lone dash (core.text_rules.refuse_formula_start)."""
    refused = refused_characters() + "".join(re.escape(char) for char in also_refused)
    if formula_start:
        starts = "".join(re.escape(char) for char in FORMULA_STARTS)
        dashes = "".join(re.escape(char) for char in sorted(LONE_DASHES))
        body = f"[{spaces()}]*(?:[^{spaces()}{refused}{starts}][^{refused}]*|[{dashes}][{spaces()}]*)"
        return f"^(?:{body}|[{spaces()}]*)$" if allow_blank else f"^{body}$"
    if allow_blank:
        return f"^[^{refused}]*$"
    return f"^[^{refused}]*[^{spaces()}{refused}][^{refused}]*$"


class TextFieldExtension(OpenApiSerializerFieldExtension):
    target_class = "hr_api.serializers.base.Text"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        also_refused = getattr(self.target, "refused_characters", "")
        schema["pattern"] = text_pattern(
            allow_blank=self.target.allow_blank,
            also_refused=also_refused,
            formula_start=getattr(self.target, "refuses_formula_start", False),
        )
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
            if direction == "request" and getattr(field, "error_codes", None):
                # The codes of the field's own rules, gathered into each operation's 400 (:func:`bad_input`),
                # then removed (:data:`ERROR_CODES`).
                prop[ERROR_CODES] = dict(field.error_codes)
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


#: The key under which a field's or parameter's own codes (``error_codes``) reach :func:`add_problem_responses`,
#: which lists them in each operation's 400 and then removes it.
ERROR_CODES = "x-error-codes"

#: The codes of a field's constraints as the schema gives them (DRF's).
CONSTRAINT_CODES = (
    "The rule broken. For a field, the code of its schema's constraint: `required`, `null`, `blank`, `type` (a value "
    "of another JSON type), `max_length`, `min_length`, `min_value`, `max_value`, `invalid_choice`, `not_a_list`, "
    "`empty`, `invalid` (a value of the wrong form, or a field the operation does not take); the 400 and 409 of "
    "each operation name its other codes."
)


def problem_schema() -> dict[str, Any]:
    """The ``Problem`` component: its ``type`` leads to this site's page of problem types (hr_api.problems)."""
    from django.urls import reverse

    page = settings.SITE_URL.rstrip("/") + reverse("api:problems")
    return {
        "type": "object",
        "description": "RFC 9457 problem details. `title`, `detail` and each `errors[].message` are in the language "
        "of `Accept-Language`.",
        "properties": {
            "type": {
                "type": "string",
                "format": "uri",
                "description": f"`{page}<code>`: it ends with the problem's code, and leads to what the code means "
                f"({page} lists every code, in each of the site's languages).",
            },
            "title": {"type": "string"},
            "status": {"type": "integer"},
            "detail": {"type": "string"},
            "errors": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "field": {"type": "string", "description": "e.g. `email` or `employees[3].email`"},
                        "code": {"type": "string", "description": CONSTRAINT_CODES},
                        "message": {"type": "string"},
                    },
                    "required": ["field", "code", "message"],
                },
            },
        },
        "required": ["type", "title", "status", "detail"],
    }


#: What a 400 always says (``type`` ``invalid``: every bad field and query parameter is named in ``errors``).
BAD_INPUT = (
    "Bad input (`invalid`): every bad field is named in `errors`, and so is every query parameter the operation does "
    "not list (`unknown_parameter`), gives twice (`repeated_parameter`), gives a value it does not take "
    "(`invalid_choice`) or with a NUL character (`nul_character`)."
)
#: A GET's 400 also says that it takes no body (hr_api.views.base.BodyNotAllowed).
GET_400 = " A request with a body answers `body_not_allowed`: filters go in the query string."
#: A write's 400 also says that its body must be JSON (hr_api.parsers).
WRITE_400 = " A body that is not JSON answers `parse_error`."
ERRORS = {
    "401": "No valid token: `not_authenticated` (none was sent) or `invalid_token` (unknown, expired or revoked: get "
    "a new one).",
    "404": "No such row for this employer, or a `cursor` this API did not give (`not_found`).",
    "405": "Method not allowed (`method_not_allowed`).",
    "406": "Only JSON is served (`not_acceptable`).",
    "413": "The request body is too large (`too_large`).",
    "415": "Send JSON (`unsupported_media_type`).",
}
RETRY_AFTER = {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds"}}
#: The headers of a write that takes an ``Idempotency-Key`` (hr_api.idempotency) and of a creation (201).
REPLAYED = {
    "schema": {"type": "string", "enum": ["true"]},
    "description": "`true` on the answer to a retry with an `Idempotency-Key` used before: the first request's answer "
    "again, and nothing new done.",
}
LOCATION = {
    "required": True,
    "schema": {"type": "string", "format": "uri-reference"},
    "description": "The new row's address on this site (its path).",
}


def english(text: Any) -> str:
    """A translatable text in English, as the schema's descriptions are written."""
    with translation.override("en"):
        return str(text)


def rate(throttle: Any) -> str:
    """A DRF throttle's rate, as a schema says it ("600 requests a minute")."""
    return per_period(throttle.num_requests, throttle.duration)


def per_period(requests: int, seconds: int) -> str:
    period = {1: "second", 60: "minute", 3600: "hour", 86400: "day"}.get(seconds, f"{seconds} seconds")
    return f"{requests} requests a {period}"


def views_of_operations(generator: Any) -> dict[tuple[str, str], Any]:
    """The view of each operation of the schema, by path (as the schema writes it) and method."""
    return {(path, method.lower()): view for path, _regex, method, view in generator._get_paths_and_endpoints()}


def gathered_codes(schema: dict[str, Any], components: dict[str, Any], where: str = "") -> list[tuple[str, str, str]]:
    """The ``(field, code, meaning)`` of every field's own codes in a request body's ``schema`` (nested objects and
    lists followed: ``employees[].email``)."""
    if "$ref" in schema:
        schema = components.get(schema["$ref"].rsplit("/", 1)[-1], {})
    found = [(where, code, meaning) for code, meaning in schema.get(ERROR_CODES, {}).items()]
    for name, prop in schema.get("properties", {}).items():
        found += gathered_codes(prop, components, f"{where}.{name}" if where else name)
    if isinstance(schema.get("items"), dict):
        found += gathered_codes(schema["items"], components, f"{where}[]")
    for alternative in (*schema.get("allOf", []), *schema.get("anyOf", []), *schema.get("oneOf", [])):
        found += gathered_codes(alternative, components, where)
    return found


def bad_input(method: str, operation: dict[str, Any], components: dict[str, Any]) -> str:
    """The 400 of an operation, with the codes of its parameters' and fields' own rules."""
    text = BAD_INPUT + (GET_400 if method == "get" else WRITE_400 if method != "delete" else "")
    found = [
        (parameter["name"], code, meaning)
        for parameter in operation.get("parameters", [])
        for code, meaning in parameter.get(ERROR_CODES, {}).items()
    ]
    body = operation.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
    if body:
        found += gathered_codes(body, components)
    if not found:
        return text
    by_code: dict[str, list[tuple[str, str]]] = {}
    for field, code, meaning in found:
        by_code.setdefault(code, []).append((field, meaning))
    listed = "; ".join(
        f"`{code}` ({', '.join(dict.fromkeys(f'`{field}`' for field, _meaning in uses))}: {uses[0][1]})"
        for code, uses in by_code.items()
    )
    return f"{text} Besides the codes of the schema's constraints: {listed}."


def forbidden(view: Any, method: str) -> str:
    """The 403 of an operation: the scope it needs (hr_api.auth.scope_needed)."""
    from hr_api.auth import scope_needed

    scope = scope_needed(view, method.upper())
    text = f"The token lacks the scope `{scope}` this operation needs (`permission_denied`; the detail names it)."
    if method in {"post", "patch"} and hasattr(view, "check_event_scopes"):
        text += " So does a token that lacks the scope of an event asked for (see the description)."
    return text


def takes_idempotency_key(operation: dict[str, Any]) -> bool:
    return any(p.get("in") == "header" and p.get("name") == "Idempotency-Key" for p in operation.get("parameters", []))


def conflicting(view: Any, method: str, operation: dict[str, Any]) -> str | None:
    """The 409 of an operation, naming each code its ``type`` can end with (hr_api.problems), or None."""
    from hr_api.problems import TYPES

    method = method.upper()
    codes = list(getattr(view, "conflicts", {}).get(method, ()))
    batch = list(getattr(view, "batch_codes", {}).get(method, ()))
    idempotent = takes_idempotency_key(operation)
    if not (codes or batch or idempotent):
        return None
    parts = [f"`{code}` ({english(TYPES[code].meaning).rstrip('.')})" for code in codes]
    if batch:
        parts.append(
            "`conflict` for a batch whose items the employer's rows or the batch itself refuse, each named in "
            f"`errors` with its code: {', '.join(f'`{code}`' for code in batch)}"
        )
    if idempotent:
        parts.append("`conflict` for an `Idempotency-Key` used before for another request")
    return f"The state of a resource refuses the request; `type` ends with the code: {'; '.join(parts)}."


def throttled() -> str:
    from hr_api.auth import ClientRateThrottle

    return (
        f"Too many requests (`throttled`): at most {rate(ClientRateThrottle())} per client, every operation "
        "together; wait `Retry-After` seconds."
    )


def error_responses(view: Any, method: str, operation: dict[str, Any], components: dict[str, Any]) -> dict[str, str]:
    """Each error status an operation can answer, with its description (the codes it can answer named)."""
    write = method not in {"get", "delete"}
    responses = {"400": bad_input(method, operation, components), "401": ERRORS["401"]}
    responses["403"] = forbidden(view, method)
    responses |= {code: ERRORS[code] for code in ("404", "405", "406")}
    if write and (conflict := conflicting(view, method, operation)):
        responses["409"] = conflict
    if write:
        responses |= {code: ERRORS[code] for code in ("413", "415")}
    responses["429"] = throttled()
    return responses


def declare_headers(operation: dict[str, Any]) -> None:
    """``Location`` on a 201, ``Idempotent-Replayed`` on the success of a write that takes an ``Idempotency-Key``."""
    idempotent = takes_idempotency_key(operation)
    for status, response in operation.get("responses", {}).items():
        if not status.startswith("2"):
            continue
        headers: dict[str, Any] = {}
        if status == "201":
            headers["Location"] = LOCATION
        if idempotent:
            headers["Idempotent-Replayed"] = REPLAYED
        if headers:
            response.setdefault("headers", {}).update(headers)


def add_problem_responses(result, generator, request, public):
    components = result.setdefault("components", {}).setdefault("schemas", {})
    components["Problem"] = problem_schema()
    ref = {"$ref": "#/components/schemas/Problem"}
    views = views_of_operations(generator)
    for path, item in result.get("paths", {}).items():
        if not path.startswith("/api/v1/") or path.startswith(("/api/v1/schema", "/api/v1/oauth")):
            continue
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            declare_headers(operation)
            responses = operation.setdefault("responses", {})
            for code, text in error_responses(views[path, method], method, operation, components).items():
                entry = {"description": text, "content": {"application/problem+json": {"schema": ref}}}
                if code == "429":
                    entry["headers"] = RETRY_AFTER
                responses.setdefault(code, entry)
            for parameter in operation.get("parameters", []):
                describe_parameter(parameter)
    remove_error_codes(result)
    forbid_nul_in_request_bodies(components)
    blank_alternatives_as_any_of(result)
    add_token_endpoint(result)
    add_links(result)
    describe_the_api(result)
    return result


def remove_error_codes(result: dict[str, Any]) -> None:
    """:data:`ERROR_CODES` out of the document, once listed in the operations' 400."""
    stack: list[Any] = [result]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            node.pop(ERROR_CODES, None)
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def describe_the_api(result: dict[str, Any]) -> None:
    """The schema's ``info.description``: the settings' words, then the languages, the errors and the rate limits
    (read from the settings the server runs with)."""
    from django.urls import reverse

    from hr_api.auth import AddressRateThrottle, ClientRateThrottle
    from hr_api.token import ADDRESS_CEILING

    languages = [code for code, _name in settings.LANGUAGES]
    default = settings.LANGUAGE_CODE
    others = [code for code in languages if code != default]
    page = settings.SITE_URL.rstrip("/") + reverse("api:problems")
    info = result.setdefault("info", {})
    info["description"] = (
        f"{info.get('description', '')}\n\n"
        f"**Language.** Every text of an answer (a problem's `title`, `detail` and `errors[].message`, the token "
        f"endpoint's `detail`) is in the language `Accept-Language` asks for: `{default}` (the default) or "
        f"{' or '.join(f'`{code}`' for code in others)}. The operations take no `lang` parameter (400 "
        "`unknown_parameter`). This schema is written in English whatever the request's language (it takes "
        "`?lang=`, which changes nothing).\n\n"
        f"**Errors.** Problem details (RFC 9457, `application/problem+json`) whose `type` is `{page}<code>`: {page} "
        "says what each code means. Each operation's responses name the codes it answers.\n\n"
        f"**Rate limits.** {rate(ClientRateThrottle())} per client, every operation together; the token endpoint "
        f"{per_period(settings.API_TOKEN_RATE_PER_MINUTE, 60)} per address for each client id (wrong secrets too), "
        f"{per_period(settings.API_TOKEN_RATE_PER_MINUTE * ADDRESS_CEILING, 60)} per address in all, and as many "
        "tokens issued per client id (a wrong secret from elsewhere, or another client's at the same address, never "
        "holds a client up); this schema "
        f"{rate(AddressRateThrottle())} per address. Beyond a limit the answer is 429 with `Retry-After` (seconds)."
    )


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


def url_pattern(*, allow_http: bool, allow_private: bool = False) -> str:
    """The URLs of DNS hosts :func:`hr_api.webhooks.endpoints.vet_endpoint_url` takes (after DRF's URLField), as an
    ECMA-262 regex that Python reads the same: ``https`` (or ``http``), a host of LDH labels (1 to 63 characters, no
    hyphen at either end, no ``--`` in the third and fourth places, which IDNA keeps for ``xn--``) and a top-level
    label of letters, 253 characters at most; no port or one of the webhook's (``PORTS``; any of 1 to 65535 where
    ``allow_private`` lets a local receiver through); a path, a query and a fragment of RFC 3986's characters (``%``
    and two hex digits for any other: ``AFTER_HOST``). Every URL it admits is taken whatever the host resolves to
    (tested by drawing from it, as Schemathesis does); where the host leads is the rule no pattern can say."""
    from hr_api.webhooks.endpoints import AFTER_HOST, PORTS

    scheme = "https?" if allow_http else "https"
    label = "(?![A-Za-z0-9]{2}--)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
    host = f"(?=[A-Za-z0-9.-]{{1,253}}(?:[:/?#]|$))(?:{label}\\.)+[A-Za-z]{{2,63}}"
    if allow_private:
        port = "(?::(?:[1-9][0-9]{0,3}|[1-5][0-9]{4}|6[0-4][0-9]{3}|65[0-4][0-9]{2}|655[0-2][0-9]|6553[0-5]))?"
    else:
        port = f"(?::(?:{'|'.join(map(str, PORTS))}))?"
    return f"^{scheme}://{host}{port}{AFTER_HOST}$"


class UrlFieldExtension(OpenApiSerializerFieldExtension):
    """A URL this API takes is a URL it will call (webhooks): https to a public host, vetted by accounts.outbound
    (plain http too where WEBHOOK_ALLOW_HTTP allows it). The pattern (:func:`url_pattern`) is the form of the URL;
    the description states the rule beyond it, with the code of each refusal (the field's ``error_codes``)."""

    target_class = "rest_framework.fields.URLField"
    match_subclasses = True

    def map_serializer_field(self, auto_schema, direction):
        from django.conf import settings

        schema = auto_schema._map_serializer_field(self.target, direction, bypass_extensions=True)
        if direction == "request":
            schema["pattern"] = url_pattern(
                allow_http=settings.WEBHOOK_ALLOW_HTTP, allow_private=settings.WEBHOOK_ALLOW_PRIVATE_ADDRESSES
            )
            codes = getattr(self.target, "error_codes", {})
            refusals = "; ".join(f"`{code}` {meaning}" for code, meaning in codes.items())
            scheme = "https or http" if settings.WEBHOOK_ALLOW_HTTP else "https"
            schema["description"] = (
                f"A URL the portal calls with each event: {scheme}, to a host that resolves only to public addresses, "
                "checked when it is given and again before every delivery. The pattern gives its form for a host "
                "name; the server also takes a literal public IP address and an internationalised host name (in "
                "Unicode or its xn-- form, kept and shown in its xn-- form), which the pattern leaves out. A URL "
                "that is no URL at all is refused "
                f"with code `invalid`; one the rule refuses with the code of the rule: {refusals}."
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


def token_request_schema() -> dict[str, Any]:
    """``TokenRequest``: its ``scope`` lists the scopes of the settings (OAUTH2_PROVIDER's ``SCOPES``), each with its
    words there."""
    from oauth2_provider.settings import oauth2_settings

    scopes = "; ".join(f"`{name}` ({words})" for name, words in oauth2_settings.SCOPES.items())
    return {
        "type": "object",
        "description": "Client credentials grant, form-encoded. The client id and secret go by HTTP Basic (or, for a "
        "client that cannot send the header, here).",
        "properties": {
            "grant_type": {"type": "string", "enum": ["client_credentials"]},
            "client_id": {"type": "string"},
            "client_secret": {"type": "string"},
            "scope": {
                "type": "string",
                "description": f"Space-separated scopes, a subset of the client's: {scopes}. All of the client's "
                "scopes when left out.",
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

    from hr_api.token import ADDRESS_CEILING

    schemas = result["components"]["schemas"]
    schemas.update({"OAuthError": OAUTH_ERROR, "TokenRequest": token_request_schema(), "Token": TOKEN})
    result["components"].setdefault("securitySchemes", {})["clientBasic"] = {
        "type": "http",
        "scheme": "basic",
        "description": "The client id and secret, for the token endpoint only.",
    }
    oauth_error = {"application/json": {"schema": {"$ref": "#/components/schemas/OAuthError"}}}
    limit = per_period(settings.API_TOKEN_RATE_PER_MINUTE, 60)
    ceiling = per_period(settings.API_TOKEN_RATE_PER_MINUTE * ADDRESS_CEILING, 60)
    result["paths"][reverse("api:token")] = {
        "post": {
            "operationId": "oauth_token_create",
            "summary": "Get an access token",
            "description": "OAuth 2.0 client credentials grant (RFC 6749 section 4.4), the only grant this server "
            "has. Authenticate the client with HTTP Basic (section 2.3.1): a generated client sends it as an "
            "authenticated client whose token is the base64 of `client_id:client_secret` with the prefix `Basic`. "
            "The server also takes `client_id` and `client_secret` in the form instead (the RFC allows it for a client "
            "that cannot send the header; not both naming two clients). Any `grant_type` but `client_credentials` "
            "answers `unsupported_grant_type`, and a request without one `invalid_request`, before the client is "
            f"checked. At most {limit} per address for each client id, {ceiling} per address in all, and {limit} "
            "tokens issued per client id.",
            "tags": ["oauth"],
            "security": [{"clientBasic": []}],
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
                "400": {
                    "description": "A bad request: `invalid_request` (no `grant_type`, a parameter given twice or in "
                    "the URL, a body that is not a UTF-8 form, two clients named), `unsupported_grant_type` (a grant "
                    "other than `client_credentials`), `invalid_scope` (a scope unknown or not granted to the "
                    "client), `unauthorized_client` (a client not made for the client credentials grant).",
                    "content": oauth_error,
                },
                "401": {
                    "description": "`invalid_client`: unknown client, wrong secret or a revoked client.",
                    "content": oauth_error,
                },
                "429": {
                    "description": f"Too many token requests (`throttled`): at most {limit} per address for each "
                    f"client id, whether the secret is right or not, {ceiling} per address in all, and {limit} tokens "
                    f"issued per client id; an address refused {limit} times in a minute is not served again that "
                    "minute for a client id it was refused for. Wait `Retry-After` seconds.",
                    "headers": RETRY_AFTER,
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
