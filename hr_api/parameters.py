"""The query parameters an operation takes are the ones its schema lists, and no others.

An HR system that misspells a filter (``?updatedSince=…``) must not get every row as if it had asked for
none: a nightly sync would take the whole list for the changes. So every endpoint refuses, with 400 naming
each, a query parameter its operation does not list (``unknown_parameter``), a parameter given twice that
takes one value (``repeated_parameter``: which of the two did the client mean?), and a value outside the
``enum`` the schema gives (``invalid_choice``, listing the values).

What an operation lists is read from the schema document itself (:func:`documented_query_parameters`: the
document ``/api/v1/schema/`` serves, :func:`hr_api.schema.generated_schema`, read once per process), so the server
and the schema cannot drift: a parameter declared on a view (``extend_schema(parameters=…)``, the pagination's
``cursor`` and ``page_size``) is taken, anything else refused. An endpoint outside the schema (the schema
itself, :mod:`hr_api.views.schema`) lists its own to :func:`check_query`.

A NUL (U+0000) in a parameter's name or value is refused the same way, naming the parameter
(``nul_character``): PostgreSQL stores none, and no name or value the API takes contains one.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from django.http import QueryDict
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.request import Request

if TYPE_CHECKING:
    from django_stubs_ext import StrPromise

NUL = "\x00"
Value = TypeVar("Value")


def _resolve(schema: dict[str, Any], components: Mapping[str, Any]) -> dict[str, Any]:
    """A parameter's schema, a ``$ref`` to a component followed (drf-spectacular's enum hook may make one)."""
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        return components.get(ref.rsplit("/", 1)[-1], schema)
    return schema


@functools.cache  # once per process (two threads may both read it the first time: the same answer)
def _documented() -> dict[tuple[type, str], dict[str, dict[str, Any]]]:
    """Each operation's query parameters, by view class and method, read from the schema the schema view serves
    (:func:`hr_api.schema.generated_schema` in its language: not generated again here). The generator only lists
    the endpoints (their paths as the schema writes them), which generates nothing."""
    from drf_spectacular.settings import spectacular_settings

    from hr_api.schema import SCHEMA_LANGUAGE, generated_schema

    document = generated_schema(SCHEMA_LANGUAGE)
    generator = spectacular_settings.DEFAULT_GENERATOR_CLASS()
    endpoints = generator.endpoint_inspector_cls(generator.patterns, generator.urlconf).get_api_endpoints()
    components = document.get("components", {}).get("schemas", {})
    documented: dict[tuple[type, str], dict[str, dict[str, Any]]] = {}
    for path, _regex, method, callback in endpoints:
        view = generator.create_view(callback, method)
        operation = document["paths"].get(generator.coerce_path(path, method, view), {}).get(method.lower())
        if operation is None:  # left out of the schema: it documents no parameter
            continue
        parameters = {
            parameter["name"]: _resolve(parameter.get("schema", {}), components)
            for parameter in operation.get("parameters", [])
            if parameter.get("in") == "query"
        }
        documented.setdefault((callback.cls, method.upper()), {}).update(parameters)
    return documented


def documented_query_parameters(view_class: type, method: str) -> dict[str, dict[str, Any]]:
    """The query parameters the schema lists for ``method`` on ``view_class``, each with its schema (HEAD:
    GET's). None listed, or no such operation in the schema: an empty dict."""
    return _documented().get((view_class, "GET" if method.upper() == "HEAD" else method.upper()), {})


def check_query_parameters(view_class: type, method: str, query: QueryDict) -> None:
    """:func:`check_query` of the parameters the schema lists for ``method`` on ``view_class``."""
    check_query(documented_query_parameters(view_class, method), query)


def check_query(documented: Mapping[str, Mapping[str, Any]], query: QueryDict) -> None:
    """400 (a ``ValidationError`` naming each parameter) unless ``query`` (a ``QueryDict``) gives only
    parameters of ``documented`` (name: schema), without a NUL, each once (unless the schema makes it an array),
    each ``enum`` value one of the listed ones. An empty value is no value (``?status=``: the schema's
    ``allowEmptyValue``)."""
    errors: dict[str, list[exceptions.ErrorDetail]] = {}
    for name in query:
        values = query.getlist(name)
        if NUL in name or any(NUL in value for value in values):
            errors[name] = [nul_character()]
            continue
        schema = documented.get(name)
        if schema is None:
            errors[name] = [unknown_parameter(name, documented)]
            continue
        if len(values) > 1 and schema.get("type") != "array":
            errors[name] = [exceptions.ErrorDetail(str(_("Give this parameter once.")), code="repeated_parameter")]
            continue
        choices = schema.get("enum")
        if choices and values[0] != "" and values[0] not in choices:
            errors[name] = [invalid_choice([str(choice) for choice in choices])]
    if errors:
        raise exceptions.ValidationError(errors)


def unknown_parameter(name: str, documented: Mapping[str, Any]) -> exceptions.ErrorDetail:
    """The error of a query parameter the operation does not take, naming it and those it takes. ``lang`` says
    where the language of an answer comes from (``Accept-Language``): only the schema takes ``?lang=``."""
    if documented:
        text = _("Unknown parameter %(name)s. This operation takes: %(names)s.") % {
            "name": name,
            "names": ", ".join(sorted(documented)),
        }
    else:
        text = _("Unknown parameter %(name)s. This operation takes no query parameters.") % {"name": name}
    if name == LANGUAGE_PARAMETER:
        text = f"{text} {LANGUAGE_HINT}"
    return exceptions.ErrorDetail(str(text), code="unknown_parameter")


#: The schema's language parameter, which no operation takes (:func:`unknown_parameter`), and what the refusal of
#: it adds.
LANGUAGE_PARAMETER = "lang"
LANGUAGE_HINT = _("Answers are in the language the Accept-Language header asks for.")


def invalid_choice(choices: list[str]) -> exceptions.ErrorDetail:
    """The error of a value that is not one of ``choices`` (an ``enum``, or the catalog's codes)."""
    text = _("Unknown value; give one of: %(choices)s.") % {"choices": ", ".join(choices)}
    return exceptions.ErrorDetail(str(text), code="invalid_choice")


def nul_character() -> exceptions.ErrorDetail:
    """The error of a query parameter or path segment with a NUL in its name or value."""
    return exceptions.ErrorDetail(str(_("The request contains a NUL character.")), code="nul_character")


def parsed_parameter(
    request: Request, name: str, *, form: re.Pattern[str], parse: Callable[[str], Value | None], message: StrPromise
) -> Value | None:
    """The query parameter ``name`` as ``parse`` reads it (None when not given or empty), or 400 naming it with
    ``message``. Only a value of ``form`` is parsed: Python's date parsers take other forms than the one the
    message asks for (``2026-W01``, a date alone for a date-time, non-ASCII digits)."""
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        value = parse(raw) if form.fullmatch(raw) else None
    except ValueError:  # of the form but no such day or time (2026-02-30)
        value = None
    if value is None:
        raise exceptions.ValidationError({name: [message]})
    return value
