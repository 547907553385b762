"""A preview keeps its upload for the confirm step in a folder of its own; an upload nobody confirmed within the
confirm's 24 hours is deleted by the next preview and by an hourly beat job
(accounts.tasks.delete_stale_import_uploads), which is safe to run twice and leaves younger uploads, and one being
imported, alone."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts import tasks
from accounts.imports.confirm import CONFIRM_MAX_AGE, ConfirmOnceStorage, delete_stale_uploads, upload_folder
from accounts.models import User
from config.beat import beat_schedule

pytestmark = pytest.mark.django_db

PAGE = "/en/admin/accounts/traineeprofile/import/"
CONFIRM = "/en/admin/accounts/traineeprofile/process_import/"
HOUR = 3600


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The system's temp folder of this test alone, so that the sweep meets only this test's files."""
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    return Path(upload_folder())


def upload_aged(folder: Path, name: str, hours: float) -> Path:
    """A real upload in the folder, last written ``hours`` ago."""
    path = folder / name
    path.write_bytes(b"email,display_name\nann@example.test,Ann\n")
    then = time.time() - hours * HOUR
    os.utime(path, (then, then))
    return path


def preview(client) -> dict[str, str]:
    upload = SimpleUploadedFile("people.csv", b"email,display_name\nann@example.test,Ann\n", content_type="text/csv")
    form = client.post(PAGE, {"import_file": upload, "format": "0", "resource": "0"}).context["confirm_form"]
    return {name: form[name].value() for name in form.fields}


def test_uploads_older_than_the_confirms_24_hours_are_deleted_and_younger_ones_kept(folder):
    stale = [upload_aged(folder, "preview-old", 25), upload_aged(folder, "preview-older.1f.confirming", 24 * 9)]
    young = [upload_aged(folder, "preview-young", 1), upload_aged(folder, "preview-almost", 23.9)]
    assert tasks.delete_stale_import_uploads() == 2
    assert [path.exists() for path in stale] == [False, False]
    assert [path.exists() for path in young] == [True, True]
    assert tasks.delete_stale_import_uploads() == 0  # run twice: nothing more to do, no error
    assert CONFIRM_MAX_AGE == 24 * HOUR


def test_only_the_uploads_folder_is_swept(folder):
    """The system's temp folder holds other programs' files: the sweep never looks beyond its own folder."""
    neighbour = upload_aged(folder.parent, "tmp-of-another-program", 24 * 30)
    assert tasks.delete_stale_import_uploads() == 0
    assert neighbour.exists()


def test_a_preview_keeps_its_upload_where_the_sweep_finds_it(folder, alice):
    preview(alice)
    [upload] = folder.iterdir()
    then = time.time() - 25 * HOUR
    os.utime(upload, (then, then))
    assert tasks.delete_stale_import_uploads() == 1
    assert not any(folder.iterdir())


def test_a_new_preview_sweeps_the_web_machines_own_folder(folder, alice):
    """Where the worker runs on another machine (the Procfile's dynos), the beat job never sees the web's temp
    folder: each preview deletes what is stale there, and keeps a younger preview's upload."""
    stale, young = upload_aged(folder, "preview-old", 25), upload_aged(folder, "preview-young", 23)
    preview(alice)
    assert not stale.exists() and young.exists()
    assert len(list(folder.iterdir())) == 2


def test_a_confirmed_preview_leaves_nothing_behind(folder, alice):
    confirm = preview(alice)
    assert alice.post(CONFIRM, confirm).status_code == 302
    assert User.objects.filter(email="ann@example.test").exists()
    assert not any(folder.iterdir())


def test_an_upload_a_confirm_is_importing_is_not_swept(folder):
    """A preview confirmed in its 24th hour: the upload the confirm took is fresh to the sweep until it is removed."""
    old = upload_aged(folder, "preview-late", 23.99)
    taking = ConfirmOnceStorage(name=old.name, read_mode="rb")
    assert taking.read().startswith(b"email")
    later = time.time() + HOUR
    assert delete_stale_uploads(now=later) == 0
    assert Path(taking.get_full_path()).exists()
    taking.remove()


def test_beat_runs_the_sweep_hourly():
    [entry] = [entry for entry in beat_schedule().values() if entry["task"] == tasks.delete_stale_import_uploads.name]
    assert entry["schedule"].hour == set(range(24))
