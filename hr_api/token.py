"""The OAuth2 token endpoint, throttled: secrets cannot be guessed at the speed of the network.

Its limits, counted in the shared cache (``CACHE_URL``) a minute at a time, then 429 with Retry-After
(:func:`over_the_limits`), ``L`` being ``API_TOKEN_RATE_PER_MINUTE``:

* ``L`` requests per client id and address (``client_network``: an IPv6 client by its /64), every request counted
  before anything is checked, so parallel guesses cannot overtake the count. One client that goes wrong (an HR
  system retrying with a rotated secret) is held by it alone: many banks' systems may share one address (a
  carrier's NAT), and one of them must not hold up the others.
* ``ADDRESS_CEILING × L`` per address in all, whatever client ids its requests name (a request held by the limit
  above is not counted here, so one client in a loop takes at most ``L`` of it): what one address may send,
  unknown client ids and unreadable forms included.
* An address with ``L`` refused requests in the minute is not served again that minute for a client id it was
  refused for. Checking a secret is what costs (it is stored hashed, as a password is), and only a known client
  id's is checked: after its ``L`` refusals, a guesser naming each client it knows in turn gets one more check of
  each (before these limits, ``L`` checks in all), while a client at the same address never refused is served.
* ``L`` tokens issued per client id: only the holder of its secret can move that count.

No count of a client id's failures stops its requests from other addresses: anyone who knows a client id (it is no
secret) would lock the bank out from wherever its HR system asks, by guessing wrong from another address. A secret
is 256 random bits (``secrets.token_urlsafe(32)``, hr_api.services), beyond guessing at any number of addresses'
rate.

Refused token requests are in the audit trail aggregated (:func:`record_refusal`): a row for the first refusal of
a known client id (else of any unknown one) from an address in ``AUDIT_WINDOW_SECONDS``, and again at the 10th,
100th, 1000th… with the count so far (``detail["refused"]``): who, from where, when it began and how many, while
junk requests cannot grow the trail by a row each.

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
from urllib.parse import unquote_plus

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import BadRequest, RequestDataTooBig, SuspiciousOperation, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from oauth2_provider.models import Application
from oauth2_provider.views import TokenView
from rest_framework import exceptions

from accounts import audit
from accounts.client_address import client_network
from core.ratelimit import counted, over_limit

from .auth import CLIENT_ID_MISMATCH
from .errors import PROBLEM_CONTENT_TYPE, problem_body

WINDOW_SECONDS = 60
#: An address's requests a minute in all, as a multiple of ``API_TOKEN_RATE_PER_MINUTE`` (the module's word).
ADDRESS_CEILING = 10
#: How long one audit row stands for the refusals of a client id (or of unknown ones) from an address.
AUDIT_WINDOW_SECONDS = 600

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
    """The client id of HTTP Basic, else of the form (when it could be read), read as django-oauth-toolkit reads
    it (``OAuth2Validator._extract_basic_auth`` and ``_authenticate_basic_auth``): a scheme of exactly ``Basic``,
    UTF-8, split at the first colon, then form-decoded (``unquote_plus``, RFC 6749 section 2.3.1), so that
    ``my%2Dclient`` and ``my-client``, one client to it, share every count here. The form's is decoded once, by
    Django, as oauthlib decodes the body it is given."""
    scheme, _space, credentials = request.META.get("HTTP_AUTHORIZATION", "").partition(" ")
    if scheme == "Basic" and credentials:
        try:
            return unquote_plus(base64.b64decode(credentials).decode("utf-8").split(":", 1)[0])[:100]
        except (binascii.Error, ValueError):  # UnicodeDecodeError included: the toolkit refuses it too
            return ""
    return str(request.POST.get("client_id", ""))[:100] if form_read else ""


def _hashed(client_id: str) -> str:
    """A client id as a cache key holds it (a client id may hold any character)."""
    return hashlib.sha256(client_id.encode()).hexdigest()


def _issued_key(client_id: str) -> str:
    """The cache key counting the tokens issued to ``client_id``."""
    return f"token-rate:issued:{_hashed(client_id)}"


def _refused_key(network: str, client_id: str | None = None) -> str:
    """The cache key counting the refused requests of an address (of one client id there, if given)."""
    return f"token-rate:refused:{network}" + ("" if client_id is None else f":{_hashed(client_id)}")


def over_the_limits(request: HttpRequest, client_id: str) -> bool:
    """Whether a token request is over a limit (the module's word), counting it: against its client id and
    address first, then (if that let it through) against its address; the address's refusals and the tokens
    already issued to ``client_id`` this minute are only read here (counted once a request is answered)."""
    limit = settings.API_TOKEN_RATE_PER_MINUTE
    network = client_network(request)
    if over_limit(f"token-rate:client:{_hashed(client_id)}:{network}", limit=limit, window_seconds=WINDOW_SECONDS):
        return True
    if over_limit(f"token-rate:addr:{network}", limit=limit * ADDRESS_CEILING, window_seconds=WINDOW_SECONDS):
        return True
    if int(cache.get(_refused_key(network)) or 0) >= limit and cache.get(_refused_key(network, client_id)):
        return True
    return bool(client_id) and int(cache.get(_issued_key(client_id), 0)) >= limit


def count_refusal(request: HttpRequest, client_id: str) -> None:
    """One refused token request of ``client_id`` from the request's address, for :func:`over_the_limits`."""
    network = client_network(request)
    for key in (_refused_key(network), _refused_key(network, client_id)):
        counted(key, window_seconds=WINDOW_SECONDS)


def record_refusal(request: HttpRequest, client_id: str, status: int) -> None:
    """The audit trail's account of a refused token request: counted per known client id (an unknown one, or
    none, under one count) and address for ``AUDIT_WINDOW_SECONDS``; the count's first, 10th, 100th… refusal
    writes a row with the count so far, saying which client (or, of an unknown one, the id it named), the
    address (``ip_address``, as every row), the status and the request."""
    # PostgreSQL holds no NUL in text or JSON: such an id names no client, and is kept escaped.
    known = bool(client_id) and "\x00" not in client_id and Application.objects.filter(client_id=client_id).exists()
    named = client_id.replace("\x00", "\\x00")
    network = client_network(request)
    count = counted(
        f"token-refused:{_hashed(client_id if known else '')}:{network}", window_seconds=AUDIT_WINDOW_SECONDS
    )
    if str(count).rstrip("0") != "1":  # 1, 10, 100…
        return
    minutes = AUDIT_WINDOW_SECONDS // 60
    audit.record(
        audit.Action.ACCESS_REFUSED,
        actor_label=f"api:{client_id}" if known else "anonymous",
        request=request,
        summary=f"token refused ({status})"
        + ("" if count == 1 else f", {count} times from {network} within {minutes} minutes"),
        detail={"status": status, "endpoint": "token", "refused": count}
        | ({} if known or not client_id else {"client_id": named}),
    )


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
            count_refusal(request, client_id)
            record_refusal(request, client_id, response.status_code)
        return response
