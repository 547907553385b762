"""The OAuth2 token endpoint, throttled: secrets cannot be guessed at the speed of the network.

Two limits of ``API_TOKEN_RATE_PER_MINUTE`` a minute, counted in the shared cache (``CACHE_URL``), then 429 with
Retry-After (:func:`over_the_limits`): every request counts against its address (``client_network``: an IPv6
client by its /64), whatever client id it names, which bounds the guessing of secrets from one address; and
each client id counts the tokens it was issued, which only the holder of its secret can move. No count of a
client id's failures stops its requests: anyone who knows a client id (it is no secret) would lock the bank out
from wherever its HR system asks, by guessing wrong from another address. A secret is 256 random bits
(``secrets.token_urlsafe(32)``, hr_api.services), beyond guessing at any number of addresses' rate.
Every refused token request (a wrong secret, a revoked client) is in the audit trail.

A refusal keeps RFC 6749's shape (section 5.2: ``error`` as oauthlib gives it) with an ``error_description``
in English, which the RFC limits to printable ASCII, and adds ``detail``: the same in the request's language
(``Accept-Language``, as every API answer and as the problems' ``detail``; clients ignore members they do not
know, RFC 6749 section 5.1): :data:`ERROR_TEXTS`. A method other than POST is the API's 405 problem with
``Allow: POST`` (not Django's empty HTML page): RFC 6749's error codes are for a token request the server
read, and the API answers every other HTTP-level refusal (this endpoint's 429 too) as
``application/problem+json``.

A body Django will not read as a form (a charset other than UTF-8, more than ``DATA_UPLOAD_MAX_NUMBER_FIELDS``
fields, more than ``DATA_UPLOAD_MAX_MEMORY_SIZE`` bytes, a broken multipart body) is a token request the server
could not read: ``invalid_request`` as for any malformed one (RFC 6749 section 5.2, and appendix B: the form is
UTF-8), not Django's HTML 400 page (:func:`unreadable_form`).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import re

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from oauth2_provider.views import TokenView
from rest_framework import exceptions

from accounts import audit
from accounts.client_address import client_network
from core.ratelimit import over_limit

from .auth import CLIENT_ID_MISMATCH
from .errors import PROBLEM_CONTENT_TYPE, problem_body

WINDOW_SECONDS = 60

#: The ``error_description`` of each error a client's token request can cause (RFC 6749, 5.2), by ``error``.
ERROR_TEXTS = {
    "invalid_client": gettext_lazy("Unknown client id or wrong secret, or the client is revoked."),
    "invalid_grant": gettext_lazy("The grant is invalid or has expired; ask with grant_type=client_credentials."),
    "unauthorized_client": gettext_lazy("This client may use grant_type=client_credentials only."),
    "unsupported_grant_type": gettext_lazy("Unsupported grant type; send grant_type=client_credentials."),
    "invalid_scope": gettext_lazy("A scope asked for is unknown or not granted to this client."),
    "invalid_request": gettext_lazy(
        "The token request is malformed: send grant_type=client_credentials in a form-encoded body, with the "
        "client id and secret by HTTP Basic or in the form."
    ),
}
MISSING = gettext_lazy("The request lacks the %(parameter)s parameter.")
TWICE = gettext_lazy("Give the %(parameter)s parameter once.")
#: oauthlib's own ``invalid_request`` descriptions that say more than :data:`ERROR_TEXTS`' (what it names kept).
INVALID_REQUEST_TEXTS = [
    (
        re.compile(r"URL query parameters are not allowed"),
        gettext_lazy("Send the parameters in the form-encoded body, not in the URL."),
    ),
    (re.compile(r"Duplicate (\w+) parameter\."), TWICE),
    (re.compile(r"Request is missing (\w+) parameter\."), MISSING),
    (re.compile(re.escape(CLIENT_ID_MISMATCH)), gettext_lazy(CLIENT_ID_MISMATCH)),  # hr_api.auth.ClientValidator's
]
#: Why a body could not be read as a form (:func:`unreadable_form`).
NOT_UTF8 = gettext_lazy(
    "Send the form in UTF-8: application/x-www-form-urlencoded without a charset, or with charset=utf-8."
)
TOO_LARGE = gettext_lazy("The token request is too large: send only grant_type, scope and the client id and secret.")

#: The one grant this server has. Any other is refused before anything else is checked (:func:`grant_refused`): DOT
#: and oauthlib answered each other grant as its own rules go (``invalid_request`` for a password grant without a
#: user name, ``unauthorized_client`` for an authorisation code, ``invalid_grant`` for a refresh token, a KeyError
#: for the device grant, whose ``device_code`` DOT's view read unchecked), and no grant ``unsupported_grant_type``.
GRANT_TYPE = "client_credentials"


def error_description(error: str, original: str) -> str | None:
    """The ``error_description`` of ``error`` in the request's language (None: an error no client causes,
    whose description stays oauthlib's); ``original`` is oauthlib's."""
    if error == "invalid_request":
        for pattern, text in INVALID_REQUEST_TEXTS:
            if found := pattern.fullmatch(original):
                return str(text) % {"parameter": found[1]} if found.groups() else str(text)
    text = ERROR_TEXTS.get(error)
    return None if text is None else str(text)


def oauth_error(
    status: int, error: str, description: Promise | None = None, params: dict[str, str] | None = None
) -> HttpResponse:
    """An RFC 6749 error answer made here, as oauthlib makes its own (no cache) and :func:`translated` words
    them: ``description`` (:data:`ERROR_TEXTS`' by default; with ``params``) in English and in the request's
    language."""
    text = ERROR_TEXTS[error] if description is None else description

    def worded() -> str:
        return str(text) % params if params else str(text)

    with translation.override("en"):
        english = worded()
    body = {"error": error, "error_description": english, "detail": worded()}
    response = HttpResponse(json.dumps(body, ensure_ascii=False), status=status, content_type="application/json")
    response["Cache-Control"] = "no-store"
    response["Pragma"] = "no-cache"
    return response


def grant_refused(request: HttpRequest) -> HttpResponse | None:
    """The answer to a token request (its form read) that does not ask for :data:`GRANT_TYPE`, else None: RFC 6749
    section 5.2's ``invalid_request`` without a ``grant_type`` (or with two), ``unsupported_grant_type`` for any
    other grant, whatever else the request says or lacks."""
    grants = request.POST.getlist("grant_type")
    if not grants or grants == [""]:
        return oauth_error(400, "invalid_request", MISSING, {"parameter": "grant_type"})
    if len(grants) > 1:
        return oauth_error(400, "invalid_request", TWICE, {"parameter": "grant_type"})
    if grants[0] != GRANT_TYPE:
        return oauth_error(400, "unsupported_grant_type")
    return None


def unreadable_form(request: HttpRequest) -> Promise | None:
    """None when Django reads ``request``'s body as a form (parsed here, once); else why it does not, the
    ``error_description`` of the ``invalid_request`` it gets (Django's exceptions became its HTML 400 page)."""
    try:
        request.POST  # noqa: B018
    except (RequestDataTooBig, TooManyFieldsSent):
        return TOO_LARGE
    except BadRequest:  # Django's only one for a form: a urlencoded body in a charset other than UTF-8
        return NOT_UTF8
    except (SuspiciousOperation, MultiPartParserError):  # too many files, a broken multipart body
        return ERROR_TEXTS["invalid_request"]
    return None


def translated(response: HttpResponse) -> HttpResponse:
    """``response`` with its RFC 6749 error's description in the request's language (``error`` unchanged), as
    ``application/json`` (oauthlib's refusal of a query string comes without a type: Django's default, HTML)."""
    if response.status_code < 400:
        return response
    try:
        body = json.loads(response.content)
    except ValueError:
        return response
    if not isinstance(body, dict) or not isinstance(body.get("error"), str):
        return response
    original = str(body.get("error_description", ""))
    detail = error_description(body["error"], original)
    if detail is not None:
        with translation.override("en"):
            body["error_description"] = error_description(body["error"], original)
        body["detail"] = detail
        response.content = json.dumps(body, ensure_ascii=False).encode()
    response["Content-Type"] = "application/json"
    return response


def _client_id(request: HttpRequest, *, form_read: bool) -> str:
    """The client id of HTTP Basic, else of the form (when it could be read)."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header.lower().startswith("basic "):
        try:
            return base64.b64decode(header[6:]).decode("utf-8", "replace").split(":", 1)[0][:100]
        except (binascii.Error, ValueError):
            return ""
    return str(request.POST.get("client_id", ""))[:100] if form_read else ""


def _issued_key(client_id: str) -> str:
    """The cache key counting the tokens issued to ``client_id`` (hashed: a client id may hold any character)."""
    return f"token-rate:issued:{hashlib.sha256(client_id.encode()).hexdigest()}"


def over_the_limits(request: HttpRequest, client_id: str) -> bool:
    """Whether a token request is over a limit of ``API_TOKEN_RATE_PER_MINUTE`` a minute (the module's word),
    counting it against its address: every request from the address (a wrong secret, a right one, an unreadable
    form) counts before anything else is looked at, so parallel guesses cannot overtake the count; the tokens
    already issued to ``client_id`` this minute (counted by the view once one is issued) are only read here. A
    guesser fills the count of its own addresses, never the client's."""
    limit = settings.API_TOKEN_RATE_PER_MINUTE
    over = over_limit(f"token-rate:addr:{client_network(request)}", limit=limit, window_seconds=WINDOW_SECONDS)
    return over or (bool(client_id) and int(cache.get(_issued_key(client_id), 0)) >= limit)


class ThrottledTokenView(TokenView):
    def http_method_not_allowed(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        detail = str(exceptions.MethodNotAllowed(request.method).detail)
        body = problem_body(405, code="method_not_allowed", detail=detail)
        response = HttpResponse(json.dumps(body, ensure_ascii=False), status=405, content_type=PROBLEM_CONTENT_TYPE)
        response["Allow"] = "POST"
        return response

    options = http_method_not_allowed  # Django's would answer 200 with an empty page

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        unreadable = unreadable_form(request)
        client_id = _client_id(request, form_read=unreadable is None)
        if over_the_limits(request, client_id):
            response = HttpResponse(
                json.dumps(
                    problem_body(
                        429, code="throttled", detail=str(_("Too many token requests; try again in a minute."))
                    )
                ),
                status=429,
                content_type=PROBLEM_CONTENT_TYPE,
            )
            response["Retry-After"] = str(WINDOW_SECONDS)
            return response
        if unreadable is not None:
            response = oauth_error(400, "invalid_request", unreadable)
        elif (refused := grant_refused(request)) is not None:
            response = refused
        else:
            response = translated(super().post(request, *args, **kwargs))
        if response.status_code == 200 and client_id:
            over_limit(_issued_key(client_id), limit=settings.API_TOKEN_RATE_PER_MINUTE, window_seconds=WINDOW_SECONDS)
        if response.status_code >= 400:
            audit.record(
                audit.Action.ACCESS_REFUSED,
                actor_label=f"api:{client_id}" if client_id else "anonymous",
                request=request,
                summary=f"token refused ({response.status_code})",
                detail={"status": response.status_code, "endpoint": "token"},
            )
        return response
