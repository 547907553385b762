"""Pages and files of a signed-in person's own data are never kept by a shared cache (``Cache-Control:
private``); the certificate's files not even by the browser (``no-store``). The test walks every address of
certification: each is checked here or named as one that shows nothing personal."""

import pytest
from django.urls import reverse

from certification import credential_urls, services, urls
from tests.certification.test_ce_courses import holder_of, make_course
from tests.conftest import in_english, logged_in
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

# Addresses without a signed-in person's data: the public verification (the holder's name masked), the
# credentials' public keys and status lists, and an enrolment POST that only redirects.
NOT_PERSONAL = {"verify", "verify_code", "jwks", "status_list", "ce_enrol"}


def directives(response) -> set[str]:
    return {part.strip().split("=")[0] for part in response.get("Cache-Control", "").split(",") if part.strip()}


def test_every_page_and_file_of_the_holders_own_is_private(institution):
    holder = holder_of(in_english(UserFactory()))
    certificate = holder.certificates.get()
    enrolment = services.do_enrol_ce(holder=holder, course=make_course(institution))
    client = logged_in(holder)
    download = client.get(reverse("certification:download", args=[certificate.pk]))
    assert b"".join(download.streaming_content).startswith(b"%PDF")
    bad_report = {"institution": institution.pk, "title": "", "completed_on": "", "hours": ""}
    checked = {
        "mine": [client.get(reverse("certification:mine")), client.post(reverse("certification:mine"), bad_report)],
        "download": [download],
        "credential": [client.get(reverse("certification:credential", args=[certificate.pk]))],
        "reminders": [client.get(reverse("certification:reminders"))],
        "ce_courses": [client.get(reverse("certification:ce_courses"))],
        "ce_withdraw": [client.get(reverse("certification:ce_withdraw", args=[enrolment.pk]))],
    }
    files = {"download", "credential"}
    for name, responses in checked.items():
        for response in responses:
            assert response.status_code in (200, 400), (name, response.status_code)
            assert "private" in directives(response), name
            assert name not in files or "no-store" in directives(response), name
    every = {pattern.name for pattern in [*urls.urlpatterns, *credential_urls.urlpatterns]}
    assert every == set(checked) | NOT_PERSONAL, "a new address: check its Cache-Control here"
