"""The employers' API, /api/v1/ (issue 7). Its views are the hr_api app's, one module per resource."""

from django.urls import path, re_path

from accounts import converters  # noqa: F401  <id:…> (a row id, else 404)
from hr_api.errors import not_found
from hr_api.token import ThrottledTokenView
from hr_api.views import (
    catalog,
    certificates,
    employees,
    enrolments,
    evaluations,
    exam_results,
    managers,
    problems,
    schema,
    webhooks,
)

app_name = "api"

urlpatterns = [
    path("oauth/token/", ThrottledTokenView.as_view(), name="token"),
    path("schema/", schema.SchemaView.as_view(), name="schema"),
    # The split view serves its start-up script as a file, so the page needs no inline script (CSP).
    path("docs/", schema.DocsView.as_view(url_name="api:schema"), name="docs"),
    # What each code a problem's ``type`` ends with means (hr_api.problems): the types lead here.
    path("problems/", problems.problems, name="problems"),
    path("problems/<str:code>", problems.problem, name="problem"),
    path("catalog/tiers/", catalog.TierListView.as_view(), name="tiers"),
    path("catalog/tracks/", catalog.TrackListView.as_view(), name="tracks"),
    path("catalog/courses/", catalog.CourseListView.as_view(), name="courses"),
    path("catalog/curricula/", catalog.CurriculumListView.as_view(), name="curricula"),
    path("catalog/cohorts/", catalog.CohortListView.as_view(), name="cohorts"),
    path("employees/", employees.EmployeeListView.as_view(), name="employees"),
    path("employees/bulk/", employees.EmployeeBulkView.as_view(), name="employees_bulk"),
    path("employees/<id:pk>/", employees.EmployeeDetailView.as_view(), name="employee"),
    path("employees/<id:pk>/deactivate/", employees.EmployeeDeactivateView.as_view(), name="employee_deactivate"),
    path("employees/<id:pk>/reactivate/", employees.EmployeeReactivateView.as_view(), name="employee_reactivate"),
    path("enrollments/", enrolments.EnrolmentListView.as_view(), name="enrolments"),
    path("enrollments/<id:pk>/", enrolments.EnrolmentDetailView.as_view(), name="enrolment"),
    path("enrollments/<id:pk>/withdraw/", enrolments.EnrolmentWithdrawView.as_view(), name="enrolment_withdraw"),
    path("exam-results/", exam_results.ExamResultListView.as_view(), name="exam_results"),
    path("exam-results/<id:pk>/", exam_results.ExamResultDetailView.as_view(), name="exam_result"),
    path("certificates/", certificates.CertificateListView.as_view(), name="certificates"),
    path("certificates/<str:number>/", certificates.CertificateDetailView.as_view(), name="certificate"),
    path("certificates/<str:number>/pdf/", certificates.CertificatePdfView.as_view(), name="certificate_pdf"),
    path(
        "certificates/<str:number>/credential/",
        certificates.CertificateCredentialView.as_view(),
        name="certificate_credential",
    ),
    path("evaluations/", evaluations.EvaluationListView.as_view(), name="evaluations"),
    path("managers/", managers.ManagerListView.as_view(), name="managers"),
    path("managers/<id:employee>/", managers.ManagerDetailView.as_view(), name="manager"),
    path("webhooks/", webhooks.WebhookEndpointListView.as_view(), name="webhooks"),
    path("webhooks/<id:pk>/", webhooks.WebhookEndpointDetailView.as_view(), name="webhook"),
    re_path(r"", not_found),
]
