"""An institution admin sees, opens, changes, deletes, filters, searches, autocompletes and
exports only their own institution's rows — for every admin registered, present and future; an
employer's HR staff member only their employer's rows of the employer-owned admins (the career register)."""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from accounts.scoping import (
    EmployerScopedAdmin,
    InstitutionScopedAdmin,
    is_program_office,
    scope_to_employer,
    scope_to_institution,
)
from tests.isolation import World

pytestmark = pytest.mark.django_db

# Admins that are not institution-owned: national reference data, library tables, roles.
# Institution staff may at most view them (the catalog); the test below checks that.
GLOBAL_ADMINS = {
    "auth.Group", "accounts.Employer",
    "courses.Tier", "courses.Track", "courses.Course", "courses.Curriculum",
    # The unified syllabus (issue 22): national, kept by the program office, read by institutions.
    "courses.SyllabusVersion",
    "django_celery_beat.PeriodicTask", "django_celery_beat.ClockedSchedule",
    "django_celery_beat.CrontabSchedule", "django_celery_beat.SolarSchedule",
    "django_celery_beat.IntervalSchedule",
    "axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog",
    # The employers' API (issue 7): clients and webhooks belong to employers, kept by the program office.
    "hr_api.ApiClient", "hr_api.WebhookEndpoint", "hr_api.WebhookDelivery",
    # The audit trail (issue 10): read by the program office only, across institutions and employers.
    "accounts.AuditEvent",
    "oauth2_provider.Application", "oauth2_provider.AccessToken", "oauth2_provider.Grant",
    "oauth2_provider.IDToken", "oauth2_provider.RefreshToken",
    "exams.Question", "exams.ExamPaper",
    # The career register (issue 19): the program office's certificate rule, and its counts per bank.
    "career.CertificateRule", "career.RegisterCompliance",
}  # fmt: skip


def scoped_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, InstitutionScopedAdmin)
    ]


def employer_scoped_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, EmployerScopedAdmin)
    ]


def _owners(row, path: str) -> set[int]:
    """The pks ``path`` reaches from ``row``, followed object by object in Python (to-many relations
    through ``.all()``): the oracle the sweep checks the production scoping against, so it shares none
    of ``scope_to_institution``'s query building (issue 23: a bug there must not blind the sweep)."""
    from django.core.exceptions import ObjectDoesNotExist
    from django.db.models import Manager, Model

    objects = [row]
    for part in path.split("__"):
        reached = []
        for obj in objects:
            try:
                value = getattr(obj, part)
            except ObjectDoesNotExist:  # a reverse one-to-one the row does not have
                continue
            if isinstance(value, Manager):
                reached.extend(value.all())
            elif value is not None:
                reached.append(value)
        objects = reached
    return {obj.pk if isinstance(obj, Model) else obj for obj in objects}


def _reaching(model, paths: tuple[str, ...], owner_pk: int) -> set[int]:
    return {row.pk for row in model._default_manager.all() if any(owner_pk in _owners(row, p) for p in paths)}


def foreign_employer_rows(model, model_admin, world: World):
    """Rows that reach employer B and not employer A."""
    theirs = _reaching(model, model_admin.employer_paths, world.emp_b.pk)
    mine = _reaching(model, model_admin.employer_paths, world.emp_a.pk)
    return list(model._default_manager.filter(pk__in=theirs - mine).order_by("pk"))


def foreign_rows(model, model_admin, world: World):
    """Rows that reach institution B and not institution A (employer B and not A, for an employer-owned admin)."""
    if isinstance(model_admin, EmployerScopedAdmin):
        return foreign_employer_rows(model, model_admin, world)
    theirs = _reaching(model, model_admin.institution_paths, world.inst_b.pk)
    mine = _reaching(model, model_admin.institution_paths, world.inst_a.pk)
    return list(model._default_manager.filter(pk__in=theirs - mine).order_by("pk"))


def test_the_oracle_agrees_with_the_scoping_on_the_isolation_world(world: World):
    """The two computations of "institution (employer) B's rows" agree, and neither is empty (a guard on the oracle)."""
    for model, model_admin in [*scoped_admins(), *employer_scoped_admins()]:
        oracle = {row.pk for row in foreign_rows(model, model_admin, world)}
        rows = model._default_manager.all()
        if isinstance(model_admin, EmployerScopedAdmin):
            mine = scope_to_employer(rows, world.emp_a, model_admin.employer_paths)
            theirs = scope_to_employer(rows, world.emp_b, model_admin.employer_paths)
        else:
            mine = scope_to_institution(rows, world.inst_a, model_admin.institution_paths)
            theirs = scope_to_institution(rows, world.inst_b, model_admin.institution_paths)
        assert oracle == set(theirs.exclude(pk__in=mine.values("pk")).values_list("pk", flat=True)), model._meta.label
        assert oracle, model._meta.label


def admin_url(model, view: str, *args) -> str:
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def test_every_admin_is_scoped_or_declared_global():
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label
        scoped = isinstance(model_admin, (InstitutionScopedAdmin, EmployerScopedAdmin))
        assert scoped or label in GLOBAL_ADMINS, (
            f"{label}'s admin is neither an InstitutionScopedAdmin, an EmployerScopedAdmin nor declared global: "
            "institution or HR staff could see every institution's or employer's rows"
        )
        if isinstance(model_admin, InstitutionScopedAdmin):
            assert model_admin.institution_paths, f"{label} names no path to its institution"
        if isinstance(model_admin, EmployerScopedAdmin):
            assert model_admin.employer_paths, f"{label} names no path to its employer"


def test_institution_staff_cannot_change_global_data(rf, world: World):
    request = rf.get("/")
    request.user = world.admin_a
    for model, model_admin in admin.site._registry.items():
        if model._meta.label in GLOBAL_ADMINS:
            label = model._meta.label
            assert not model_admin.has_add_permission(request), label
            assert not model_admin.has_change_permission(request), label
            assert not model_admin.has_delete_permission(request), label


@pytest.mark.parametrize("model_label", sorted(m._meta.label for m, _a in scoped_admins()))
def test_another_institutions_rows_are_absent_from_every_admin_view(
    admin_a_client: Client, world: World, model_label: str, django_assert_max_num_queries
):
    model, model_admin = next((m, a) for m, a in scoped_admins() if m._meta.label == model_label)
    rows = foreign_rows(model, model_admin, world)
    assert rows, f"the isolation world gives institution B no {model_label}: extend tests/isolation.py"
    changelist = admin_url(model, "changelist")
    with django_assert_max_num_queries(40):
        listing = admin_a_client.get(changelist)
    assert listing.status_code in (200, 403), model_label
    for row in rows:
        if listing.status_code == 200:
            assert admin_url(model, "change", row.pk) not in listing.content.decode()
        for view in ("change", "delete", "history"):
            response = admin_a_client.get(admin_url(model, view, row.pk))
            assert response.status_code in (403, 404), f"{model_label} {view} of a foreign row: {response.status_code}"
        response = admin_a_client.post(admin_url(model, "delete", row.pk), {"post": "yes"})
        assert response.status_code in (403, 404)
        assert model._default_manager.filter(pk=row.pk).exists()
        # Searching for it or filtering by its id finds nothing either.
        search = admin_a_client.get(changelist, {"q": str(row)[:20]})
        if search.status_code == 200:
            assert admin_url(model, "change", row.pk) not in search.content.decode()


def test_the_change_view_of_another_institutions_trainee_is_a_404(admin_a_client: Client, world: World):
    profile = world.trainee_b.trainee_profile
    response = admin_a_client.get(reverse("admin:accounts_traineeprofile_change", args=[profile.pk]))
    assert response.status_code == 404
    assert admin_a_client.get(reverse("admin:accounts_user_change", args=[world.trainee_b.pk])).status_code == 404


def test_autocomplete_offers_only_own_people(admin_a_client: Client, world: World):
    from courses import services as training
    from tests.factories import CohortFactory, UserFactory

    # People enrolled with A and with B who have no trainee profile yet: only A's may be given one here
    # (who else is offered: tests/accounts/test_trainee_account_choices.py).
    newcomers = {}
    for code, institution in (("a", world.inst_a), ("b", world.inst_b)):
        newcomers[code] = UserFactory(email=f"newcomer-{code}@demo.test")
        training.do_enrol(trainee=newcomers[code], cohort=CohortFactory(institution=institution))
    response = admin_a_client.get(
        reverse("admin:autocomplete"),
        {"app_label": "accounts", "model_name": "traineeprofile", "field_name": "user", "term": "demo.test"},
    )
    assert response.status_code == 200
    ids = {int(r["id"]) for r in response.json()["results"]}
    assert newcomers["a"].pk in ids
    assert newcomers["b"].pk not in ids
    assert world.trainee_b.pk not in ids
    assert world.admin_b.pk not in ids


def test_the_trainee_export_holds_only_own_trainees(admin_a_client: Client, world: World):
    response = admin_a_client.post(
        reverse("admin:accounts_traineeprofile_export"),
        {
            "format": "0",
            "resource": "0",
            **{f"traineeresource_{f}": "on" for f in ("email", "display_name", "employer", "employee_number")},
        },
    )
    assert response.status_code == 200
    body = response.content.decode("utf-8-sig")
    assert world.trainee_a.email in body
    assert world.trainee_b.email not in body


def test_the_program_office_sees_every_institution(client: Client, world: World):
    from accounts.models import User

    office = User.objects.get(email="office@demo.test")
    assert is_program_office(office)
    client.force_login(office)
    for model, model_admin in scoped_admins():
        for row in foreign_rows(model, model_admin, world)[:1]:
            assert client.get(admin_url(model, "change", row.pk)).status_code == 200, model._meta.label


def test_trainees_cannot_reach_admin(client: Client, world: World):
    client.force_login(world.trainee_a)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    assert client.get(reverse("admin:accounts_traineeprofile_changelist")).status_code == 302


def test_institution_admins_cannot_grant_rights(admin_a_client: Client, world: World):
    response = admin_a_client.get(reverse("admin:accounts_user_change", args=[world.trainee_a.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="is_superuser"' not in html and 'name="groups"' not in html and 'name="is_staff"' not in html


@pytest.mark.parametrize("model_label", sorted(m._meta.label for m, _a in scoped_admins()))
def test_the_delete_and_history_pages_of_another_institutions_row_are_a_404(
    admin_a_client: Client, world: World, model_label: str
):
    """Exactly 404, like a row that does not exist, whatever the institution admin may do with
    their own rows of that model (a 403 would say the row is there), for every scoped admin."""
    model, model_admin = next((m, a) for m, a in scoped_admins() if m._meta.label == model_label)
    rows = foreign_rows(model, model_admin, world)
    assert rows, f"the isolation world gives institution B no {model_label}: extend tests/isolation.py"
    for row in rows:
        for view in ("delete", "history"):
            response = admin_a_client.get(admin_url(model, view, row.pk))
            assert response.status_code == 404, f"{model_label} {view} of a foreign row: {response.status_code}"
        response = admin_a_client.post(admin_url(model, "delete", row.pk), {"post": "yes"})
        assert response.status_code == 404, f"{model_label} delete (POST) of a foreign row: {response.status_code}"
        assert model._default_manager.filter(pk=row.pk).exists()


@pytest.mark.parametrize("model_label", sorted(m._meta.label for m, _a in employer_scoped_admins()))
def test_another_employers_rows_are_absent_from_every_admin_view(
    hr_a_client: Client, admin_a_client: Client, world: World, model_label: str, django_assert_max_num_queries
):
    """Employer A's HR staff member is asked for employer B's rows of every employer-owned admin: never listed,
    found, opened or deleted (404, like a row that does not exist). Institution staff see none of them."""
    model, model_admin = next((m, a) for m, a in employer_scoped_admins() if m._meta.label == model_label)
    rows = foreign_employer_rows(model, model_admin, world)
    assert rows, f"the isolation world gives employer B no {model_label}: extend tests/isolation.py"
    changelist = admin_url(model, "changelist")
    with django_assert_max_num_queries(40):
        listing = hr_a_client.get(changelist)
    assert listing.status_code in (200, 403), model_label
    for row in rows:
        if listing.status_code == 200:
            assert admin_url(model, "change", row.pk) not in listing.content.decode()
        for view in ("change", "delete", "history"):
            response = hr_a_client.get(admin_url(model, view, row.pk))
            assert response.status_code == 404, f"{model_label} {view} of a foreign row: {response.status_code}"
        response = hr_a_client.post(admin_url(model, "delete", row.pk), {"post": "yes"})
        assert response.status_code == 404
        assert model._default_manager.filter(pk=row.pk).exists()
        search = hr_a_client.get(changelist, {"q": str(row)[:20]})
        if search.status_code == 200:
            assert admin_url(model, "change", row.pk) not in search.content.decode()
        response = admin_a_client.get(admin_url(model, "change", row.pk))
        assert response.status_code in (403, 404), f"institution staff got {model_label}: {response.status_code}"
    institution_listing = admin_a_client.get(changelist)
    if institution_listing.status_code == 200:
        for row in rows:
            assert admin_url(model, "change", row.pk) not in institution_listing.content.decode()


def test_hr_staff_see_no_institutions_rows(hr_a_client: Client, world: World):
    for model, model_admin in scoped_admins():
        for row in foreign_rows(model, model_admin, world)[:1]:
            assert hr_a_client.get(admin_url(model, "change", row.pk)).status_code in (403, 404), model._meta.label


def _unreferenceable_field(model, model_admin) -> str:
    """A real field of ``model`` that no foreign key targets: a ``_to_field`` naming it is forged."""
    return next(
        f.name
        for f in model._meta.concrete_fields
        if not f.primary_key and not model_admin.to_field_allowed(None, f.name)
    )


@pytest.mark.parametrize(
    "model_label", sorted(m._meta.label for m, _a in [*scoped_admins(), *employer_scoped_admins()])
)
def test_a_to_field_does_not_open_the_delete_page_of_another_owners_row(
    admin_a_client: Client, hr_a_client: Client, rf, world: World, model_label: str
):
    """The delete page read with Django's ``_to_field`` (in the query string or the posted form), for every
    scoped admin, by institution admin A (HR staff A for an employer-owned admin): naming the primary key,
    another owner's row is still exactly a 404, whatever the user may delete of their own (a 403 would say
    it is there); naming a field no foreign key targets is refused as Django refuses it, a 400 reported as
    a suspicious operation, whichever row it names — another owner's, the user's own, or none (issue 23:
    the survivors of ``RowScopedAdmin.delete_view``)."""
    model, model_admin = next(
        (m, a) for m, a in [*scoped_admins(), *employer_scoped_admins()] if m._meta.label == model_label
    )
    employer_owned = isinstance(model_admin, EmployerScopedAdmin)
    client, request = (hr_a_client if employer_owned else admin_a_client), rf.get("/")
    request.user = world.hr_a if employer_owned else world.admin_a
    rows = foreign_rows(model, model_admin, world)
    assert rows, f"the isolation world gives the other owner no {model_label}: extend tests/isolation.py"
    row = rows[0]
    url = admin_url(model, "delete", row.pk)
    pk_name = model._meta.pk.name
    assert client.get(url, {"_to_field": pk_name}).status_code == 404, model_label
    assert client.post(url, {"_to_field": pk_name, "post": "yes"}).status_code == 404, model_label
    forged = _unreferenceable_field(model, model_admin)
    own = model_admin.get_queryset(request).order_by("pk").first()
    for object_id in [row.pk, *([own.pk] if own is not None else []), 987654321]:
        url = admin_url(model, "delete", object_id)
        assert client.get(url, {"_to_field": forged}).status_code == 400, (model_label, object_id)
        assert client.post(url, {"_to_field": forged, "post": "yes"}).status_code == 400, (model_label, object_id)
    assert model._default_manager.filter(pk=row.pk).exists()


def test_a_refused_admin_lookup_is_recorded_with_the_model_the_id_and_the_request(admin_a_client: Client, world: World):
    """Another institution's row answers 404 and leaves a trace for the program office: who asked, by which
    method and path, for which model and id (``RowScopedAdmin._get_obj_does_not_exist_redirect``); a forged
    id of any length is stored cut to the columns (an id to 64 characters, method and path to 500)."""
    from accounts.models import AuditEvent, StaffMembership

    foreign = world.admin_b.staff_membership
    url = admin_url(StaffMembership, "change", foreign.pk)
    assert admin_a_client.get(url).status_code == 404
    event = AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_REFUSED).latest("pk")
    assert event.actor_id == world.admin_a.pk and event.institution_id == world.inst_a.pk
    assert event.summary == f"GET {url}"
    assert event.detail == {"status": 404, "model": "accounts.StaffMembership", "object_id": str(foreign.pk)}
    forged = "9x" * 300
    url = admin_url(StaffMembership, "delete", forged)
    assert admin_a_client.post(url, {"post": "yes"}).status_code == 404
    event = AuditEvent.objects.filter(action=AuditEvent.Action.ACCESS_REFUSED).latest("pk")
    assert event.summary == f"POST {url}"[:500] and len(event.summary) == 500
    assert event.detail == {"status": 404, "model": "accounts.StaffMembership", "object_id": forged[:64]}


def test_a_row_reached_by_several_paths_is_listed_once(rf, world: World):
    """A row can reach the institution along more than one path, or along a to-many path more than once
    (a trainee enrolled twice in its cohorts): the scoped queryset still holds it once (``_scope`` filters
    on a subquery of pks then), for every scoped admin, as the change list and its count show it."""
    request = rf.get("/")
    request.user = world.admin_a
    for model, model_admin in scoped_admins():
        pks = list(model_admin.get_queryset(request).values_list("pk", flat=True))
        assert len(pks) == len(set(pks)), model._meta.label
    request.user = world.hr_a
    for model, model_admin in employer_scoped_admins():
        pks = list(model_admin.get_queryset(request).values_list("pk", flat=True))
        assert len(pks) == len(set(pks)), model._meta.label


def test_the_delete_page_of_a_row_the_user_may_see_and_delete_opens(client: Client, rf, world: World):
    """The look-up that makes another owner's row a 404 finds the rows the user may see: for a superuser,
    the delete page of a row of every scoped admin that lets anyone delete opens, with ``_to_field`` naming
    the primary key too (institution staff may delete none of their rows today)."""
    from tests.factories import UserFactory

    superuser = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(superuser)
    request = rf.get("/")
    request.user = superuser
    opened = []
    for model, model_admin in [*scoped_admins(), *employer_scoped_admins()]:
        row = model_admin.get_queryset(request).order_by("pk").first()
        assert row is not None, model._meta.label
        if not model_admin.has_delete_permission(request, row):
            continue  # a record nobody deletes (enrolments, grades, the trail, …)
        opened.append(model._meta.label)
        url = admin_url(model, "delete", row.pk)
        assert client.get(url).status_code == 200, model._meta.label
        assert client.get(url, {"_to_field": model._meta.pk.name}).status_code == 200, model._meta.label
    assert opened, "no scoped admin lets even a superuser delete: the test checks nothing"
