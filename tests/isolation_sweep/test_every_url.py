"""The isolation sweep: every URL pattern of the portal, asked for by institution A's staff, trainee A,
employer A's HR staff (in admin) and HR system, and an anonymous visitor with the ids of institution
B's, employer B's and trainee B's rows. The answer is 404, 403 (401 for the API without a token), or a way to the log-in
page — never B's row, and never B's private data in the body.

The patterns are read from the resolver (config.urls with its i18n patterns, config.api_urls and
every ModelAdmin's URLs), so a pattern added without a case here fails
``test_every_url_pattern_has_a_case``. Where a pattern is yours to add, put it in one of:

* ``FOREIGN`` — it names a row: how to build the URL (and request) for B's row;
* ``PUBLIC`` — it names a row everyone may see by design (with the reason); still no private data;
* ``NO_OBJECT`` — it names no row (with the reason); its page still must not show B's data.

Admin pages of a registered model are covered from ``admin.site._registry``: a scoped admin is
asked for B's rows (``foreign_rows``: institution B's, or employer B's for an ``EmployerScopedAdmin``),
a program-office admin must refuse institution staff, the national catalog is public.
"""

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import LocalePrefixPattern
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp_webauthn.models import WebAuthnCredential
from rest_framework.test import APIClient

from accounts.models import Employer
from accounts.scoping import EmployerScopedAdmin, InstitutionScopedAdmin
from certification.models import CEEnrolment, Certificate
from courses.admin.actions import ActionFormPages, form_page_name, row_page_name
from courses.models import Enrolment
from exams.models import Attempt, CourseResult, Sitting
from exchange.models import Post, PostReport
from hr_api.models import SCOPES, WebhookDelivery, WebhookEndpoint
from hr_api.services import do_create_client
from supervision.models import RecomputeRun
from tests.accounts.test_admin_isolation import GLOBAL_ADMINS, foreign_rows
from tests.api.conftest import token_for
from tests.isolation import EXCHANGE_B_TEXT, World, build_world

pytestmark = pytest.mark.django_db

# --- what belongs to B --------------------------------------------------------------------------


@dataclass
class Theirs:
    """Institution B's, employer B's and trainee B's rows, and text only B's people may read."""

    world: World
    enrolment: Enrolment
    sitting: Sitting
    attempt: Attempt
    result: CourseResult
    certificate: Certificate
    webhook: WebhookEndpoint
    delivery: WebhookDelivery
    api_client: object
    token: object
    bearer: str
    markers: list[str] = field(default_factory=list)

    @property
    def profile(self):
        return self.world.trainee_b.trainee_profile


def theirs_of(world: World) -> Theirs:
    trainee = world.trainee_b
    enrolment = Enrolment.objects.select_related("cohort").get(trainee=trainee)
    attempt = Attempt.objects.select_related("sitting").get(trainee=trainee)
    bank_b = Employer.objects.get(pk=trainee.trainee_profile.employer_id)
    api_client, _secret = do_create_client(employer=bank_b, name="Bravo HR sweep", scopes=SCOPES)
    bearer = token_for(api_client)
    webhook = WebhookEndpoint.objects.create(
        employer=bank_b, url="https://bravo-hooks.example/sweep", events=["certificate.issued"], secret="s"
    )
    certificate = Certificate.objects.get(trainee=trainee)
    return Theirs(
        world=world,
        enrolment=enrolment,
        sitting=attempt.sitting,
        attempt=attempt,
        result=CourseResult.objects.get(attempt=attempt),
        certificate=certificate,
        webhook=webhook,
        delivery=WebhookDelivery.objects.create(endpoint=webhook, event="certificate.issued", payload={"n": 1}),
        api_client=api_client,
        token=api_client.application.accesstoken_set.get(),
        bearer=bearer,
        markers=[
            world.admin_b.email,
            world.hr_b.email,
            "乙銀行內部備註",  # employer B's note on its manager's grade (tests/isolation.py)
            "乙銀行考核辦法",  # employer B's evaluation scheme (tests/isolation.py)
            trainee.email,
            trainee.display_name,
            trainee.trainee_profile.employee_number,
            certificate.number,
            webhook.url,
            "Bravo HR sweep",
            EXCHANGE_B_TEXT,  # cohort B's discussion (issue 22)
            "乙班隱藏原因",
            "乙班檢舉原因",
        ],
    )


# --- who asks, and what they may get --------------------------------------------------------------

WEB = (
    "anonymous",
    "staff",
    "trainee",
    "hr",
)  # people in a browser: institution A's admin, trainee A, employer A's HR staff
API = ("api", "anonymous", "staff")  # employer A's HR client (every scope); no token; a staff session


@dataclass(frozen=True)
class Probe:
    path: str
    method: str = "get"
    data: dict | None = None
    actors: tuple[str, ...] = WEB
    # A documented refusal other than 404/403/log-in: a redirect to this page, as long as ``unchanged``
    # (a check of the database) still holds afterwards.
    refused_to: str | None = None
    unchanged: Callable[[], bool] | None = None
    as_json: bool = False  # send ``data`` as a JSON body (the exam page's answer saves)
    may_show: tuple[str, ...] = ()  # of B's text, what a PUBLIC page shows by design


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


# --- the cases ------------------------------------------------------------------------------------


def passkey_of_b(b: Theirs) -> WebAuthnCredential:
    """Institution B's admin's passkey (a row as django-otp-webauthn stores one); its name is B's
    private text from now on (the passkey list, asked for after it, must not show it)."""
    name = "Bravo admin YubiKey"
    if name not in b.markers:
        b.markers.append(name)
    credential_id = b"bravo-credential"
    return WebAuthnCredential.objects.get_or_create(
        user=b.world.admin_b,
        credential_id_sha256=WebAuthnCredential.get_credential_id_sha256(credential_id),
        defaults={"name": name, "credential_id": credential_id, "public_key": b"bravo-public-key", "aaguid": ""},
    )[0]


# Patterns naming one of B's rows: how to ask for it.
FOREIGN: dict[str, Callable[[Theirs], list[Probe]]] = {
    "training:withdraw": lambda b: [
        # GET: the confirmation page (what withdrawing costs); POST: the withdrawal.
        Probe(reverse("training:withdraw", args=[b.enrolment.pk])),
        Probe(reverse("training:withdraw", args=[b.enrolment.pk]), "post",
              unchanged=lambda: Enrolment.objects.get(pk=b.enrolment.pk).state == b.enrolment.state),
    ],
    "exams:start": lambda b: [
        # GET is the instructions page: another cohort's sitting does not exist for an outsider
        # (tests/exams/test_instructions.py), and it starts nothing.
        Probe(reverse("exams:start", args=[b.sitting.pk]),
              unchanged=lambda: Attempt.objects.filter(sitting=b.sitting).count() == 1),
        # Documented (tests/exams/test_attempts.py): an outsider is told "not eligible" on My exams.
        Probe(reverse("exams:start", args=[b.sitting.pk]), "post", refused_to=reverse("exams:home"),
              unchanged=lambda: Attempt.objects.filter(sitting=b.sitting).count() == 1),
    ],
    "exams:attempt": lambda b: [Probe(reverse("exams:attempt", args=[b.attempt.pk]))],
    "exams:answer": lambda b: [
        Probe(reverse("exams:answer", args=[b.attempt.pk]), "post", {"question": 1, "choices": [0]}, as_json=True),
    ],
    "exams:submit": lambda b: [Probe(reverse("exams:submit", args=[b.attempt.pk]), "post")],
    "exams:result": lambda b: [Probe(reverse("exams:result", args=[b.attempt.pk]))],
    "certification:download": lambda b: [Probe(reverse("certification:download", args=[b.certificate.pk]))],
    # The holder's signed credential (issue 21): only the holder's, 404 for everyone else.
    "certification:credential": lambda b: [Probe(reverse("certification:credential", args=[b.certificate.pk]))],
    # Trainee B (a holder) is enrolled in a continuing-education course: A's people get 404 for it.
    "certification:ce_withdraw": lambda b: [
        Probe(reverse("certification:ce_withdraw", args=[row.pk]), method,
              unchanged=lambda row=row: CEEnrolment.objects.get(pk=row.pk).state == row.state)
        for row in CEEnrolment.objects.filter(holder=b.world.trainee_b) for method in ("get", "post")
    ],
    "admin:certification_certificate_cohort_zip": lambda b: [
        Probe(reverse("admin:certification_certificate_cohort_zip", args=[b.enrolment.cohort_id])),
    ],
    "admin:auth_user_password_change": lambda b: [
        Probe(reverse("admin:auth_user_password_change", args=[user.pk]), method)
        for user in (b.world.trainee_b, b.world.admin_b) for method in ("get", "post")
    ],
    "second_factor:passkey_name": lambda b: [
        Probe(reverse("second_factor:passkey_name", args=[passkey.pk]), method, {"name": "renamed"},
              unchanged=lambda p=passkey: WebAuthnCredential.objects.filter(pk=p.pk, name=p.name).exists())
        for passkey in [passkey_of_b(b)] for method in ("get", "post")
    ],
    "second_factor:passkey_remove": lambda b: [
        Probe(reverse("second_factor:passkey_remove", args=[passkey.pk]), method,
              unchanged=lambda p=passkey: WebAuthnCredential.objects.filter(pk=p.pk).exists())
        for passkey in [passkey_of_b(b)] for method in ("get", "post")
    ],
    "admin:view_on_site": lambda b: [
        Probe(reverse("admin:view_on_site", args=[ContentType.objects.get_for_model(row).pk, row.pk]))
        for row in (b.profile, b.enrolment, b.attempt, b.certificate)
    ],
    # The employers' API: employer A's client asks for employer B's rows (tests/api/test_sweep.py
    # checks the same for every operation with the problem+json body; here, next to every other URL).
    "api:employee": lambda b: [
        Probe(f"/api/v1/employees/{b.profile.pk}/", actors=API),
        Probe(f"/api/v1/employees/{b.profile.pk}/", "patch", {"branch": "x"}, actors=API),
    ],
    "api:employee_deactivate": lambda b: [
        Probe(f"/api/v1/employees/{b.profile.pk}/deactivate/", "post", actors=API),
    ],
    "api:employee_reactivate": lambda b: [
        Probe(f"/api/v1/employees/{b.profile.pk}/reactivate/", "post", actors=API),
    ],
    "api:enrolments": lambda b: [
        Probe("/api/v1/enrollments/", "post", {"employee": b.profile.pk, "cohort": b.enrolment.cohort_id}, actors=API),
    ],
    "api:enrolment": lambda b: [Probe(f"/api/v1/enrollments/{b.enrolment.pk}/", actors=API)],
    "api:enrolment_withdraw": lambda b: [Probe(f"/api/v1/enrollments/{b.enrolment.pk}/withdraw/", "post", actors=API)],
    "api:exam_result": lambda b: [Probe(f"/api/v1/exam-results/{b.result.pk}/", actors=API)],
    "api:certificate": lambda b: [Probe(f"/api/v1/certificates/{b.certificate.number}/", actors=API)],
    "api:certificate_pdf": lambda b: [Probe(f"/api/v1/certificates/{b.certificate.number}/pdf/", actors=API)],
    "api:certificate_credential": lambda b: [
        Probe(f"/api/v1/certificates/{b.certificate.number}/credential/", actors=API),
    ],
    "api:manager": lambda b: [Probe(f"/api/v1/managers/{b.profile.pk}/", actors=API)],  # B's graded trainee
    "api:webhook": lambda b: [
        Probe(f"/api/v1/webhooks/{b.webhook.pk}/", actors=API),
        Probe(f"/api/v1/webhooks/{b.webhook.pk}/", "patch", {"is_active": False}, actors=API),
        Probe(f"/api/v1/webhooks/{b.webhook.pk}/", "delete", actors=API),
    ],
}  # fmt: skip


# The exchange (issue 22): cohort B's discussion, its posts, and every action on them: 404, nothing written.
def _exchange_probes(b: Theirs) -> dict[str, list[Probe]]:
    question = Post.objects.select_related("thread__course", "thread__cohort").get(body=EXCHANGE_B_TEXT)
    answer = question.answers.get()
    cohort, course = question.thread.cohort.code, question.thread.course.code

    def same() -> bool:
        return (
            Post.objects.count() == 2
            and PostReport.objects.count() == 1
            and Post.objects.filter(is_pinned=False, is_accepted=False, hidden_at__isnull=False).count() == 1
        )

    def on_post(name: str, data: dict | None = None, get: bool = False) -> list[Probe]:
        probes = [Probe(reverse(name, args=[post.pk]), "post", data, unchanged=same) for post in (question, answer)]
        if get:
            probes += [Probe(reverse(name, args=[post.pk])) for post in (question, answer)]
        return probes

    return {
        "exchange:cohort": [Probe(reverse("exchange:cohort", args=[cohort]))],
        "exchange:thread": [
            Probe(reverse("exchange:thread", args=[cohort, course])),
            Probe(reverse("exchange:thread", args=[cohort, course]), "post", {"body": "x"}, unchanged=same),
        ],
        "exchange:answer": on_post("exchange:answer", {"body": "x"}),
        "exchange:accept": on_post("exchange:accept"),
        "exchange:pin": on_post("exchange:pin", {"pinned": "1"}),
        "exchange:hide": on_post("exchange:hide", {"reason": "x"}, get=True),
        "exchange:report": on_post("exchange:report", {"reason": "x"}, get=True),
    }


FOREIGN |= {
    name: lambda b, name=name: _exchange_probes(b)[name]
    for name in ("exchange:cohort", "exchange:thread", "exchange:answer", "exchange:accept", "exchange:pin",
                 "exchange:hide", "exchange:report")
}  # fmt: skip

# The supervision area (supervision/): every page takes ``?institution=<id>``, which only the
# program office may point at another institution; B's id from A's staff is a 404, and trainees,
# HR systems and visitors have no supervision role at all (tests/supervision/test_access.py).
SUPERVISION_PAGES = [
    "supervision:index",
    "supervision:recompute_status",
    "supervision:pass_rates",
    "supervision:training",
    "supervision:certificates",
    "supervision:exams",
    "supervision:institutions",
    "supervision:cohorts",
    "supervision:expiring",
    "supervision:items",
]
FOREIGN |= {
    name: lambda b, name=name: [Probe(f"{reverse(name)}?institution={b.world.inst_b.pk}")] for name in SUPERVISION_PAGES
}
# A cohort's exports: B's cohort from A's staff is a 404 (tests/supervision/test_reports.py).
FOREIGN |= {
    name: lambda b, name=name: [
        Probe(f"{reverse(name, args=[b.enrolment.cohort_id])}?format={fmt}") for fmt in ("csv", "xlsx")
    ]
    for name in ("supervision:cohort_results", "supervision:cohort_progress")
}


# The page of each admin action that asks a form first (courses.admin.actions.form_action), its rows named in its
# address (?ids=…): with B's rows, A's staff are sent back to their change list ("none of the selected rows is
# among yours"; the certificate actions are the office's: 403), on a GET as on the form's post, B's rows unchanged.
def _form_action_probes(b: Theirs, model, model_admin, action: str) -> list[Probe]:
    from django.forms.models import model_to_dict

    rows = foreign_rows(model, model_admin, b.world)[:2]
    assert rows, f"the isolation world gives institution B no {model._meta.label}: extend tests/isolation.py"
    before = {row.pk: model_to_dict(row) for row in rows}
    page = admin_url(model, f"action_{action}") + "?ids=" + ",".join(str(row.pk) for row in rows)

    def unchanged() -> bool:
        return all(model_to_dict(model._default_manager.get(pk=pk)) == seen for pk, seen in before.items())

    back = admin_url(model, "changelist")
    return [
        Probe(page, refused_to=back, unchanged=unchanged),
        Probe(page, "post", {"apply": "1", "reason": "sweep", "hours": "6"}, refused_to=back, unchanged=unchanged),
    ]


FOREIGN |= {
    f"admin:{form_page_name(model._meta, action)}": (
        lambda b, m=model, a=model_admin, action=action: _form_action_probes(b, m, a, action)
    )
    for model, model_admin in admin.site._registry.items()
    if isinstance(model_admin, ActionFormPages)
    for action in model_admin.form_actions()
}


# A row action run from the row's page (courses.admin.actions.ActionFormPages.row_actions, ``<model>/<id>/<action>/``):
# with B's row, a 404 as its page is, on a GET as on the button's post, B's row unchanged.
def _row_action_probes(b: Theirs, model, model_admin, action: str) -> list[Probe]:
    from django.forms.models import model_to_dict

    rows = foreign_rows(model, model_admin, b.world)[:1]
    assert rows, f"the isolation world gives institution B no {model._meta.label}: extend tests/isolation.py"
    before = model_to_dict(rows[0])
    page = admin_url(model, f"row_{action}", rows[0].pk)

    def unchanged() -> bool:
        return model_to_dict(model._default_manager.get(pk=rows[0].pk)) == before

    return [Probe(page, unchanged=unchanged), Probe(page, "post", unchanged=unchanged)]


FOREIGN |= {
    f"admin:{row_page_name(model._meta, action)}": (
        lambda b, m=model, a=model_admin, action=action: _row_action_probes(b, m, a, action)
    )
    for model, model_admin in admin.site._registry.items()
    if isinstance(model_admin, ActionFormPages)
    for action in model_admin.row_actions
    if action not in model_admin.form_actions()
}
FOREIGN["supervision:recompute"] = lambda b: [
    # The office's button; nobody else may start a recomputation (no row is made).
    Probe(reverse("supervision:recompute"), "post", unchanged=lambda: not RecomputeRun.objects.exists()),
]


def _address_change_probes(b: Theirs) -> list[Probe]:
    """Trainee B's own link to a new log-in address (accounts.address_change), as if A's people held B's mail: it
    answers only B, signed in (a visitor is sent to log in), and B's log-in stays as it is."""
    from accounts.address_change import change_token

    trainee = b.world.trainee_b
    path = reverse("accounts:email_change_confirm", args=[change_token(trainee, "bravo.new@mail.example")])

    def unchanged() -> bool:
        return type(trainee).objects.filter(pk=trainee.pk, email=trainee.email).exists()

    return [Probe(path, method, unchanged=unchanged) for method in ("get", "post")]


FOREIGN["accounts:email_change_confirm"] = _address_change_probes

# Patterns naming a row that everyone may see by design. They are still asked for, and must not
# show B's private data.
PUBLIC: dict[str, tuple[str, Callable[[Theirs], list[Probe]]]] = {
    "catalog:tier": (
        "tiers are the national program, the same for everyone",
        lambda b: [Probe(reverse("catalog:tier", args=[b.enrolment.curriculum.tier.code]))],
    ),
    "catalog:course": (
        "a course's unified syllabus and textbook are the national program, the same for everyone",
        lambda b: [Probe(reverse("catalog:course", args=[code])) for code in ("BCM-101", "BCM-222")],
    ),
    "training:cohort": (
        "cohorts of every authorized institution are the public catalog trainees choose from",
        lambda b: [Probe(reverse("training:cohort", args=[b.enrolment.cohort.code]))],
    ),
    "training:enrol": (
        "any trainee may enrol in any institution's open cohort; that is what the catalog is for (a GET is the "
        "confirmation page, naming what the cohort's public page names)",
        lambda b: [Probe(reverse("training:enrol", args=[b.enrolment.cohort.code])),
                   Probe(reverse("training:enrol", args=[b.enrolment.cohort.code]), "post", actors=("anonymous",))],
    ),
    "certification:ce_enrol": (
        "published continuing-education courses of every institution are open to every holder; only "
        "the POST enrols (an anonymous visitor is sent to log in)",
        lambda b: [Probe(reverse("certification:ce_enrol", args=[row.course_id]), "post")
                   for row in CEEnrolment.objects.filter(holder=b.world.trainee_b)],
    ),
    "certification:verify_code": (
        "whoever holds a certificate's verification code may verify it (the holder's name masked)",
        lambda b: [Probe(reverse("certification:verify_code", args=[b.certificate.verification_code]),
                         may_show=(b.certificate.number,))],
    ),
    "credentials:status_list": (
        "the signed status lists of every certificate's credential are public by design (W3C Bitstring Status "
        "List): a bit per random index among at least 131,072, no number, name or address",
        lambda b: [Probe(reverse("credentials:status_list", args=[purpose, 1]))
                   for purpose in ("revocation", "suspension")],
    ),
    "accounts:verify": (
        "the path holds a signed e-mail token, not an id; another's token is a secret we do not have",
        lambda b: [Probe(reverse("accounts:verify", args=["not-a-token"]), method) for method in ("get", "post")],
    ),
    "accounts:employment": (
        "the path holds a signed token mailed to the person (an employer's request), not an id; another's token "
        "is a secret we do not have",
        lambda b: [Probe(reverse("accounts:employment", args=["not-a-token"]), method) for method in ("get", "post")],
    ),
    "accounts:password_reset_confirm": (
        "the uid names a user, but the page needs that user's reset token; without it: an invalid link",
        lambda b: [
            Probe(reverse("accounts:password_reset_confirm",
                          args=[urlsafe_base64_encode(force_bytes(b.world.trainee_b.pk)), "set-password"])),
        ],
    ),
}  # fmt: skip

# Patterns that take no row id. Their pages are asked for too and must not show B's data.
NO_OBJECT: dict[str, str] = {
    "set_language": "switches the visitor's language",
    "home": "the portal's front page",
    "favicon": "the site's icon, the same for everyone",
    "catalog:tiers": "the public catalog",
    "training:cohorts": "the public list of open cohorts",
    "training:dashboard": "the trainee's own dashboard",
    "training:log_self_study": "logs the trainee's own self-study",
    "accounts:signup": "sign-up form",
    "accounts:login": "log-in form",
    "accounts:resend_verification": "asks for an e-mail address; the same answer whoever owns it",
    "accounts:logout": "log-out",
    "accounts:password_reset": "asks for an e-mail address",
    "accounts:password_reset_done": "a notice",
    "accounts:password_reset_complete": "a notice",
    "accounts:profile": "the user's own profile",
    "accounts:password_change": "changes the signed-in user's own password",
    "accounts:email_change": "asks a new log-in address for the signed-in user's own account",
    "second_factor:verify": "the staff person's own second step",
    "second_factor:enrol": "sets up the staff person's own authenticator",
    "second_factor:recovery_codes": "the staff person's own recovery codes, once",
    "second_factor:passkeys": "the staff person's own passkeys",
    "second_factor:passkey_registration_begin": "a passkey for the staff person's own account (JSON, POST)",
    "second_factor:passkey_registration_complete": "saves a passkey to the staff person's own account",
    "second_factor:passkey_authentication_begin": "a challenge for the staff person's own passkeys",
    "second_factor:passkey_authentication_complete": "accepts only the staff person's own passkeys "
    "(tests/security/test_passkeys.py)",
    "exams:home": "the trainee's own exams",
    "certification:verify": "the public verification form (by number)",
    "certification:mine": "the trainee's own certificates",
    "credentials:jwks": "the public keys credentials are signed with (a JWK Set), the same for everyone",
    "monitoring:healthz": "says the process answers, nothing else",
    "monitoring:readyz": "operators only: 404 to everyone else (tests/monitoring)",
    "monitoring:metrics": "operators only: 404 to everyone else (tests/monitoring)",
    "certification:reminders": "the trainee's own reminder settings",
    "exchange:index": "the discussions of the person's own cohorts",
    "certification:ce_courses": "the public list of published continuing-education courses",
    "career:mine": "the person's own grade and its history (tests/career/test_privacy.py)",
    "admin:index": "the admin's home",
    "admin:login": "log-in form",
    "admin:logout": "log-out",
    "admin:password_change": "the user's own password",
    "admin:password_change_done": "a notice",
    "admin:autocomplete": "rows offered are scoped (tests/accounts/test_admin_sweep_lookups.py)",
    "admin:jsi18n": "translations",
    "admin:app_list": "lists models, not rows",
    "admin/(?P<url>.*)$": "the admin's catch-all (a 404, or the log-in page)",
    "admin:accounts_traineeprofile_import": "an upload form; imported rows land in the importer's institution",
    "admin:accounts_traineeprofile_process_import": "confirms the importer's own upload",
    "admin:accounts_traineeprofile_import_template": "the import's empty template (its header row), the same for all",
    "admin:accounts_traineeprofile_export": "exports the scoped list (tests/accounts/test_admin_sweep_lookups.py)",
    "admin:courses_enrolment_import": "an upload form; only into the importer's cohorts",
    "admin:courses_enrolment_process_import": "confirms the importer's own upload",
    "admin:courses_enrolment_import_template": "the import's empty template (its header row), the same for all",
    "admin:courses_enrolment_enrol": "offers only the staff member's own trainees and cohorts; another "
    "institution's are invalid choices (tests/courses/test_admin_enrol.py)",
    "admin:courses_enrolment_enrol_trainees": "the trainee search of Enrol trainees: the searcher's institution's "
    "trainees only, or the office's all (tests/courses/test_admin_enrol_search.py)",
    "admin:certification_continuingeducation_trainees": "the trainee search of a continuing-education "
    "activity: the searcher's institution's trainees only, or the office's all "
    "(tests/certification/test_ce_trainee_search.py)",
    "admin:exams_question_import": "the program office's question bank upload",
    "admin:exams_question_import_template": "the question import's empty template (its header row), the same for all",
    "api:token": "client credentials for the caller's own client",
    "api:schema": "the API's description",
    "api:docs": "the API's description",
    "api:problems": "the API's description (its problem types)",
    "api:problem": "the API's description (a problem type: leads to its entry)",
    "api:tiers": "the national catalog",
    "api:tracks": "the national catalog",
    "api:courses": "the national catalog",
    "api:curricula": "the national catalog",
    "api:cohorts": "the public catalog of cohorts",
    "api:employees": "the caller's own employees",
    "api:employees_bulk": "registers the caller's own employees (by their numbers)",
    "api:evaluations": "the caller's own employees' evaluations (another's employee is refused per item)",
    "api:exam_results": "the caller's employees' results",
    "api:certificates": "the caller's employees' certificates",
    "api:webhooks": "the caller's own endpoints",
    "api:managers": "the caller's own career register",
    "api/v1/": "the API's catch-all: a problem+json 404",
    "api_not_found": "any other address under /api/ (/api/, /api/v2/…): a problem+json 404",
}

# The national catalog in admin: institution staff may view it; nobody owns a row of it.
CATALOG_ADMINS = {"courses.Tier", "courses.Track", "courses.Course", "courses.Curriculum"}
# The unified syllabus and textbook of each course are national too (issue 22).
CATALOG_ADMINS |= {"courses.SyllabusVersion"}
# The certificate rule of the career register is national too: HR staff read it, the program office sets it.
CATALOG_ADMINS |= {"career.CertificateRule"}
# Program-office admins with rows that belong to employer B: staff of institution A are refused them.
EMPLOYER_B_ROWS: dict[str, Callable[[Theirs], list]] = {
    "hr_api.ApiClient": lambda b: [b.api_client],
    "hr_api.WebhookEndpoint": lambda b: [b.webhook],
    "hr_api.WebhookDelivery": lambda b: [b.delivery],
    "accounts.Employer": lambda b: [b.api_client.employer],
    "oauth2_provider.Application": lambda b: [b.api_client.application],
    "oauth2_provider.AccessToken": lambda b: [b.token],
}


def admin_model_cases() -> dict[str, tuple[str, Callable[[Theirs], list[Probe]]]]:
    """Every registered ModelAdmin's URLs: key → (kind, probes of B's rows)."""
    cases = {}
    for model, model_admin in admin.site._registry.items():
        label, prefix = model._meta.label, f"admin:{model._meta.app_label}_{model._meta.model_name}"
        if isinstance(model_admin, (InstitutionScopedAdmin, EmployerScopedAdmin)):
            kind = "scoped"
        elif label in CATALOG_ADMINS:
            kind = "public"
        else:
            assert label in GLOBAL_ADMINS, f"{label}: neither scoped nor declared global (test_admin_isolation)"
            kind = "office"

        def rows(b, m=model, a=model_admin, kind=kind):
            if kind == "scoped":
                found = foreign_rows(m, a, b.world)
                assert found, f"the isolation world gives institution B no {m._meta.label}: extend tests/isolation.py"
                return found[:2]
            if m._meta.label in EMPLOYER_B_ROWS:
                return EMPLOYER_B_ROWS[m._meta.label](b)
            return list(m._default_manager.all()[:1])

        def probes(b, view, m=model, rows=rows):
            found = rows(b)
            if not found:  # a program-office table with no rows: staff are refused the table itself
                return [Probe(admin_url(m, "changelist"))]
            if view == "redirect":  # admin/<app>/<model>/<id>/ redirects to the change page
                return [Probe(admin_url(m, "change", row.pk).removesuffix("change/")) for row in found]
            asked = [Probe(admin_url(m, view, row.pk)) for row in found]
            if view == "delete":
                asked += [Probe(admin_url(m, "delete", row.pk), "post", {"post": "yes"}) for row in found]
            return asked

        cases[f"{prefix}_changelist"] = ("list", lambda b, m=model: [Probe(admin_url(m, "changelist"))])
        cases[f"{prefix}_add"] = ("form", lambda b, m=model: [Probe(admin_url(m, "add"))])
        for view in ("change", "delete", "history"):
            cases[f"{prefix}_{view}"] = (kind, lambda b, v=view, probes=probes: probes(b, v))
        cases[f"admin/{model._meta.app_label}/{model._meta.model_name}/<path:object_id>/"] = (
            kind, lambda b, probes=probes: probes(b, "redirect")
        )  # fmt: skip
    return cases


# --- the resolver -------------------------------------------------------------------------------


def url_patterns() -> dict[str, str]:
    """Every pattern the portal serves: its name ("namespace:name"), or its route when unnamed."""
    found: dict[str, str] = {}

    def walk(resolver: URLResolver, prefix: str, namespace: str) -> None:
        for entry in resolver.url_patterns:
            if isinstance(entry, URLResolver):
                inner = ":".join(filter(None, [namespace, entry.namespace]))
                route = prefix if isinstance(entry.pattern, LocalePrefixPattern) else prefix + str(entry.pattern)
                walk(entry, route, inner)
            else:
                assert isinstance(entry, URLPattern)
                route = prefix + str(entry.pattern).lstrip("^")
                key = f"{namespace}:{entry.name}" if entry.name and namespace else entry.name or route
                found[key] = route

    walk(get_resolver(), "", "")
    return found


def all_cases() -> dict[str, str]:
    """Pattern key → the kind of its case."""
    kinds = dict.fromkeys(FOREIGN, "foreign")
    kinds |= dict.fromkeys(PUBLIC, "public")
    kinds |= dict.fromkeys(NO_OBJECT, "no object")
    kinds |= {key: kind for key, (kind, _build) in admin_model_cases().items()}
    return kinds


def test_every_url_pattern_has_a_case():
    patterns = url_patterns()
    assert len(patterns) > 200, "the walk found too few patterns: is the admin still included?"
    cases = all_cases()
    missing = sorted(set(patterns) - set(cases))
    assert not missing, (
        "URL patterns without an isolation case — add each to FOREIGN (how to ask for another "
        f"institution's/employer's/trainee's row), PUBLIC or NO_OBJECT (with the reason): {missing}"
    )
    stale = sorted(set(cases) - set(patterns))
    assert not stale, f"cases for patterns that no longer exist: {stale}"


# --- asking ---------------------------------------------------------------------------------------


@pytest.fixture
def theirs() -> Theirs:
    return theirs_of(build_world())


@pytest.fixture
def actors(theirs: Theirs):
    from django.core.cache import cache

    cache.clear()
    world = theirs.world
    staff, trainee = Client(), Client()
    staff.force_login(world.admin_a)
    trainee.force_login(world.trainee_a)
    hr = Client()
    hr.force_login(world.hr_a)
    api = APIClient()
    bank_a = Employer.objects.get(pk=world.trainee_a.trainee_profile.employer_id)
    client_a, _secret = do_create_client(employer=bank_a, name="Alpha HR sweep", scopes=SCOPES)
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(client_a)}")
    return {"anonymous": Client(), "staff": staff, "trainee": trainee, "hr": hr, "api": api}


LOGIN_PAGES = ("accounts:login", "admin:login")


def ask(client, probe: Probe):
    if probe.method == "get":
        return client.get(probe.path, probe.data or {}, follow=True)
    send = getattr(client, probe.method)
    if probe.as_json or probe.path.startswith("/api/"):
        return send(probe.path, json.dumps(probe.data or {}), content_type="application/json", follow=True)
    return send(probe.path, probe.data or {}, follow=True)


def verdict(response, probe: Probe, actor: str, kind: str, theirs: Theirs) -> str | None:
    """What is wrong with the answer, or None."""
    status = response.status_code
    final = response.request["PATH_INFO"]
    body = b"" if getattr(response, "streaming", False) else response.content
    text = body.decode("utf-8", "replace")
    leaked = [marker for marker in theirs.markers if marker in text and marker not in probe.may_show]
    if leaked:
        return f"{status} at {final} shows B's {leaked}"
    if status >= 500:
        return f"server error {status}"
    if kind in ("no object", "public", "list", "form"):
        return None  # may answer anything but a server error, as long as it shows nothing of B's
    if actor == "api":  # another employer's row does not exist for this client (tests/api/test_sweep.py)
        return None if status == 404 else f"{status} at {final}, not 404"
    at_login = any(final.startswith(reverse(name)) for name in LOGIN_PAGES)
    if status in (403, 404) or at_login or (probe.path.startswith("/api/") and status == 401):
        return None
    if probe.refused_to and final == probe.refused_to and status == 200:
        return None
    return f"{status} at {final}"


def sweep(keys, theirs: Theirs, actors) -> list[str]:
    builders = {key: ("foreign", build) for key, build in FOREIGN.items()}
    builders |= {key: ("public", build) for key, (_why, build) in PUBLIC.items()}
    builders |= admin_model_cases()
    failures, asked = [], 0
    logging.disable(logging.ERROR)  # 403s and 404s are the point; keep the log readable
    try:
        for key in keys:
            kind, build = builders.get(key, ("no object", None))
            probes = build(theirs) if build else no_object_probes(key)
            for probe in probes:
                for actor in probe.actors:
                    response = ask(actors[actor], probe)
                    asked += 1
                    problem = verdict(response, probe, actor, kind, theirs)
                    if problem is None and probe.unchanged is not None and not probe.unchanged():
                        problem = "changed B's row"
                    if problem:
                        failures.append(f"{key} {probe.method.upper()} {probe.path} as {actor}: {problem}")
    finally:
        logging.disable(logging.NOTSET)
    assert asked, f"no request made for {list(keys)[:5]}…"
    return failures


def no_object_probes(key: str) -> list[Probe]:
    route = url_patterns()[key]
    if "<" in route or "(?P" in route:
        return [Probe(reverse("admin:index") + "nothing-here/")] if key.startswith("admin/") else []
    path = reverse(key) if ":" in key or key in ("home", "set_language") else "/" + route
    return [Probe(path, actors=API if path.startswith("/api/") else WEB)]


def keys_of(*prefixes: str, exclude: tuple[str, ...] = ()) -> list[str]:
    return sorted(
        key for key in url_patterns()
        if key.startswith(prefixes) and not key.startswith(exclude) and key in all_cases()
    )  # fmt: skip


def test_the_portals_pages_refuse_other_peoples_rows(theirs, actors):
    keys = keys_of("", exclude=("admin", "api"))
    assert "exams:attempt" in keys and "certification:download" in keys
    failures = sweep(keys, theirs, actors)
    assert not failures, "\n".join(failures)


def test_admin_pages_refuse_other_institutions_rows(theirs, actors):
    failures = sweep(keys_of("admin"), theirs, actors)
    assert not failures, "\n".join(failures)


def test_the_api_refuses_other_employers_rows(theirs, actors):
    keys = keys_of("api")
    failures = sweep(keys, theirs, actors)
    assert not failures, "\n".join(failures)
    assert Enrolment.objects.filter(trainee=theirs.world.trainee_b, state=theirs.enrolment.state).exists()
    assert WebhookEndpoint.objects.filter(pk=theirs.webhook.pk, is_active=True).exists()


def test_admin_actions_never_touch_other_institutions_rows(theirs, actors, rf):
    """Every action of every scoped admin, posted by A's admin with B's rows selected (and confirmed,
    where the action asks): B's rows stay as they were, and no answer shows them."""
    from django.forms.models import model_to_dict

    request = rf.get("/")
    request.user = theirs.world.admin_a
    tried = 0
    logging.disable(logging.ERROR)
    try:
        for model, model_admin in admin.site._registry.items():
            if not isinstance(model_admin, (InstitutionScopedAdmin, EmployerScopedAdmin)):
                continue
            actor = "hr" if isinstance(model_admin, EmployerScopedAdmin) else "staff"
            request.user = theirs.world.hr_a if actor == "hr" else theirs.world.admin_a
            rows = foreign_rows(model, model_admin, theirs.world)[:2]
            before = {row.pk: model_to_dict(row) for row in rows}
            for action in model_admin.get_actions(request):
                data = {"action": action, "_selected_action": [row.pk for row in rows], "index": 0,
                        "post": "yes", "reason": "sweep"}  # fmt: skip
                response = actors[actor].post(admin_url(model, "changelist"), data, follow=True)
                tried += 1
                assert response.status_code < 500, (model._meta.label, action)
                body = b"" if getattr(response, "streaming", False) else response.content
                assert not [m for m in theirs.markers if m in body.decode("utf-8", "replace")], (
                    model._meta.label, action)  # fmt: skip
                for row in rows:
                    now = model._default_manager.filter(pk=row.pk).first()
                    assert now is not None, f"{model._meta.label} {action} deleted B's row"
                    assert model_to_dict(now) == before[row.pk], f"{model._meta.label} {action} changed B's row"
    finally:
        logging.disable(logging.NOTSET)
    assert tried >= 10


def test_the_sweep_would_see_a_leak(theirs, actors):
    """The verdict is not blind: B's own people do reach B's rows, and that would count as a leak."""
    world = theirs.world
    own = Client()
    own.force_login(world.trainee_b)
    probe = Probe(reverse("exams:result", args=[theirs.attempt.pk]))
    assert verdict(ask(own, probe), probe, "trainee", "foreign", theirs) is not None
    staff_b = Client()
    staff_b.force_login(world.admin_b)
    probe = Probe(admin_url(theirs.profile.__class__, "change", theirs.profile.pk))
    assert "shows B's" in (verdict(ask(staff_b, probe), probe, "staff", "scoped", theirs) or "")
    hr_b = Client()
    hr_b.force_login(world.hr_b)
    grade = world.trainee_b.trainee_profile.manager_grade
    probe = Probe(admin_url(grade.__class__, "change", grade.pk))
    assert "shows B's" in (verdict(ask(hr_b, probe), probe, "hr", "scoped", theirs) or "")
    api_b = APIClient()
    api_b.credentials(HTTP_AUTHORIZATION=f"Bearer {theirs.bearer}")
    probe = Probe(f"/api/v1/employees/{theirs.profile.pk}/", actors=API)
    assert verdict(ask(api_b, probe), probe, "api", "foreign", theirs) is not None
