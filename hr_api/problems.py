"""The problem types of the employers' API: each code a problem's ``type`` can end with, its status and what it
means, in the reader's language (an integrator's report: the types pointed at a placeholder domain, and the
contract named few of the codes).

A problem's ``type`` is ``<SITE_URL>/api/v1/problems/<code>`` (:func:`type_uri`): it ends with the code, as the
schema has always said, and it leads to the page that lists every code with its meaning in both languages
(:mod:`hr_api.views.problems`). The schema's responses name the codes each operation can answer from here
(hr_api.schema), so that the page, the contract and the answers read one catalogue; a test checks that every
code the API's exceptions and views can answer is in it.

The codes of ``errors[].code`` (a field's or a parameter's rule) are declared where each rule is (the fields of
hr_api.serializers.base, hr_api.parameters, hr_api.pagination, hr_api.webhooks.endpoints) and listed per
operation in the schema.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

from accounts.employees import ACCOUNT_DELETED, ADDRESS_OURS, DEACTIVATED_BY_OFFICE, EMPLOYEE_MOVED, NUMBER_TAKEN

from .auth import InvalidToken
from .webhooks.endpoints import TOO_MANY_MESSAGE, URL_TAKEN_MESSAGE, endpoint_limit


def _too_many_endpoints() -> str:
    """The refusal's own words (one wording), with the limit the portal has now in place of its placeholder."""
    return TOO_MANY_MESSAGE % {"limit": endpoint_limit()}


@dataclass(frozen=True)
class ProblemType:
    status: int
    meaning: Promise


#: Every code a problem's ``type`` ends with, by status.
TYPES: dict[str, ProblemType] = {
    "invalid": ProblemType(
        400, _("Fields or query parameters are wrong: each one is named in errors, with the code of its rule.")
    ),
    "parse_error": ProblemType(400, _("The request body is not valid JSON.")),
    "body_not_allowed": ProblemType(
        400, _("A GET request takes no body: give the filters in the query string (?name=value).")
    ),
    "not_authenticated": ProblemType(
        401, _("No access token was sent: get one from the token endpoint and send it as Authorization: Bearer.")
    ),
    "invalid_token": ProblemType(401, InvalidToken.default_detail),
    "permission_denied": ProblemType(
        403,
        _(
            "The token lacks the scope the operation needs (the detail names it), or the scope an event of a "
            "webhook needs."
        ),
    ),
    "not_found": ProblemType(
        404,
        _(
            "No such row among your employer's (another employer's rows are not found either), no such address, "
            "or a cursor this API did not give."
        ),
    ),
    "method_not_allowed": ProblemType(405, _("The address does not take this method; Allow lists those it takes.")),
    "not_acceptable": ProblemType(406, _("The answer is served only as JSON (a certificate's PDF as PDF).")),
    "conflict": ProblemType(
        409,
        _(
            "The Idempotency-Key was used for another request, or items of a batch were refused (errors names "
            "each item's field and code)."
        ),
    ),
    "employee_number_taken": ProblemType(409, NUMBER_TAKEN),
    "email_taken": ProblemType(409, ADDRESS_OURS),
    "employee_moved": ProblemType(409, EMPLOYEE_MOVED),
    "deactivated_by_program_office": ProblemType(409, DEACTIVATED_BY_OFFICE),
    "account_deleted": ProblemType(409, ACCOUNT_DELETED),
    "full": ProblemType(409, _("The cohort is full.")),
    "closed": ProblemType(409, _("The cohort is not open for enrolment.")),
    "not_open_yet": ProblemType(409, _("Enrolment for the cohort has not opened yet.")),
    "window_passed": ProblemType(409, _("Enrolment for the cohort has closed.")),
    "already_enrolled": ProblemType(409, _("The employee already has an active enrolment in this curriculum.")),
    "trainee_inactive": ProblemType(409, _("The employee is deactivated, so they cannot be enrolled.")),
    "not_authorized": ProblemType(
        409, _("The cohort's institution is not authorized at the moment, so it takes no enrolments.")
    ),
    "bad_state": ProblemType(
        409, _("Only a pending, approved or in-training enrolment can be withdrawn; this one is in another state.")
    ),
    "url_taken": ProblemType(409, URL_TAKEN_MESSAGE),
    "too_many_endpoints": ProblemType(409, lazy(_too_many_endpoints, str)()),
    "too_large": ProblemType(413, _("The request body is too large.")),
    "unsupported_media_type": ProblemType(415, _("Send the body as JSON (Content-Type: application/json).")),
    "throttled": ProblemType(429, _("Too many requests: wait the seconds that Retry-After gives, then try again.")),
}


def type_uri(code: str) -> str:
    """The ``type`` of a problem with ``code``: its entry on this site's page of problem types."""
    return settings.SITE_URL.rstrip("/") + reverse("api:problem", args=[code])


def codes_of(status: int) -> list[str]:
    """The codes of :data:`TYPES` answered with ``status``, in the catalogue's order."""
    return [code for code, problem in TYPES.items() if problem.status == status]
