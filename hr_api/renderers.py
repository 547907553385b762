"""The API's JSON, with a list's rows written as JSON text by their serializer (issue 20).

DRF's ``JSONRenderer`` writes a page of 100 certificate rows through ``json.dumps`` one value at a
time, after the serializer built a dict per row: together about half the instructions of the page.
A serializer that knows its rows' JSON (``CertificateSerializer.json_rows``) writes them as text at
once, in :class:`JsonRows`; :class:`ApiJSONRenderer` puts that text where ``JSONRenderer`` would have
written the rows, byte for byte (tested), and anything else exactly as ``JSONRenderer`` does.
"""

from __future__ import annotations

import json
from typing import Any

from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import JSONRenderer


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


class ApiContentNegotiation(DefaultContentNegotiation):
    """DRF's, by ``Accept`` only; a request that names no type (no ``Accept``, or ``*/*``) gets the first
    renderer and its media type, as DRF's loop over the accepted types gives them, without the loop.

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
