from django.urls import path

from accounts import converters  # noqa: F401  <id:…> (a row id, else 404)

from . import views

app_name = "exchange"

urlpatterns = [
    path("", views.index, name="index"),
    path("posts/<id:pk>/answer/", views.answer, name="answer"),
    path("posts/<id:pk>/accept/", views.accept, name="accept"),
    path("posts/<id:pk>/pin/", views.pin, name="pin"),
    path("posts/<id:pk>/hide/", views.hide, name="hide"),
    path("posts/<id:pk>/report/", views.report, name="report"),
    path("<str:code>/", views.cohort, name="cohort"),
    path("<str:code>/<str:course_code>/", views.thread, name="thread"),
]
