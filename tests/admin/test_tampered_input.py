"""Admin input altered by hand (an id that is no number, not a whole one, or beyond 64 bits) is refused in words,
never answered with a server error: the value of every admin form's select that looks it up (an autocomplete
select: "Select a valid choice"; a select of many rows: "not a valid value"), and the rows an action names on
every change list (the list says nothing was changed). And the admin-wide search answers only for the fields a
form searches through it, so what it offers is what the form accepts. Each walks ``admin.site._registry``: a
later app's admins and forms are covered too."""

from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.db.models import ForeignKey, ManyToManyField
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import Institution, User
from accounts.scoping import InstitutionScopedAdmin
from core.admin_input import SELECTION_NOT_VALID
from courses import services as training
from courses.models import Enrolment
from tests.conftest import in_english, logged_in
from tests.factories import CohortFactory, UserFactory
from tests.isolation import World, build_world

pytestmark = pytest.mark.django_db

BAD_IDS = ["abc", "1.5", "99999999999999999999"]  # no number, no whole number, beyond a 64-bit column
NOT_A_CHOICE = "Select a valid choice"
CONFIRMED = {"post": "yes", "apply": "1", "reason": "sweep"}  # what an action's page of its own posts back


@pytest.fixture
def world() -> World:
    return build_world()


@pytest.fixture
def superuser(db: None) -> User:
    return in_english(UserFactory(email="root@example.test", is_staff=True, is_superuser=True))


def as_request(user: User):
    request = RequestFactory().get("/")
    request.user = user
    return request


class FormPage(HTMLParser):
    """An admin page's hidden inputs (management forms) and the names of its selects that look their value up: the
    autocomplete selects, and the selects of many rows."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.hidden: dict[str, str] = {}
        self.autocompletes: list[str] = []
        self.multiples: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "input" and found.get("type") == "hidden" and found.get("name"):
            self.hidden[found["name"]] = found.get("value") or ""
        if tag == "select" and "admin-autocomplete" in (found.get("class") or "").split():
            self.autocompletes.append(found["name"])
        elif tag == "select" and "multiple" in found:
            self.multiples.append(found["name"])

    def posted(self, bad: str) -> dict[str, str]:
        """The page's form sent back with ``bad`` in each of those selects (an inline's blank one made a row)."""
        data = dict(self.hidden)
        for select in self.autocompletes + self.multiples:
            name = select
            if "__prefix__" in select:
                prefix = select.split("-__prefix__-")[0]
                index = int(data.get(f"{prefix}-INITIAL_FORMS", "0"))
                data[f"{prefix}-TOTAL_FORMS"] = str(index + 1)
                name = select.replace("__prefix__", str(index))
            data[name] = bad
        return data


def admin_form_pages(user: User) -> list[str]:
    """Every admin page of a form ``user`` may open without naming a row: each admin's add page and its own pages
    (the enrol page …); and the change page of the first row each admin shows ``user``."""
    request = as_request(user)
    pages = []
    for model, model_admin in admin.site._registry.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}"
        if model_admin.has_add_permission(request):
            pages.append(reverse(f"{name}_add"))
        own = [p for p in model_admin.get_urls() if "<" not in str(p.pattern) and str(p.pattern) not in ("", "add/")]
        pages += [reverse(f"admin:{p.name}") for p in own]
        row = model_admin.get_queryset(request).order_by("pk").first()
        if row is not None and model_admin.has_change_permission(request, row):
            pages.append(reverse(f"{name}_change", args=[row.pk]))
    return pages


def walk_lookup_forms(client: Client, user: User) -> dict[str, list[str]]:
    """Send every admin form with a select that looks its value up back with each bad id in it; the pages and
    selects walked."""
    walked = {}
    with translation.override("en"):
        pages = admin_form_pages(user)
    for page in pages:
        response = client.get(page)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        form = FormPage(response.content.decode())
        if not form.autocompletes + form.multiples:
            continue
        walked[page] = form.autocompletes + form.multiples
        for bad in BAD_IDS:
            answer = client.post(page, form.posted(bad))
            assert answer.status_code == 200, (page, bad, answer.status_code)
            html = answer.content.decode()
            assert not form.autocompletes or NOT_A_CHOICE in html, (page, bad)
            assert not form.multiples or f"“{bad}” is not a valid value" in html, (page, bad)
    return walked


def test_every_select_that_looks_its_value_up_refuses_ids_that_are_no_ids_as_a_superuser(world: World, superuser: User):
    walked = walk_lookup_forms(logged_in(superuser), superuser)
    assert {
        "/en/admin/accounts/traineeprofile/add/",
        "/en/admin/accounts/staffmembership/add/",
        "/en/admin/certification/continuingeducation/add/",
        "/en/admin/courses/enrolment/enrol/",
        "/en/admin/courses/curriculum/add/",  # the inline of its courses
        "/en/admin/auth/group/add/",  # its permissions, many
    } <= set(walked), walked


def test_every_select_that_looks_its_value_up_refuses_ids_that_are_no_ids_as_institution_staff(world: World):
    staff = in_english(world.admin_a)
    walked = walk_lookup_forms(logged_in(staff), staff)
    assert {
        "/en/admin/accounts/traineeprofile/add/",
        "/en/admin/certification/continuingeducation/add/",
        "/en/admin/courses/enrolment/enrol/",
    } <= set(walked), walked


@pytest.mark.parametrize("bad", BAD_IDS)
def test_the_enrol_page_says_so_in_traditional_chinese(institution_admin: User, bad: str):
    answer = logged_in(institution_admin).post("/zh-hant/admin/courses/enrolment/enrol/", {"trainee": bad})
    assert answer.status_code == 200
    with translation.override("zh-hant"):
        message = gettext("Select a valid choice. That choice is not one of the available choices.")
    assert message in answer.content.decode()


def actions_sweep(client: Client, user: User, admins) -> int:
    """Post every action of ``admins`` with each bad id selected; how many were posted."""
    request = as_request(user)
    tried = 0
    with translation.override("en"):
        refused = str(SELECTION_NOT_VALID)
    for model, model_admin in admins:
        with translation.override("en"):
            changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        for action in model_admin.get_actions(request):
            for bad in BAD_IDS:
                # As confirmed (the "delete selected" page's "post", a reason…): Django reads the selection first.
                data = {"action": action, "_selected_action": [bad], "index": 0, **CONFIRMED}
                response = client.post(changelist, data, follow=True)
                assert response.status_code == 200, (model._meta.label, action, bad, response.status_code)
                shown = [str(m) for m in response.context["messages"]]
                assert shown == [refused], (model._meta.label, action, bad, shown)
                tried += 1
    return tried


def test_every_action_of_every_admin_refuses_a_selection_of_ids_that_are_no_ids(superuser: User):
    assert actions_sweep(logged_in(superuser), superuser, admin.site._registry.items()) > 150


def test_every_action_institution_staff_may_take_refuses_ids_that_are_no_ids(world: World):
    staff = in_english(world.admin_a)
    request = as_request(staff)
    theirs = [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, InstitutionScopedAdmin) and model_admin.has_view_or_change_permission(request)
    ]
    assert actions_sweep(logged_in(staff), staff, theirs) > 40


def test_a_selection_with_one_id_that_is_no_id_changes_none_of_the_rows(
    institution: Institution, institution_admin: User, trainee: User
):
    enrolment = training.do_enrol(trainee=trainee, cohort=CohortFactory(institution=institution))
    data = {"action": "approve", "_selected_action": [enrolment.pk, "abc"], "index": 0}
    response = logged_in(in_english(institution_admin)).post("/en/admin/courses/enrolment/", data, follow=True)
    with translation.override("en"):
        assert [str(m) for m in response.context["messages"]] == [str(SELECTION_NOT_VALID)]
    enrolment.refresh_from_db()
    assert enrolment.state == Enrolment.State.PENDING


def relation_fields():
    """(app label, model name, field name) of every foreign key and many-to-many field of a model with a form in
    admin (a registered model, or an inline's) whose target has an admin that searches."""
    models = set(admin.site._registry)
    models |= {inline.model for model_admin in admin.site._registry.values() for inline in model_admin.inlines}
    found = []
    for model in models:
        for field in model._meta.get_fields():
            if isinstance(field, ForeignKey | ManyToManyField):
                target = admin.site._registry.get(field.remote_field.model)
                if target is not None and target.search_fields:
                    found.append((model._meta.app_label, model._meta.model_name, field.name))
    return sorted(found)


def test_the_admin_wide_search_answers_only_for_the_fields_a_form_searches_through_it(superuser: User):
    searched = admin.site.searched_fields(as_request(superuser))
    assert {("accounts", "traineeprofile", "user"), ("courses", "curriculumcourse", "course")} <= searched
    client = logged_in(superuser)
    for app_label, model_name, field_name in relation_fields():
        asked = {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": ""}
        status = client.get(reverse("admin:autocomplete"), asked).status_code
        expected = 200 if (app_label, model_name, field_name) in searched else 403
        assert status == expected, (app_label, model_name, field_name, status)


@pytest.mark.parametrize(
    ("field", "own_search"),
    [
        ("certification.continuingeducation.trainee", "/en/admin/certification/continuingeducation/trainees/"),
        ("courses.enrolment.trainee", "/en/admin/courses/enrolment/enrol/trainees/"),
    ],
)
def test_a_trainee_field_with_a_search_of_its_own_is_not_searched_admin_wide(
    institution_admin: User, trainee: User, field: str, own_search: str
):
    """The admin-wide search would offer the institution's staff too, whom these forms refuse."""
    client = logged_in(institution_admin)
    app_label, model_name, field_name = field.split(".")
    asked = {"app_label": app_label, "model_name": model_name, "field_name": field_name, "term": ""}
    assert client.get(reverse("admin:autocomplete"), asked).status_code == 403
    own = client.get(own_search, {"term": ""})
    assert own.status_code == 200
    assert {int(row["id"]) for row in own.json()["results"]} == {trainee.pk}


def test_a_trainee_profiles_account_is_still_searched_admin_wide(institution_admin: User):
    asked = {"app_label": "accounts", "model_name": "traineeprofile", "field_name": "user", "term": ""}
    assert logged_in(institution_admin).get(reverse("admin:autocomplete"), asked).status_code == 200
