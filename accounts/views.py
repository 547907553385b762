from typing import Any, cast
from urllib.parse import urlsplit

from axes.helpers import get_lockout_response
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy, translate_url
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.i18n import LANGUAGE_QUERY_PARAMETER, set_language

from core.links import site_url
from core.middleware import is_login_page, same_site_referer

from . import address_change, lockout, password_change, selectors, services, verification
from .client_address import client_network
from .employment import WHY_LOG_IN
from .forms import (
    ChangePasswordForm,
    EmailAuthenticationForm,
    EmailChangeForm,
    NewPasswordForm,
    ProfileForm,
    QueuedPasswordResetForm,
    ResendVerificationForm,
    SignUpForm,
)
from .identifiers import normalize_email
from .landing import landing_url
from .link_owner import answer_unless_owner
from .models import User


def _in_language(response: HttpResponseRedirect, language: str) -> HttpResponseRedirect:
    """Send the browser to the same page in ``language`` and remember the choice."""
    response["Location"] = translate_url(response["Location"], language)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=not settings.DEBUG,
    )
    return response


@require_http_methods(["GET", "POST"])
def sign_up(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = SignUpForm(request.POST or None, initial={"preferred_language": request.LANGUAGE_CODE})
    if request.method == "POST" and form.is_valid():
        # One answer whether or not the address has an account: sign-up reveals nobody's address.
        services.do_sign_up(
            email=form.cleaned_data["email"],
            display_name=form.cleaned_data["display_name"],
            password=form.cleaned_data["password1"],
            preferred_language=form.cleaned_data["preferred_language"],
            site_url=site_url(),
        )
        return render(request, "accounts/signup_done.html", {"email": form.cleaned_data["email"]})
    return render(request, "accounts/signup.html", {"form": form})


@require_http_methods(["GET", "POST"])
def verify_email(request: HttpRequest, token: str) -> HttpResponse:
    """The link mailed at sign-up (:mod:`accounts.verification`): opening it shows whose account it is and a button;
    only the button's POST activates the account, so a mail scanner that fetches the link activates nothing."""
    try:
        if request.method == "GET":
            person = services.check_verification_link(token)
            return render(
                request, "accounts/verify_confirm.html", {"masked_email": verification.masked_email(person.email)}
            )
        user = services.do_verify_email(token=token)
    except services.AccountError as error:
        if error.code == "link_used":
            # Opened again (a second click, the mail read on another device): the address is verified, which is
            # what the link was for; on to the log-in, or the dashboard for someone signed in.
            return render(request, "accounts/verify_used.html", status=400)
        return render(request, "accounts/verify_failed.html", {"error": error}, status=400)
    return render(request, "accounts/verify_done.html", {"verified_user": user})


class LoginView(auth_views.LoginView):
    """Log in and stay in the language the page was in (the URL's prefix); only the profile page
    changes the profile's language. Then on to a safe ``next``, else where a log-in lands
    (:func:`accounts.landing.landing_url`: staff the admin's index, through the second step; trainees
    their dashboard)."""

    template_name = "accounts/login.html"
    form_class = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_default_redirect_url(self) -> str:
        return landing_url(self.request.user)  # the person just logged in (or already, on a GET)


class LogoutView(auth_views.LogoutView):
    """A POST logs out; a GET (a typed or bookmarked address) shows a page with the button."""

    http_method_names = ["get", "post", "options"]
    template_name = "accounts/logout.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return render(request, self.template_name)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        was_logged_in = request.user.is_authenticated
        response = super().post(request, *args, **kwargs)
        if was_logged_in:  # added after the log-out, which empties the session
            messages.success(request, _("You have logged out."))
        return response


@require_http_methods(["GET", "POST"])
def resend_verification(request: HttpRequest) -> HttpResponse:
    """Mail the verification link again to an unverified sign-up.

    The answer is the same whether or not the address has an account, is verified or was asked
    for a minute ago, so this page tells nobody which addresses exist; the service caps the mails.
    """
    form = ResendVerificationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.do_resend_verification(
            email=form.cleaned_data["email"],
            client=client_network(request),
            site_url=site_url(),
        )
        return render(request, "accounts/resend_verification_done.html", {"email": form.cleaned_data["email"]})
    return render(request, "accounts/resend_verification.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def switch_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch: the pages' language (the address's prefix and the cookie). The
    profile's language, which mails use, is the person's own choice on the profile page: switching
    to read a page in the other language does not change it."""
    back = _page_to_go_back_to(request)
    chosen = request.POST.get(LANGUAGE_QUERY_PARAMETER) if request.method == "POST" else None
    if chosen is not None and chosen not in dict(settings.LANGUAGES):
        # Django takes any language it has a catalog of (its admin's French…) and sent /en/x/ to /fr/x/, a
        # 404: the site has its two, and another changes nothing, as one Django has no catalog of.
        return HttpResponseRedirect(back)
    # Django finds the page in the chosen language by resolving its address in the active one, which
    # here (no prefix) is the browser's or the cookie's: a /zh-hant/ page from an English browser did
    # not resolve and stayed as it was. The page's own language resolves it, whichever page Django goes
    # back to: ``next``, or the Referer when ``next`` is missing or another site's.
    page_language = translation.get_language_from_path(urlsplit(back).path)
    if page_language:
        translation.activate(page_language)
    response = set_language(request)
    if chosen and response.get("Location") == "/":
        # No page to go back to: the home page in the chosen language, not "/", which the browser's language
        # decides when the cookie is refused.
        with translation.override(chosen):
            response["Location"] = reverse("home")
    return response


def _page_to_go_back_to(request: HttpRequest) -> str:
    """The page Django's ``set_language`` goes back to: ``next`` when it is this site's, else the Referer
    when that is, else "/" (never another site: not an open redirect)."""
    for url in (request.POST.get("next", request.GET.get("next")), request.headers.get("Referer")):
        if url and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return url
    return "/"


def _sent_by_a_script(request: HttpRequest) -> bool:
    """A request a page's script sent (the exam page's answer saves), which reads JSON: a JSON body, which no HTML
    form can send, or an Accept that prefers JSON to a page (a browser's form and link ask for text/html first;
    none, or ``*/*``, is a page)."""
    content_type = request.content_type or ""
    if content_type == "application/json" or content_type.endswith("+json"):
        return True
    return request.get_preferred_type(["text/html", "application/json"]) == "application/json"


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """``CSRF_FAILURE_VIEW``: a form refused for its missing or stale token (the page was open too long,
    the person logged in or out in another tab, or cookies are blocked), on the site's page in the
    page's language, with the way back to the page (when it is this site's) and to the log-in.

    A script's request (:func:`_sent_by_a_script`) gets the 403 in the shape of the site's JSON refusals (``ok``,
    ``code`` ``csrf_failed``, ``error``: what the page shows), as the exam page's other refusals are: an HTML page
    would be read as no answer at all. The HR API never comes here: its views are exempt (token auth, no cookie)
    and answer problem JSON (tests/exams/test_answer_csrf.py)."""
    if _sent_by_a_script(request):
        message = _(
            "Not sent: this page is out of date (it was open too long, or you logged in or out in another tab). "
            "Reload the page: your answers stay on this device and are sent again."
        )
        return JsonResponse({"ok": False, "code": "csrf_failed", "error": message}, status=403)
    back = same_site_referer(request)
    login_url = reverse("accounts:login")
    if back and not is_login_page(back):
        login_url = f"{login_url}?{urlencode({REDIRECT_FIELD_NAME: back})}"
    return render(request, "403_csrf.html", {"back_url": back, "login_url": login_url}, status=403)


class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = QueuedPasswordResetForm
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")
    post_reset_login = False

    def form_valid(self, form: NewPasswordForm) -> HttpResponse:
        response = super().form_valid(form)
        # A reset proves the address, so an account made by an import or by staff becomes usable, and one locked
        # after wrong passwords opens: the new password works at once. Wrong second-factor codes and passkeys
        # still count (the mailbox proves nothing about the second factor: accounts.lockout).
        if form.user.email_verified_at is None:
            services.do_activate_proven_account(user=form.user)
        lockout.do_clear_lock_out(user=form.user, actor=form.user, how="password reset through the mailed link")
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    user = cast(User, request.user)  # login_required
    trainee = selectors.trainee_profile_of(user)
    initial = {
        "display_name": user.display_name,
        "preferred_language": user.preferred_language,
        "phone": trainee.phone if trainee else "",
    }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        services.do_update_profile(user=user, **form.cleaned_data)
        messages.success(request, _("Your profile is saved."))
        return _in_language(redirect(reverse("accounts:profile")), user.preferred_language)
    return render(request, "accounts/profile.html", {"form": form, "trainee": trainee})


def locked_out_response(request: HttpRequest, user: User) -> HttpResponse | None:
    """After a re-authentication form (:class:`accounts.forms.ReauthenticationMixin`): when the account is locked
    now, or was (django-axes refused the password unchecked), the session ends and the lock-out page says why,
    as at the second step; None otherwise."""
    if not getattr(request, "axes_locked_out", False):
        return None
    logout(request)
    return cast(HttpResponse, get_lockout_response(request, credentials={"username": normalize_email(user.email)}))


class PasswordChangeView(auth_views.PasswordChangeView):
    """The signed-in person's new password (:mod:`accounts.password_change`): the current one, the new one
    twice under its rules; back to the profile, still signed in. Without a usable password there is no current
    one to give: the page offers the mailed link that sets one."""

    template_name = "accounts/password_change.html"
    form_class = ChangePasswordForm
    success_url = reverse_lazy("accounts:profile")

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        user = request.user
        if user.is_authenticated and not user.has_usable_password():
            return render(request, "accounts/password_set_first.html")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form: ChangePasswordForm) -> HttpResponse:
        password_change.do_change_password(
            request=self.request,
            user=cast(User, self.request.user),
            password=form.cleaned_data["new_password1"],
            site_url=site_url(),
        )
        messages.success(self.request, _("Your password is changed. You stay logged in here; elsewhere, log in again."))
        return HttpResponseRedirect(self.get_success_url())

    def form_invalid(self, form: ChangePasswordForm) -> HttpResponse:
        return locked_out_response(self.request, cast(User, self.request.user)) or super().form_invalid(form)


@login_required
@require_http_methods(["GET", "POST"])
def email_change(request: HttpRequest) -> HttpResponse:
    """Ask for a new log-in address (:mod:`accounts.address_change`): one answer whether or not another account
    uses it."""
    user = cast(User, request.user)  # login_required
    if not user.has_usable_password():
        return render(request, "accounts/password_set_first.html")
    form = EmailChangeForm(request.POST or None, user=user, request=request)
    if request.method == "POST" and form.is_valid():
        try:
            address_change.do_request_address_change(user=user, email=form.cleaned_data["email"], site_url=site_url())
        except services.AccountError as error:
            form.add_error(error.field, str(error))
        else:
            return render(request, "accounts/email_change_sent.html", {"new_email": form.cleaned_data["email"]})
    if (locked := locked_out_response(request, user)) is not None:
        return locked
    return render(request, "accounts/email_change.html", {"form": form}, status=400 if form.errors else 200)


#: Why a visitor opening the link is sent to log in: as for the employer's link mailed to a new address.
_WHY_LOG_IN_FOR_ADDRESS = WHY_LOG_IN["verify"]


@require_http_methods(["GET", "POST"])
def email_change_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link mailed to the new address: its owner, signed in, confirms (a POST: mail scanners open links)."""
    try:
        change = address_change.check_address_change_link(token)
        if (elsewhere := answer_unless_owner(request, change.user, why_log_in=_WHY_LOG_IN_FOR_ADDRESS)) is not None:
            return elsewhere
        if request.method == "GET":
            return render(request, "accounts/email_change_confirm.html", {"change": change})
        user = address_change.do_confirm_address_change(
            token=token, person=cast(User, request.user), keep_session=request.session.session_key
        )
    except services.AccountError as error:
        return render(request, "accounts/email_change_failed.html", {"error": error}, status=400)
    return render(request, "accounts/email_change_done.html", {"new_email": user.email})
