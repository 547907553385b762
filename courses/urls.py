from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("", views.tier_list, name="tiers"),
    path("courses/<str:code>/", views.course_detail, name="course"),
    path("<slug:tier_code>/", views.tier_detail, name="tier"),
]
