"""The confirm step of the trainee and enrolment imports imports the file its preview showed to the same person,
once: another institution's upload, a made-up or tampered file name, a preview confirmed twice or too late is a
message and the import page again, with nothing written (and no 500)."""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.imports.confirm import ConfirmOnceStorage, UploadGone
from accounts.models import TraineeProfile, User
from courses.models import Enrolment
from tests.factories import CohortFactory

pytestmark = pytest.mark.django_db

NOT_ISSUED = "This import cannot be confirmed: it is not a file you previewed here. Upload the file again."
GONE = "This import was already confirmed or has expired; upload the file again."
CSV, XLSX = "0", "1"


@dataclass(frozen=True)
class Import:
    page: str
    confirm: str
    header: str
    changelist: str


TRAINEES = Import(
    page="/en/admin/accounts/traineeprofile/import/",
    confirm="/en/admin/accounts/traineeprofile/process_import/",
    header="email,display_name,preferred_language",
    changelist="/en/admin/accounts/traineeprofile/",
)
ENROLMENTS = Import(
    page="/en/admin/courses/enrolment/import/",
    confirm="/en/admin/courses/enrolment/process_import/",
    header="email,display_name,preferred_language,cohort",
    changelist="/en/admin/courses/enrolment/",
)
BOTH = pytest.mark.parametrize("kind", [TRAINEES, ENROLMENTS], ids=["trainees", "enrolments"])


@pytest.fixture(autouse=True)
def cohorts(institution, other_institution) -> None:
    CohortFactory(institution=institution, code="A-1")
    CohortFactory(institution=other_institution, code="B-1")


def file_of(kind: Import, email: str, cohort: str) -> str:
    row = f"{email},新學員,zh-hant" + (f",{cohort}" if kind is ENROLMENTS else "")
    return f"{kind.header}\n{row}\n"


def preview(client: Client, kind: Import, text: str) -> dict[str, str]:
    """Upload ``text`` and return what the preview's confirm form posts (its hidden fields)."""
    upload = SimpleUploadedFile("people.csv", text.encode("utf-8"), content_type="text/csv")
    response = client.post(kind.page, {"import_file": upload, "format": CSV, "resource": "0"})
    form = response.context["confirm_form"]
    return {name: form[name].value() for name in form.fields}


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def assert_refused(response, kind: Import, message: str) -> None:
    assert response.redirect_chain == [(kind.page, 302)]
    assert message in messages_of(response)


@BOTH
def test_an_institution_cannot_confirm_another_institutions_upload(alice, bob, kind, other_institution):
    confirm = preview(bob, kind, file_of(kind, "bob.trainee@example.test", "B-1"))
    assert_refused(alice.post(kind.confirm, confirm, follow=True), kind, NOT_ISSUED)
    assert not User.objects.filter(email="bob.trainee@example.test").exists()
    # Bob's upload is still his to confirm.
    done = bob.post(kind.confirm, confirm)
    assert (done.status_code, done["Location"]) == (302, kind.changelist)
    trainee = TraineeProfile.objects.get(user__email="bob.trainee@example.test")
    assert trainee.registered_by == other_institution
    if kind is ENROLMENTS:
        assert Enrolment.objects.get(trainee=trainee.user).cohort.code == "B-1"


@BOTH
def test_a_made_up_file_name_is_refused_and_the_file_left_alone(alice, kind):
    """A name import-export's temp folder holds, but no preview of Alice's issued: neither read nor removed."""
    with tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, encoding="utf-8") as planted:
        planted.write(file_of(kind, "planted@example.test", "A-1"))
    try:
        name = os.path.basename(planted.name)
        forged = {"import_file_name": name, "original_file_name": "people.csv", "format": CSV, "resource": ""}
        assert_refused(alice.post(kind.confirm, forged, follow=True), kind, NOT_ISSUED)
        assert os.path.exists(planted.name)
    finally:
        os.remove(planted.name)
    assert not User.objects.filter(email="planted@example.test").exists()


def test_a_preview_of_one_import_cannot_be_confirmed_by_another(alice):
    confirm = preview(alice, TRAINEES, file_of(TRAINEES, "ann@example.test", "A-1"))
    assert_refused(alice.post(ENROLMENTS.confirm, confirm, follow=True), ENROLMENTS, NOT_ISSUED)
    assert not User.objects.filter(email="ann@example.test").exists()


@BOTH
def test_confirming_twice_says_so_and_imports_once(alice, kind):
    confirm = preview(alice, kind, file_of(kind, "ann@example.test", "A-1"))
    first = alice.post(kind.confirm, confirm)
    assert (first.status_code, first["Location"]) == (302, kind.changelist)
    assert_refused(alice.post(kind.confirm, confirm, follow=True), kind, GONE)
    assert User.objects.filter(email="ann@example.test").count() == 1
    assert Enrolment.objects.filter(trainee__email="ann@example.test").count() == (kind is ENROLMENTS)


def test_a_preview_confirmed_two_days_later_is_refused(alice, monkeypatch):
    two_days_ago = signing.b62_encode(int(time.time()) - 2 * 24 * 3600)
    with monkeypatch.context() as then:
        then.setattr(signing.TimestampSigner, "timestamp", lambda self: two_days_ago)
        confirm = preview(alice, TRAINEES, file_of(TRAINEES, "late@example.test", "A-1"))
    assert_refused(alice.post(TRAINEES.confirm, confirm, follow=True), TRAINEES, GONE)
    assert not User.objects.filter(email="late@example.test").exists()


def test_the_format_the_preview_chose_is_the_one_confirmed(alice):
    """The confirm form's hidden format, changed to XLSX for a CSV, was read as a workbook (a 500)."""
    confirm = preview(alice, TRAINEES, file_of(TRAINEES, "ann@example.test", "A-1"))
    done = alice.post(TRAINEES.confirm, confirm | {"format": XLSX, "original_file_name": "x.xlsx"})
    assert (done.status_code, done["Location"]) == (302, TRAINEES.changelist)
    assert User.objects.filter(email="ann@example.test").exists()


def test_a_get_of_the_confirm_step_is_not_allowed(alice):
    assert alice.get(TRAINEES.confirm).status_code == 405


def test_of_two_confirms_of_one_upload_only_one_reads_it():
    """Two confirms at once (a double click, a second tab): the first claims the file, the second finds it gone."""
    preview_storage = ConfirmOnceStorage(read_mode="r", encoding="utf-8")
    preview_storage.save(b"email,display_name\n")
    assert preview_storage.read() == "email,display_name\n"  # the preview reads what it saved
    name = os.path.basename(preview_storage.name)
    first = ConfirmOnceStorage(name=name, read_mode="r", encoding="utf-8")
    second = ConfirmOnceStorage(name=name, read_mode="r", encoding="utf-8")
    assert first.read() == "email,display_name\n"
    with pytest.raises(UploadGone):
        second.read()
    first.remove()
    assert not os.path.exists(first.get_full_path())
