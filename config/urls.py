from pathlib import Path

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.staticfiles import finders
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import include, path, re_path
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from accounts import views as account_views
from courses import views as course_views
from hr_api.errors import not_found as api_not_found


@require_safe
@cache_control(public=True, max_age=7 * 24 * 3600)
def favicon(request: HttpRequest) -> HttpResponse:
    """The site's icon where browsers look for it unasked, whatever page they opened first (pages link
    the same file under /static/). The file itself, not a redirect: a permanent redirect to a hashed
    static name would outlive the next icon."""
    found = finders.find("favicon.ico")
    if not found:
        raise Http404
    return HttpResponse(Path(found).read_bytes(), content_type="image/x-icon")  # a few kilobytes


urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    # Django's switch: the pages' language only (the profile page sets the language of mails).
    path("i18n/setlang/", account_views.switch_language, name="set_language"),
    # The employers' API is machine-to-machine: one language-neutral prefix, no i18n.
    path("api/v1/", include("config.api_urls")),
    # Any other address under /api/ (/api/, /api/v2/…): the API's 404 problem, not the site's HTML page.
    re_path(r"^api/", api_not_found, name="api_not_found"),
    # Keys and status lists of the portable certificates: addresses written into signed credentials.
    path("", include("certification.credential_urls")),
    # Operators' probes and metrics (config/monitoring): no language, no log-in.
    path("", include("config.monitoring.urls")),
]

urlpatterns += i18n_patterns(
    path("", course_views.home, name="home"),
    path("catalog/", include("courses.urls")),
    path("", include("courses.training_urls")),
    path("accounts/second-factor/", include("accounts.second_factor.urls")),
    path("accounts/", include("accounts.urls")),
    path("exams/", include("exams.urls")),
    path("", include("certification.urls")),
    path("", include("career.urls")),
    path("supervision/", include("supervision.urls")),
    path("exchange/", include("exchange.urls")),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)

# A database outage answers a friendly 503 (config/outage.py); other errors the plain 500 page.
handler500 = "config.outage.server_error"
