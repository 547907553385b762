"""Trainee pages of the exams."""

from django.urls import path

from accounts import converters  # noqa: F401  <id:…> (a row id, else 404)

from . import views

app_name = "exams"

urlpatterns = [
    path("", views.home, name="home"),
    path("sittings/<id:sitting_id>/start/", views.start, name="start"),
    path("attempts/<id:attempt_id>/", views.attempt_page, name="attempt"),
    path("attempts/<id:attempt_id>/answer/", views.save_answer, name="answer"),
    path("attempts/<id:attempt_id>/submit/", views.submit, name="submit"),
    path("attempts/<id:attempt_id>/result/", views.result, name="result"),
]
