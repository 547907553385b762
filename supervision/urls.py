from django.urls import path

from . import views, views_items

app_name = "supervision"

urlpatterns = [
    path("", views.index, name="index"),
    path("recompute/", views.recompute, name="recompute"),
    path("items/", views_items.items, name="items"),
    path("recompute/status/", views.recompute_status, name="recompute_status"),
]
