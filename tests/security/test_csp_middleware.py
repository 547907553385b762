"""The Content-Security-Policy built once (config.security_headers) is the library's, header for
header: a plain response gets the same text django-csp builds; a nonce, a decorator, an exemption,
a report-only policy and a settings change all still go through (or follow) the library."""

import pytest
from csp.constants import NONCE, SELF
from csp.decorators import csp_exempt, csp_update
from csp.middleware import CSPMiddleware as LibraryCSPMiddleware
from django.http import HttpResponse
from django.test import RequestFactory

from config.security_headers import CSPMiddleware

HEADER = "Content-Security-Policy"
REPORT_ONLY = "Content-Security-Policy-Report-Only"


def both(view, path="/en/somewhere/"):
    """The response of ``view`` through our middleware and through the library's."""
    answers = []
    for middleware_class in (CSPMiddleware, LibraryCSPMiddleware):
        request = RequestFactory().get(path)
        middleware = middleware_class(view)
        answers.append((request, middleware(request)))
    return answers


def plain(request):
    return HttpResponse("ok")


def test_a_plain_response_carries_the_librarys_policy():
    (_, ours), (_, library) = both(plain)
    assert ours[HEADER] == library[HEADER]
    assert "script-src 'self'" in ours[HEADER]
    assert REPORT_ONLY not in ours and REPORT_ONLY not in library


def test_asking_for_a_nonce_after_the_header_is_an_error_as_in_the_library():
    (request, _), _ = both(plain)
    with pytest.raises(Exception, match="not available after the CSP header"):
        str(request.csp_nonce)


def test_a_nonce_and_a_decorator_still_change_the_policy(settings):
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": [SELF], "script-src": [SELF, NONCE]}}

    def with_nonce(request):
        return HttpResponse(str(request.csp_nonce))

    (_, ours), (_, library) = both(with_nonce)
    assert f"'nonce-{ours.content.decode()}'" in ours[HEADER]
    assert ours[HEADER].replace(ours.content.decode(), "") == library[HEADER].replace(library.content.decode(), "")

    @csp_update({"img-src": ["https://images.example.org"]})
    def updated(request):
        return HttpResponse("ok")

    (_, ours), (_, library) = both(updated)
    assert "img-src https://images.example.org" in ours[HEADER]
    assert ours[HEADER] == library[HEADER]


def test_an_exempt_response_and_an_excluded_prefix_carry_no_policy(settings):
    (_, ours), _ = both(csp_exempt()(plain))
    assert HEADER not in ours
    settings.CONTENT_SECURITY_POLICY = {
        "EXCLUDE_URL_PREFIXES": ["/en/somewhere/"],
        "DIRECTIVES": {"default-src": [SELF]},
    }
    (_, ours), (_, library) = both(plain)
    assert HEADER not in ours and HEADER not in library


def test_a_settings_change_and_a_report_only_policy_are_followed(settings):
    settings.CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": {"default-src": [SELF], "report-uri": "/csp/"}}
    (_, ours), (_, library) = both(plain)
    assert ours[REPORT_ONLY] == library[REPORT_ONLY] == "default-src 'self'; report-uri /csp/"
    settings.CONTENT_SECURITY_POLICY = {"DIRECTIVES": {"default-src": ["'none'"]}}
    (_, ours), (_, library) = both(plain)
    assert ours[HEADER] == library[HEADER] == "default-src 'none'"
