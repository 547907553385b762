"""The admin sweep, continued: for every scoped admin registered, institution A's admin finds none
of institution B's rows through autocomplete, list filters or exports. Like the sweep in
test_admin_isolation, it walks ``admin.site._registry``, so a later app's admins are covered too."""

import pytest
from django.contrib import admin
from django.db.models import ForeignKey, ManyToManyField, OneToOneField
from django.test import Client
from django.urls import reverse

from accounts.scoping import InstitutionScopedAdmin
from tests.accounts.test_admin_isolation import admin_url, foreign_rows, scoped_admins
from tests.isolation import World

pytestmark = pytest.mark.django_db


def autocomplete_sources():
    """(source model, field name, target model) for every autocomplete field whose target is scoped."""
    found = []
    for model, model_admin in admin.site._registry.items():
        for field_name in model_admin.autocomplete_fields:
            target = model._meta.get_field(field_name).remote_field.model
            if isinstance(admin.site._registry.get(target), InstitutionScopedAdmin):
                found.append((model, field_name, target))
    return found


def test_there_is_something_to_autocomplete():
    assert autocomplete_sources(), "no autocomplete field points at a scoped model: the sweep below tests nothing"


@pytest.mark.parametrize(
    ("source", "field_name", "target"),
    autocomplete_sources(),
    ids=[f"{s._meta.label}.{f}" for s, f, _t in autocomplete_sources()],
)
def test_autocomplete_offers_no_other_institutions_rows(
    admin_a_client: Client, world: World, source, field_name, target
):
    foreign = {str(row.pk) for row in foreign_rows(target, admin.site._registry[target], world)}
    assert foreign, f"the isolation world gives institution B no {target._meta.label}"
    page, offered = 1, set()
    while True:
        response = admin_a_client.get(reverse("admin:autocomplete"), {
            "app_label": source._meta.app_label, "model_name": source._meta.model_name,
            "field_name": field_name, "term": "", "page": page,
        })  # fmt: skip
        if response.status_code == 403:
            return  # may not use it at all: nothing offered
        assert response.status_code == 200
        data = response.json()
        offered |= {str(r["id"]) for r in data["results"]}
        if not data["pagination"]["more"]:
            break
        page += 1
    assert not offered & foreign, f"{source._meta.label}.{field_name} offers institution B's {target._meta.label}"


def relation_filters(model, model_admin, request):
    """List filters of ``model_admin`` that name a relation: (lookup, path)."""
    for spec in model_admin.get_list_filter(request):
        path = spec[0] if isinstance(spec, tuple) else spec
        if not isinstance(path, str):
            continue
        field, opts = None, model._meta
        for part in path.split("__"):
            field = opts.get_field(part)
            if getattr(field, "remote_field", None) is None:
                break
            opts = field.remote_field.model._meta
        if isinstance(field, ForeignKey | OneToOneField | ManyToManyField):
            yield f"{path}__id__exact", path


@pytest.mark.parametrize("model_label", sorted(m._meta.label for m, _a in scoped_admins()))
def test_list_filters_set_to_another_institutions_values_show_none_of_its_rows(
    admin_a_client: Client, world: World, model_label: str, rf
):
    model, model_admin = next((m, a) for m, a in scoped_admins() if m._meta.label == model_label)
    request = rf.get("/")
    request.user = world.admin_a
    rows = foreign_rows(model, model_admin, world)
    changelist = admin_url(model, "changelist")
    for lookup, path in relation_filters(model, model_admin, request):
        values = set(model._default_manager.filter(pk__in=[r.pk for r in rows]).values_list(path, flat=True)) - {None}
        for value in values:
            response = admin_a_client.get(changelist, {lookup: value})
            if response.status_code == 302:  # a lookup Django does not offer: ?e=1
                response = admin_a_client.get(response["Location"])
            if response.status_code != 200:
                continue
            html = response.content.decode()
            for row in rows:
                assert admin_url(model, "change", row.pk) not in html, f"{model_label} filtered by {lookup}={value}"


@pytest.mark.parametrize(
    "model_label", sorted(m._meta.label for m, a in scoped_admins() if hasattr(a, "get_export_queryset"))
)
def test_exports_hold_no_other_institutions_rows(world: World, model_label: str, rf):
    model, model_admin = next((m, a) for m, a in scoped_admins() if m._meta.label == model_label)
    request = rf.get(admin_url(model, "changelist"))
    request.user = world.admin_a
    exported = set(model_admin.get_export_queryset(request).values_list("pk", flat=True))
    foreign = {row.pk for row in foreign_rows(model, model_admin, world)}
    assert not exported & foreign, f"the {model_label} export holds institution B's rows"
