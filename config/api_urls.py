"""The employers' API, /api/v1/ (issue 7). Each app's api package holds its views."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from accounts import converters  # noqa: F401  <id:…> (a row id, else 404)
from accounts.api import views as accounts_api
from accounts.api.errors import not_found
from accounts.api.token import ThrottledTokenView
from certification.api import views as certification_api
from courses.api import views as courses_api
from exams.api import views as exams_api

app_name = "api"

urlpatterns = [
    path("oauth/token/", ThrottledTokenView.as_view(), name="token"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file, so the page needs no inline script (CSP).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("catalog/tiers/", courses_api.TierListView.as_view(), name="tiers"),
    path("catalog/tracks/", courses_api.TrackListView.as_view(), name="tracks"),
    path("catalog/courses/", courses_api.CourseListView.as_view(), name="courses"),
    path("catalog/curricula/", courses_api.CurriculumListView.as_view(), name="curricula"),
    path("catalog/cohorts/", courses_api.CohortListView.as_view(), name="cohorts"),
    path("employees/", accounts_api.EmployeeListView.as_view(), name="employees"),
    path("employees/bulk/", accounts_api.EmployeeBulkView.as_view(), name="employees_bulk"),
    path("employees/<id:pk>/", accounts_api.EmployeeDetailView.as_view(), name="employee"),
    path("employees/<id:pk>/deactivate/", accounts_api.EmployeeDeactivateView.as_view(), name="employee_deactivate"),
    path("enrollments/", courses_api.EnrolmentListView.as_view(), name="enrolments"),
    path("enrollments/<id:pk>/", courses_api.EnrolmentDetailView.as_view(), name="enrolment"),
    path("enrollments/<id:pk>/withdraw/", courses_api.EnrolmentWithdrawView.as_view(), name="enrolment_withdraw"),
    path("exam-results/", exams_api.ExamResultListView.as_view(), name="exam_results"),
    path("exam-results/<id:pk>/", exams_api.ExamResultDetailView.as_view(), name="exam_result"),
    path("certificates/", certification_api.CertificateListView.as_view(), name="certificates"),
    path("certificates/<str:number>/", certification_api.CertificateDetailView.as_view(), name="certificate"),
    path("certificates/<str:number>/pdf/", certification_api.CertificatePdfView.as_view(), name="certificate_pdf"),
    path("webhooks/", certification_api.WebhookEndpointListView.as_view(), name="webhooks"),
    path("webhooks/<id:pk>/", certification_api.WebhookEndpointDetailView.as_view(), name="webhook"),
    re_path(r"", not_found),
]
