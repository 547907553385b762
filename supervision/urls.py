from django.urls import path

from accounts import converters  # noqa: F401  <id:…> (a row id, else 404)

from . import views, views_items, views_reports

app_name = "supervision"

urlpatterns = [
    path("", views.index, name="index"),
    path("recompute/", views.recompute, name="recompute"),
    path("items/", views_items.items, name="items"),
    path("recompute/status/", views.recompute_status, name="recompute_status"),
    # Reports (views_reports.py): figures from the summaries, and the cohorts' exports.
    path("pass-rates/", views_reports.pass_rates_page, name="pass_rates"),
    path("training/", views_reports.training_page, name="training"),
    path("certificates/", views_reports.certificates_page, name="certificates"),
    path("exams/", views_reports.exams_page, name="exams"),
    path("institutions/", views_reports.institutions_page, name="institutions"),
    path("cohorts/", views_reports.cohorts_page, name="cohorts"),
    path("cohorts/<id:cohort_id>/results/", views_reports.cohort_results, name="cohort_results"),
    path("cohorts/<id:cohort_id>/progress/", views_reports.cohort_progress, name="cohort_progress"),
    path("certificates/expiring/", views_reports.expiring, name="expiring"),
]
