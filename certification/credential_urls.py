"""The language-neutral addresses of the portable certificates (outside the i18n patterns): the JWK Set
of the signing keys and the Bitstring Status Lists. Their URLs are written into signed credentials, so
they never change."""

from django.urls import path

from accounts import converters  # noqa: F401  <id:…> (a list number, else 404)

from . import views

app_name = "credentials"

urlpatterns = [
    path(".well-known/jwks.json", views.jwks, name="jwks"),
    path("credentials/status/<slug:purpose>/<id:number>", views.status_list_credential, name="status_list"),
]
