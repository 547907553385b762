"""An admin export page carries the change list's filters in its address: a filter the change list refuses is
refused the same way on the export page (back to the list with ``?e=1``, or a 400 for a lookup the admin does not
allow), never answered with a server error, and no file leaves with it. Walks ``admin.site._registry``: every admin
with django-import-export's export, a later app's too."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib import admin
from django.db.models import Model
from django.test import Client
from django.urls import reverse
from import_export.admin import ExportMixin

from accounts.models import Institution, User
from tests.conftest import logged_in, make_trainee

pytestmark = pytest.mark.django_db

EXPORT_ADMINS = sorted(
    model._meta.label for model, model_admin in admin.site._registry.items() if isinstance(model_admin, ExportMixin)
)
BAD_FILTERS = [
    "nosuchfield=1",  # no such field
    "institution__id__exact=2",  # a relation the model does not have (a trainee belongs to no one institution)
    "id__exact=abc",  # a value the column cannot hold
    "user__password__startswith=x",  # a lookup no admin allows: Django's 400
]


def test_the_walk_finds_the_trainee_export():
    assert "accounts.TraineeProfile" in EXPORT_ADMINS


def model_of(label: str) -> type[Model]:
    return next(model for model in admin.site._registry if model._meta.label == label)


def urls_of(model: type[Model]) -> tuple[str, str]:
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    return reverse(f"{info}_changelist"), reverse(f"{info}_export")


def export_form_data(client: Client, export_url: str) -> dict[str, Any]:
    """What the export page's form posts as staff send it: its first resource and format, every column ticked (no
    selected rows: the list's "export" action posts those)."""
    form = client.get(export_url).context["form"]
    fields = {name: field for name, field in form.fields.items() if name != "export_items"}
    return {name: "0" if field.initial is None else field.initial for name, field in fields.items()}


@pytest.fixture(params=["institution_admin", "program_office"])
def staff(request: pytest.FixtureRequest) -> User:
    return request.getfixturevalue(request.param)


@pytest.mark.parametrize("bad", BAD_FILTERS)
@pytest.mark.parametrize("label", EXPORT_ADMINS)
def test_the_export_refuses_a_filter_as_the_change_list_does(staff: User, label: str, bad: str):
    changelist_url, export_url = urls_of(model_of(label))
    client = logged_in(staff)
    if client.get(changelist_url).status_code != 200:
        pytest.skip(f"{staff} does not list {label}")
    form_data = export_form_data(client, export_url)
    client.raise_request_exception = False  # a server error is the answer under test

    listed = client.get(f"{changelist_url}?{bad}")
    assert listed.status_code in {302, 400}
    for method, data in (("get", {}), ("post", form_data)):
        exported = getattr(client, method)(f"{export_url}?{bad}", data)
        assert exported.status_code == listed.status_code, f"{method} {label} export ?{bad}"
        assert "Content-Disposition" not in exported, "a file left with a refused filter"
        if listed.status_code == 302:
            assert exported["Location"] == listed["Location"] == f"{changelist_url}?e=1"


def test_a_filter_naming_another_institutions_rows_exports_none_of_them(
    institution_admin: User, institution: Institution, other_institution: Institution
):
    make_trainee(email="ours@demo.test", display_name="Ours", registered_by=institution)
    make_trainee(email="theirs@demo.test", display_name="Theirs", registered_by=other_institution)
    _changelist, export_url = urls_of(model_of("accounts.TraineeProfile"))
    client = logged_in(institution_admin)
    form_data = export_form_data(client, export_url)

    exported = client.post(f"{export_url}?registered_by__id__exact={other_institution.pk}", form_data)
    assert exported.status_code == 200 and "attachment" in exported["Content-Disposition"]
    assert b"theirs@demo.test" not in exported.content

    everything = client.post(export_url, form_data)
    assert b"ours@demo.test" in everything.content and b"theirs@demo.test" not in everything.content
