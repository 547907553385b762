import contextlib
import functools
import hashlib
from enum import StrEnum
from typing import NoReturn

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import get_conditional_response
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import audit
from accounts.client_address import client_network
from core import display
from core.ratelimit import counted, over_limit

from . import credentials, keys, pdf, reminders, selectors, services, status_list
from .forms import ReminderPreferenceForm, SelfReportForm, VerifyForm
from .models import CECourse, Certificate

#: Names typed that did not match, counted per certificate and per name (everywhere, not per address) for 24 hours
#: from the first; at this many, names are not checked for either until those hours end (:func:`_name_check`).
NAME_MISMATCHES_PER_DAY = 10
NAME_WINDOW_SECONDS = 24 * 3600


class NameCheck(StrEnum):
    """What the page says of the holder's name the verifier typed (none typed: ``NONE``)."""

    NONE = ""
    MATCHES = "matches"
    DIFFERS = "differs"
    PAUSED = "paused"


def _rate_limited(request: HttpRequest) -> bool:
    """At most VERIFY_RATE_LIMIT_PER_MINUTE look-ups per address per minute (fixed window)."""
    return over_limit(
        f"verify-rate:{client_network(request)}", limit=settings.VERIFY_RATE_LIMIT_PER_MINUTE, window_seconds=60
    )


def _too_many(request: HttpRequest) -> HttpResponse:
    response = render(request, "certification/verify_rate_limited.html", status=429)
    response["Retry-After"] = "60"
    return response


def _not_found(request: HttpRequest, form: VerifyForm | None = None) -> HttpResponse:
    # The same page for a malformed number, an unknown number and an unknown code: no probing.
    return render(request, "certification/verify_not_found.html", {"form": form or VerifyForm()}, status=404)


@never_cache  # a holder's name typed, or a status that a revocation changes: kept by no cache
@require_http_methods(["GET", "HEAD", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The look-up by what a certificate prints. The form POSTs (CSRF-checked): the holder's name typed stays out
    of the URL (access logs, browser history, a Referer). A GET with ``number`` (links out there) answers by the
    number alone, validity only; a ``name`` in its query is not read."""
    if request.method == "POST":
        data = request.POST
    elif "number" in request.GET:
        data = QueryDict(mutable=True)
        data["number"] = request.GET["number"]
    else:
        return render(request, "certification/verify.html", {"form": VerifyForm()})
    if _rate_limited(request):
        return _too_many(request)
    form = VerifyForm(data)
    form.is_valid()  # a name the form refuses (only a hand-made request: the page's field has its length) is none
    number = form.cleaned_data.get("number")
    certificate = selectors.verification_by_typed(number) if number else None
    if certificate is None:
        return _not_found(request, form)
    return _show(request, certificate, name=form.cleaned_data.get("name", ""), form=form)


def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    if _rate_limited(request):
        return _too_many(request)
    certificate = selectors.verification_by_code(code)
    if certificate is None:
        return _not_found(request)
    return _show(request, certificate)


def _show(
    request: HttpRequest, certificate: selectors.Verification, *, name: str = "", form: VerifyForm | None = None
) -> HttpResponse:
    """The certificate's validity; the holder, the institution and the dates when it was found by its verification
    code (100 random bits, the QR code's link) or the holder's name typed with its number matches. Numbers are
    sequential: by a number alone, anyone could walk the register and read who holds what. ``form``: what was
    typed, shown again in the form the page offers."""
    check = _name_check(certificate, name)
    context = {
        "certificate": certificate,
        "details": certificate.found_by_code or check == NameCheck.MATCHES,
        "name_check": check.value,
        "form": form or VerifyForm(),
    }
    return render(request, "certification/verify_result.html", context)


def _name_check(certificate: selectors.Verification, name: str) -> NameCheck:
    """Whether ``name`` is the holder's; wrong names are counted for the certificate and for the name, and once
    either has had :data:`NAME_MISMATCHES_PER_DAY` (in the 24 hours from its first), no name is checked for it
    until those hours end (a right one neither: the check is what a guesser wants). Counted everywhere, not per
    address, so that guessing one holder's name, or trying one person's name on number after number, gains nothing
    from many networks. The cost: someone can pause the check of a name or a certificate for a day by typing wrong
    names; the verification code (the QR code) still shows everything, and the number still shows validity."""
    letters = selectors.name_forms(name)[0]
    if not letters:
        return NameCheck.NONE
    # The name's letters in any order: "Lin Bob" and "Bob Lin" share a count.
    typed = hashlib.sha256("".join(sorted(letters)).encode()).hexdigest()
    keys = (f"verify-name:certificate:{certificate.pk}", f"verify-name:typed:{typed}")
    # Counted before the name is compared, each request taking its own place in both counts at once (an atomic
    # increment): parallel requests cannot all read a count under the limit and all be checked. A name that is
    # not checked, or matches, gives its places back.
    counts = [counted(key, window_seconds=NAME_WINDOW_SECONDS) for key in keys]  # both, always: both given back
    if any(count > NAME_MISMATCHES_PER_DAY for count in counts):
        _give_back(keys)
        return NameCheck.PAUSED
    if selectors.holder_named(certificate, name):
        _give_back(keys)
        return NameCheck.MATCHES
    return NameCheck.DIFFERS


def _give_back(keys: tuple[str, ...]) -> None:
    """One less in each of the counts ``keys`` (:func:`_name_check` counted it before knowing)."""
    for key in keys:
        with contextlib.suppress(ValueError):  # its window ended meanwhile: nothing to give back
            cache.decr(key)


@login_required
def my_certificates(request: HttpRequest) -> HttpResponse:
    # Only holders of an active certificate report continuing education: the form is not shown to
    # anyone else, and their POST is refused (the service refuses it too: services.check_holder).
    # The rule is read from the certificates the page lists anyway (no query of its own).
    certificates = selectors.my_certificates(request.user.pk)
    holder = request.user.is_active and any(c.status == Certificate.Status.ACTIVE for c in certificates)
    # A GET shows the empty form, cached as HTML (_self_report_form_html): no form is built for it.
    form = SelfReportForm(request.POST or None) if holder and request.method == "POST" else None
    status = 200
    if request.method == "POST" and form is None:
        messages.error(request, _("Only holders of an active certificate report continuing education."))
        status = 403
    elif request.method == "POST" and form is not None and form.is_valid():
        try:
            services.do_record_continuing_education(
                trainee=request.user, by=request.user, self_reported=True, **form.cleaned_data
            )
        except services.CertificationError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error))
        else:
            messages.success(request, _("Your activity is recorded; the institution will confirm the hours."))
            return redirect("certification:mine")
    # Read as rows and written with the dates and links done once (core.display): the same page as from
    # model instances, for a fraction of the work (issue 20). The hours are shown for current ones only.
    download_url, credential_url = (
        display.url_pattern("certification:download"),
        display.url_pattern("certification:credential"),
    )
    verify_url = display.url_pattern("certification:verify_code", kind=str)
    cards = []
    for certificate in certificates:
        if certificate.is_current:
            certificate.ce_done = services.ce_hours_in_period(certificate.as_certificate())
        cards.append(
            {
                "certificate": certificate,
                "issued_on": display.date(certificate.issued_on),
                "valid_until": display.date(certificate.valid_until),
                "ce_done": display.floatformat(certificate.ce_done, "-1"),
                "download_url": download_url(certificate.pk),
                "credential_url": credential_url(certificate.pk),
                "verify_url": verify_url(certificate.verification_code),
            }
        )
    withdraw_url = display.url_pattern("certification:ce_withdraw")
    context = {
        "certificates": cards,
        "activities": [
            {"activity": a, "completed_on": display.date(a.completed_on), "hours": display.floatformat(a.hours, "-1")}
            for a in selectors.my_activities(request.user.pk)
        ],
        "ce_enrolments": [
            {"enrolment": e, "withdraw_url": withdraw_url(e.pk)} for e in selectors.my_ce_enrolments(request.user.pk)
        ],
        "hours_required": services.hours_required(),
        "holder": holder,
        "form_html": _self_report_form_html(form) if holder else "",
    }
    return render(request, "certification/my_certificates.html", context, status=status)


def _self_report_form_html(form: SelfReportForm | None) -> str:
    """``{{ form|crispy }}``; the empty form (every GET of a holder: ``form`` None) rendered once per language and
    set of institutions it offers, the only things it shows that change (crispy's rendering was half the page)."""
    if form is not None and form.is_bound:  # the visitor's input and errors
        return as_crispy_form(form)
    if settings.DEBUG:  # templates that change under runserver
        return as_crispy_form(form or SelfReportForm())
    return _blank_self_report_form(get_language(), selectors.self_report_institutions())


@functools.lru_cache(maxsize=16)
def _blank_self_report_form(language: str, institutions: tuple[tuple[int, str, str], ...]) -> str:
    # The language and the institutions are the active ones: they are in the key, not read here.
    return as_crispy_form(SelfReportForm())


# --- continuing-education courses ----------------------------------------------------------

CE_COURSES_PER_PAGE = 24


def ce_courses(request: HttpRequest) -> HttpResponse:
    """Published continuing-education courses; holders enrol here, others read why they cannot."""
    today = timezone.localdate()
    page = Paginator(selectors.published_ce_courses(today), CE_COURSES_PER_PAGE).get_page(request.GET.get("page"))
    courses = list(page.object_list)
    holder, mine = False, {}
    if request.user.is_authenticated:
        holder = request.user.is_active and selectors.holds_active_certificate(request.user.pk)
        mine = selectors.ce_states_by_course(request.user.pk, [course.pk for course in courses])
    rows = [
        {"course": course, "enrolment": mine.get(course.pk), "started": course.starts_on < today} for course in courses
    ]
    context = {"page": page, "rows": rows, "holder": holder}
    return render(request, "certification/ce_courses.html", context)


@login_required
@require_POST
def ce_enrol(request: HttpRequest, pk: int) -> HttpResponse:
    course = get_object_or_404(CECourse.objects.select_related("institution"), pk=pk)
    try:
        services.do_enrol_ce(holder=request.user, course=course)
    except services.CertificationError as error:
        messages.error(request, str(error.message))
        return redirect("certification:ce_courses")
    messages.success(
        request,
        _("You are enrolled in %(course)s; a confirmation is on its way by e-mail.") % {"course": course.title},
    )
    return redirect("certification:mine")


@login_required
@require_http_methods(["GET", "POST"])
def ce_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: what withdrawing means, and a button; POST: withdraw (the service frees the seat)."""
    enrolment = get_object_or_404(selectors.ce_enrolments_of(request.user), pk=pk)  # someone else's: 404
    if request.method == "GET":
        return render(request, "certification/ce_withdraw.html", {"enrolment": enrolment})
    try:
        services.do_withdraw_ce(enrolment=enrolment)
    except services.CertificationError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("You withdrew from %(course)s.") % {"course": enrolment.course.title})
    return redirect("certification:mine")


def _refuse(request: HttpRequest, certificate: Certificate) -> NoReturn:
    """Someone else's certificate: the same 404 as a missing one, and a line in the audit trail."""
    audit.record_refused_request(request, detail={"status": 404}, target=certificate)
    raise Http404


@never_cache  # a file with the holder's name: kept by no cache, shared or the browser's
@login_required
def download(request: HttpRequest, pk: int) -> FileResponse:
    certificate = selectors.with_catalog().filter(pk=pk).first()
    if certificate is None:
        raise Http404
    if not selectors.can_download(request.user, certificate):
        _refuse(request, certificate)
    path = pdf.ensure_pdf(certificate)
    return FileResponse(
        path.open("rb"), as_attachment=True, filename=f"{certificate.number}.pdf", content_type="application/pdf"
    )


@never_cache
@login_required
def download_credential(request: HttpRequest, pk: int) -> HttpResponse:
    """The holder's certificate as a signed Open Badges 3.0 credential (a file for their wallet).

    The holder's only: the credential names them (by a salted hash), so staff download the PDF instead.
    """
    certificate = selectors.with_catalog().select_related("curriculum").filter(pk=pk).first()
    if certificate is None:
        raise Http404
    if certificate.trainee_id != request.user.pk:
        _refuse(request, certificate)
    response = HttpResponse(credentials.signed_credential(certificate), content_type=credentials.MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{credentials.filename_of(certificate)}"'
    return response


def _public(response: HttpResponse) -> HttpResponse:
    # Verifiers (wallets in a browser too) fetch these from anywhere; they hold nothing private.
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def jwks(request: HttpRequest) -> HttpResponse:
    """The public keys credentials are signed with (the signing key and the retired ones), by kid."""
    response = JsonResponse(keys.public_jwks(), content_type="application/jwk-set+json")
    response["Cache-Control"] = "public, max-age=300"
    return _public(response)


@require_safe
def status_list_credential(request: HttpRequest, purpose: str, number: int) -> HttpResponse:
    """A signed Bitstring Status List credential; 304 while the caller's ETag still matches.

    ``no-cache``: caches keep it but ask again each time (a 304 is cheap), so a revocation shows at once.
    An unknown purpose or a list number beyond those in use is a 404.
    """
    if purpose not in status_list.PURPOSES or number > status_list.lists_in_use():
        raise Http404
    payload = status_list.list_credential(purpose, number)
    etag = status_list.etag_of(payload, keys.signing_key()["kid"])
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(keys.sign(payload), content_type=credentials.MEDIA_TYPE)
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache"
    return _public(response)


@login_required
def reminder_preferences(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = ReminderPreferenceForm(request.POST)
        if form.is_valid():
            reminders.do_set_preferences(user=request.user, wanted=form.cleaned_data["kinds"])
            messages.success(request, _("Your reminder choices are saved."))
            return redirect("certification:reminders")
    else:
        off = reminders.switched_off(request.user)
        form = ReminderPreferenceForm(initial={"kinds": [k for k, _label in reminders.kind_choices() if k not in off]})
    return render(request, "certification/reminders.html", {"form": form})
