"""The API's JSON, with a list's rows written as JSON text by their serializer (issue 20).

DRF's ``JSONRenderer`` writes a page of 100 certificate rows through ``json.dumps`` one value at a
time, after the serializer built a dict per row: together about half the instructions of the page.
A serializer that knows its rows' JSON (``CertificateSerializer.json_rows``) writes them as text at
once, in :class:`JsonRows`; :class:`ApiJSONRenderer` puts that text where ``JSONRenderer`` would have
written the rows, byte for byte (tested), and anything else exactly as ``JSONRenderer`` does.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from rest_framework import exceptions
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.utils.mediatypes import _MediaType


def escape_line_separators(text: str) -> str:
    """U+2028 and U+2029 escaped, as ``JSONRenderer`` does to its whole output."""
    if "\u2028" in text or "\u2029" in text:
        return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return text


class JsonRows:
    """Rows as the JSON text of an array, written as ``JSONRenderer`` writes it (compact, not ASCII-only,
    U+2028 and U+2029 escaped).

    Read as a sequence (or by DRF's JSON encoder, through ``tolist``), it is the rows themselves.
    """

    __slots__ = ("_rows", "json")

    def __init__(self, json_text: str) -> None:
        self.json = json_text
        self._rows: list[Any] | None = None

    def tolist(self) -> list[Any]:
        if self._rows is None:
            self._rows = json.loads(self.json)
        return self._rows

    def __iter__(self):
        return iter(self.tolist())

    def __len__(self) -> int:
        return len(self.tolist())

    def __getitem__(self, index):
        return self.tolist()[index]

    def __eq__(self, other: object) -> bool:
        return self.tolist() == (other.tolist() if isinstance(other, JsonRows) else other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"JsonRows({self.json[:60]!r}…)"


class _NoFormatOverride:
    """DRF's settings as the API's negotiation reads them: no ``URL_FORMAT_OVERRIDE``."""

    URL_FORMAT_OVERRIDE = None


def quality(renderer_type: _MediaType, accepts: list[_MediaType]) -> float:
    """The weight ``Accept`` (``accepts``) gives a renderer's media type: the ``q`` of the most specific range that
    matches it (RFC 9110, section 12.5.1: ``application/json;q=0, */*`` refuses JSON), 0 where none does. A ``q``
    that is no number counts as 1, as DRF reads it."""
    matching = [accepted for accepted in accepts if renderer_type.match(accepted)]
    if not matching:
        return 0.0
    best = max(accepted.precedence for accepted in matching)
    weights = []
    for accepted in matching:
        if accepted.precedence == best:
            try:
                weights.append(float(accepted.params.get("q", "1")))
            except ValueError:
                weights.append(1.0)
    return max(weights)


class RefusedTypesNegotiation(DefaultContentNegotiation):
    """DRF's, without the renderers ``Accept`` gives a weight of 0 (``*/*;q=0``, ``application/json;q=0``): DRF
    reads ``q`` for nothing, so a type the client refuses was served (200) rather than 406. After ``?format=``
    where a view takes it (the schema), as DRF does: an unknown format is its 404, a known one ``Accept`` refuses
    406."""

    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> tuple[BaseRenderer, str]:
        candidates = list(renderers)
        format = format_suffix or request.query_params.get(self.settings.URL_FORMAT_OVERRIDE)
        if format:
            candidates = list(self.filter_renderers(candidates, format))
        if request.META.get("HTTP_ACCEPT") is not None:
            accepts = [_MediaType(accepted) for accepted in self.get_accept_list(request)]
            candidates = [r for r in candidates if quality(_MediaType(r.media_type), accepts) > 0]
            if not candidates:
                raise exceptions.NotAcceptable()
        selected: tuple[BaseRenderer, str] = super().select_renderer(request, candidates, format_suffix)
        return selected


class ApiContentNegotiation(RefusedTypesNegotiation):
    """DRF's, by ``Accept`` only, a type it weighs 0 refused (:class:`RefusedTypesNegotiation`); a request that names
    no type (no ``Accept``, or ``*/*``) gets the first renderer and its media type, as DRF's loop over the accepted
    types gives them, without the loop.

    DRF's ``?format=`` override is off: it chose the renderer before authentication and answered 404 to a
    format no renderer has. ``format`` is no parameter of any operation (the schema lists none), so it is
    refused like any unknown one (400 ``unknown_parameter``, after authentication: hr_api.parameters)."""

    settings = _NoFormatOverride()  # type: ignore[assignment]  # the only setting DRF's negotiation reads

    def select_renderer(self, request, renderers, format_suffix=None):
        accept = request.META.get("HTTP_ACCEPT")
        if (
            (accept is None or accept == "*/*")
            and not format_suffix
            and renderers
            and ";" not in renderers[0].media_type  # no parameters: it matches */*
        ):
            return renderers[0], renderers[0].media_type
        return super().select_renderer(request, renderers, format_suffix)


class ApiJSONRenderer(JSONRenderer):
    """``JSONRenderer``; a page whose ``results`` are :class:`JsonRows` gets their text as it is."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        rows = data.get("results") if type(data) is dict else None
        if isinstance(rows, JsonRows):
            if not self.ensure_ascii and self.compact:
                head = super().render({**data, "results": []}, accepted_media_type, renderer_context)
                if head.endswith(b'"results":[]}'):  # the rows last, no indent: their text goes in the brackets
                    return head[:-3] + rows.json.encode() + b"}"
            data = {**data, "results": rows.tolist()}
        return super().render(data, accepted_media_type, renderer_context)
