"""Trainee pages of the exams."""

from django.urls import path

from . import views

app_name = "exams"

urlpatterns = [
    path("", views.home, name="home"),
    path("sittings/<int:sitting_id>/start/", views.start, name="start"),
    path("attempts/<int:attempt_id>/", views.attempt_page, name="attempt"),
    path("attempts/<int:attempt_id>/answer/", views.save_answer, name="answer"),
    path("attempts/<int:attempt_id>/submit/", views.submit, name="submit"),
    path("attempts/<int:attempt_id>/result/", views.result, name="result"),
]
