from django.urls import path

from accounts import converters  # noqa: F401  <id:…> (a row id, else 404)

from . import views

app_name = "certification"

urlpatterns = [
    path("verify/", views.verify, name="verify"),
    path("verify/<str:code>/", views.verify_code, name="verify_code"),
    path("certificates/", views.my_certificates, name="mine"),
    path("certificates/<id:pk>/pdf/", views.download, name="download"),
    path("certificates/<id:pk>/credential/", views.download_credential, name="credential"),
    path("certification/reminders/", views.reminder_preferences, name="reminders"),
    path("continuing-education/", views.ce_courses, name="ce_courses"),
    path("continuing-education/<id:pk>/enrol/", views.ce_enrol, name="ce_enrol"),
    path("continuing-education/enrolments/<id:pk>/withdraw/", views.ce_withdraw, name="ce_withdraw"),
]
