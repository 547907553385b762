"""The API's JSON parser: DRF's, refusing what ``json.load`` lets through.

- Nesting too deep for Python's parser (``[[[…]]]`` a thousand deep) raised RecursionError, a 500 even
  before authentication (django-oauth-toolkit reads the body): it is invalid JSON here, a 400
  ``parse_error`` in the request's language (hr_api.errors).
- A key twice in one object (``{"employee_number": "D1", "employee_number": "E1"}``) left the last
  one, silently: a 400 naming each repeated key by its path (``employees[3].email``), since the API
  lets no typo pass.
- A charset Python cannot decode text with: 415, as for any media type the API does not read (DRF's
  400 said so in English whatever the language).
"""

from __future__ import annotations

import codecs
from collections import Counter
from collections.abc import Iterator, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.parsers import JSONParser, get_encoding  # type: ignore[attr-defined]  # DRF 3.18, not in its stubs
from rest_framework.utils import json

REPEATED_KEY = _("This key appears more than once in its object; send it once.")


class _Repeated(dict[str, Any]):
    """A JSON object that had keys more than once (``repeated``), the last value of each kept."""

    __slots__ = ("repeated",)

    def __init__(self, pairs: list[tuple[str, Any]]) -> None:
        super().__init__(pairs)
        counts = Counter(key for key, _value in pairs)
        self.repeated = [key for key, count in counts.items() if count > 1]


def _repeated_keys(document: Any) -> Iterator[str]:
    """The path of each repeated key in ``document``, as hr_api.errors.flatten writes a field's path
    (a walk without recursion: the document may be as deep as the parser allows)."""
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, dict):
            for key in getattr(node, "repeated", ()):
                yield f"{path}.{key}" if path else key
            stack.extend((f"{path}.{key}" if path else key, value) for key, value in reversed(node.items()))
        elif isinstance(node, list):
            stack.extend((f"{path}[{index}]", value) for index, value in reversed(list(enumerate(node))))


class StrictJSONParser(JSONParser):
    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        parser_context = parser_context or {}
        try:
            encoding = get_encoding(parser_context)
        except exceptions.ParseError:
            raise exceptions.UnsupportedMediaType(media_type or "") from None
        repeated = False

        def object_of(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
            """An object as ``json.load`` makes it, or a :class:`_Repeated` when a key is in it twice."""
            nonlocal repeated
            document = dict(pairs)
            if len(document) == len(pairs):
                return document
            repeated = True
            return _Repeated(pairs)

        try:
            text = codecs.getreader(encoding)(stream).read()
            parse_constant = json.strict_constant if self.strict else None
            document = json.loads(text, parse_constant=parse_constant, object_pairs_hook=object_of)
        except ValueError as exc:
            raise exceptions.ParseError(f"JSON parse error - {exc}") from None
        except RecursionError:
            raise exceptions.ParseError("JSON parse error - nested too deep") from None
        if repeated:
            message = str(REPEATED_KEY)
            raise exceptions.ValidationError(
                {path: [exceptions.ErrorDetail(message, "duplicate_key")] for path in _repeated_keys(document)}
            )
        return document
