from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("", views.index, name="index"),
    path("recompute/", views.recompute, name="recompute"),
    path("recompute/status/", views.recompute_status, name="recompute_status"),
]
