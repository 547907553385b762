"""The add and change forms of the scoped admins (accounts/scoping.py): the owner field hidden from
staff and stamped on the rows they create, and the choices of every foreign key limited to the user's
institution or employer — and not limited for the program office (issue 23: mutation survivors)."""

import pytest
from django.contrib import admin

from accounts.models import Employer, EmployerMembership, Institution, StaffMembership, TraineeProfile, User
from career.models import (
    AuthorityTable,
    ComplianceEvent,
    Evaluation,
    EvaluationPeriod,
    GradeChange,
    ManagerGrade,
)
from tests.conftest import make_program_office
from tests.factories import UserFactory
from tests.isolation import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(db):
    return make_program_office(email="office-forms@demo.test")


def request_of(rf, user):
    request = rf.get("/")
    request.user = user
    return request


def choices(rf, user, model, field):
    model_admin = admin.site._registry[model]
    formfield = model_admin.formfield_for_foreignkey(model._meta.get_field(field), request_of(rf, user))
    return set(formfield.queryset.values_list("pk", flat=True))


def test_the_institution_field_is_hidden_from_institution_staff_only(rf, world: World, office):
    staff_admin = admin.site._registry[StaffMembership]
    assert "institution" in staff_admin.get_exclude(request_of(rf, world.admin_a))
    assert "institution" not in staff_admin.get_exclude(request_of(rf, office))
    # An admin without an owner field hides nothing more.
    assert None not in admin.site._registry[Institution].get_exclude(request_of(rf, world.admin_a))


def test_a_row_institution_staff_create_is_stamped_with_their_institution(rf, world: World, office):
    staff_admin = admin.site._registry[StaffMembership]
    created = StaffMembership(user=UserFactory(), institution=world.inst_b, role=StaffMembership.Role.GRADER)
    staff_admin.save_model(request_of(rf, world.admin_a), created, None, False)
    assert StaffMembership.objects.get(pk=created.pk).institution == world.inst_a
    # A change keeps the row's institution; the program office chooses it.
    changed = StaffMembership.objects.create(user=UserFactory(), institution=world.inst_b, role="grader")
    staff_admin.save_model(request_of(rf, world.admin_a), changed, None, True)
    assert StaffMembership.objects.get(pk=changed.pk).institution == world.inst_b
    by_office = StaffMembership(user=UserFactory(), institution=world.inst_b, role=StaffMembership.Role.GRADER)
    staff_admin.save_model(request_of(rf, office), by_office, None, False)
    assert StaffMembership.objects.get(pk=by_office.pk).institution == world.inst_b


def test_the_institution_choices_are_the_users_own_or_every_one_for_the_office(rf, world: World, office):
    assert choices(rf, world.admin_a, StaffMembership, "institution") == {world.inst_a.pk}
    assert choices(rf, office, StaffMembership, "institution") == set(Institution.objects.values_list("pk", flat=True))
    assert choices(rf, world.hr_a, StaffMembership, "institution") == set()  # no institution: none


def test_the_employer_field_is_hidden_from_hr_staff_and_nothing_else_is(rf, world: World, office):
    assert "employer" in admin.site._registry[AuthorityTable].get_exclude(request_of(rf, world.hr_a))
    assert "employer" not in admin.site._registry[AuthorityTable].get_exclude(request_of(rf, office))
    assert None not in admin.site._registry[EmployerMembership].get_exclude(request_of(rf, world.hr_a))


def test_hr_staff_save_a_row_of_an_admin_without_an_employer_field(rf, world: World):
    membership = EmployerMembership(user=UserFactory(), employer=world.emp_a)
    admin.site._registry[EmployerMembership].save_model(request_of(rf, world.hr_a), membership, None, False)
    assert EmployerMembership.objects.get(pk=membership.pk).employer == world.emp_a


def test_the_employer_choices_are_hr_staffs_own_none_for_institutions_every_one_for_the_office(
    rf, world: World, office
):
    every = set(Employer.objects.values_list("pk", flat=True))
    assert choices(rf, world.hr_a, AuthorityTable, "employer") == {world.emp_a.pk}
    assert choices(rf, office, AuthorityTable, "employer") == every and len(every) >= 2
    assert choices(rf, world.admin_a, AuthorityTable, "employer") == set()


def test_the_employee_choices_are_hr_staffs_employees_and_every_one_for_the_office(rf, world: World, office):
    own = set(TraineeProfile.objects.filter(employer=world.emp_a).values_list("pk", flat=True))
    assert own and choices(rf, world.hr_a, ManagerGrade, "employee") == own
    assert choices(rf, office, ManagerGrade, "employee") == set(TraineeProfile.objects.values_list("pk", flat=True))


def test_a_foreign_key_to_another_employer_scoped_model_offers_only_the_employers_rows(rf, world: World):
    own = set(EvaluationPeriod.objects.filter(scheme__employer=world.emp_a).values_list("pk", flat=True))
    theirs = set(EvaluationPeriod.objects.filter(scheme__employer=world.emp_b).values_list("pk", flat=True))
    assert theirs, "the isolation world gives employer B no evaluation period"
    offered = choices(rf, world.hr_a, Evaluation, "period")
    assert offered == own and not offered & theirs


def test_a_superuser_sees_every_register_row_and_the_office_only_where_the_admin_says_so(rf, world: World, office):
    superuser = UserFactory(is_staff=True, is_superuser=True)
    tables = admin.site._registry[AuthorityTable]  # office_sees_rows off
    every_table = set(AuthorityTable.objects.values_list("pk", flat=True))
    assert every_table
    assert set(tables.get_queryset(request_of(rf, superuser)).values_list("pk", flat=True)) == every_table
    assert not tables.get_queryset(request_of(rf, office)).exists()
    memberships = admin.site._registry[EmployerMembership]  # office_sees_rows on
    every_membership = set(EmployerMembership.objects.values_list("pk", flat=True))
    assert set(memberships.get_queryset(request_of(rf, office)).values_list("pk", flat=True)) == every_membership


def test_an_inactive_or_anonymous_user_has_no_employer(world: World):
    from django.contrib.auth.models import AnonymousUser

    from accounts.scoping import employer_of

    assert employer_of(world.hr_a) == world.emp_a
    world.hr_a.is_active = False
    assert employer_of(world.hr_a) is None
    assert employer_of(AnonymousUser()) is None
    assert employer_of(object()) is None  # not a user at all (a task's stand-in)


def test_an_admin_that_leaves_the_choices_to_the_scoping_offers_only_the_employers_grades(rf, world: World):
    """The grade of a grade change or a compliance event: their admins choose nothing themselves, so the
    scoping's own choices are what HR staff are offered (EvaluationAdmin above chooses its periods itself)."""
    employee = TraineeProfile.objects.filter(employer=world.emp_a).first()
    ManagerGrade.objects.create(employer=world.emp_a, employee=employee, manager_class="personal", level="junior")
    own = set(ManagerGrade.objects.filter(employer=world.emp_a).values_list("pk", flat=True))
    theirs = set(ManagerGrade.objects.filter(employer=world.emp_b).values_list("pk", flat=True))
    assert theirs, "the isolation world gives employer B no manager grade"
    for model in (GradeChange, ComplianceEvent):
        assert choices(rf, world.hr_a, model, "grade") == own, model._meta.label


def test_the_employee_choices_are_read_in_one_query_however_many_employees(rf, world: World, django_assert_num_queries):
    """The labels of the employee choices (a trainee profile reads as its person) come with the choices:
    one query for a bank of any size, not one more per employee."""
    own = TraineeProfile.objects.filter(employer=world.emp_a)
    assert own.count() >= 1
    formfield = admin.site._registry[Evaluation].formfield_for_foreignkey(
        Evaluation._meta.get_field("employee"), request_of(rf, world.hr_a)
    )
    with django_assert_num_queries(1):
        labels = [label for _value, label in formfield.choices][1:]  # after the empty choice
    assert labels and all(labels)


def test_a_request_whose_user_is_not_a_user_sees_no_register_row(rf, world: World):
    """A stand-in for a user (a task's, a script's) is nobody: no row, no employer (``_sees_every_row``
    reads ``is_superuser`` as absent, not as an error or as yes)."""
    request = rf.get("/")
    request.user = object()
    for model in (AuthorityTable, EmployerMembership):  # office_sees_rows off and on
        assert not admin.site._registry[model].get_queryset(request).exists(), model._meta.label


def test_a_many_to_many_field_of_a_scoped_admin_keeps_what_django_passes_for_it(rf, world: World, office):
    """Django hands ``formfield_for_manytomany`` the form's widgets, labels and help texts and the admin's
    ``formfield_overrides``; the scoping adds its choices and passes the rest on."""
    groups = User._meta.get_field("groups")
    formfield = admin.site._registry[User].formfield_for_manytomany(
        groups, request_of(rf, office), help_text="chosen for this form", label="Roles"
    )
    assert formfield.label == "Roles" and formfield.help_text.startswith("chosen for this form")


def test_who_is_the_program_office_institution_staff_or_a_teacher(world: World, office, django_assert_num_queries):
    """The three questions every scoped admin asks (issue 23: the survivors of ``is_program_office``,
    ``institution_of`` and ``teacher_membership_of``): a superuser is the program office without its group,
    an inactive member is not, nor is anyone who is not a signed-in user; the answer is asked of the
    database once per user object; only a teacher's membership is a teacher's."""
    from django.contrib.auth.models import AnonymousUser

    from accounts.scoping import institution_of, is_program_office, teacher_membership_of
    from tests.conftest import make_staff

    assert is_program_office(UserFactory(is_staff=True, is_superuser=True))
    fresh = User.objects.get(pk=office.pk)
    with django_assert_num_queries(1):
        assert is_program_office(fresh) and is_program_office(fresh)
    assert not is_program_office(User.objects.get(pk=world.admin_a.pk))
    inactive = User.objects.get(pk=office.pk)
    inactive.is_active = False
    assert not is_program_office(inactive)
    for nobody in (AnonymousUser(), object()):
        assert not is_program_office(nobody)
        assert institution_of(nobody) is None and teacher_membership_of(nobody) is None
    assert institution_of(world.admin_a) == world.inst_a and institution_of(office) is None
    teacher = make_staff(world.inst_a, role=StaffMembership.Role.TEACHER)
    assert teacher_membership_of(teacher) == teacher.staff_membership
    assert teacher_membership_of(world.admin_a) is None and teacher_membership_of(office) is None
