"""Trainee pages of training delivery: finding cohorts, enrolling, the dashboard."""

from django.urls import path

from accounts import converters  # noqa: F401  <id:…> (a row id, else 404)

from . import views

app_name = "training"

urlpatterns = [
    path("cohorts/", views.cohort_list, name="cohorts"),
    path("cohorts/<str:code>/", views.cohort_detail, name="cohort"),
    path("cohorts/<str:code>/enrol/", views.enrol, name="enrol"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/self-study/", views.log_self_study, name="log_self_study"),
    path("enrolments/<id:pk>/withdraw/", views.withdraw, name="withdraw"),
]
