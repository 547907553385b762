"""Factories shared by every app's tests. Append yours; keep others'."""

import datetime

import factory
from django.utils import timezone

from accounts.models import Employer, Institution, StaffMembership, TraineeProfile, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"person{n}@example.test")
    display_name = factory.Sequence(lambda n: f"王小明{n}")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery-staple")


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    code = factory.Sequence(lambda n: f"inst-{n}")
    name_zh = factory.Sequence(lambda n: f"授權培訓機構{n}")
    name_en = factory.Sequence(lambda n: f"Training Institution {n}")
    authorization_number = factory.Sequence(lambda n: f"BCM-AUTH-{n:04d}")
    authorized_from = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=365))
    authorized_until = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365))


class EmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Employer

    code = factory.Sequence(lambda n: f"bank-{n}")
    name_zh = factory.Sequence(lambda n: f"示範銀行{n}")
    name_en = factory.Sequence(lambda n: f"Demo Bank {n}")


class StaffMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StaffMembership

    user = factory.SubFactory(UserFactory, is_staff=True)
    institution = factory.SubFactory(InstitutionFactory)
    role = StaffMembership.Role.ADMIN


class TraineeProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TraineeProfile

    user = factory.SubFactory(UserFactory)
    employer = factory.SubFactory(EmployerFactory)
    employee_number = factory.Sequence(lambda n: f"E{n:05d}")
