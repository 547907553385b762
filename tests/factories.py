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
    # Hashed as the user is built: no second save after a post-generation hook (factory_boy deprecates it).
    password = factory.django.Password("correct-horse-battery-staple")


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


# --- courses: training delivery (issue 4) ---------------------------------------------------


def curriculum_of(tier: str, track: str | None = None):
    from courses.models import Curriculum

    return Curriculum.objects.select_related("tier", "track").get(tier__code=tier, track__code=track)


class CohortFactory(factory.django.DjangoModelFactory):
    """An open cohort of the standard retail curriculum, under way: it began a week ago (its first day's
    session has been held, so attendance and self-study can be recorded for it) and still takes late
    enrolments, its enrolment window open now (the demo's cohorts too). For a cohort yet to start, give
    ``starts_on`` and ``ends_on``."""

    class Meta:
        model = "courses.Cohort"

    institution = factory.SubFactory(InstitutionFactory)
    curriculum = factory.LazyFunction(lambda: curriculum_of("standard", "retail"))
    code = factory.Sequence(lambda n: f"C-{n:04d}")
    is_online = False
    # An online cohort has no city and no classroom (database constraints).
    city = factory.LazyAttribute(lambda o: "" if o.is_online else "TPE")
    offers_face_to_face = factory.LazyAttribute(lambda o: not o.is_online)
    capacity = 20
    status = "open"
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - datetime.timedelta(days=7))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60))
    enrolment_opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=7))
    enrolment_closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=21))


class TrainingSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "courses.TrainingSession"

    cohort = factory.SubFactory(CohortFactory)
    purpose = "teaching"
    course = factory.LazyAttribute(
        lambda o: o.cohort.curriculum.entries.first().course if o.purpose == "teaching" else None
    )
    mode = "face_to_face"
    # The cohort's first day: inside its dates and, for the factory's cohort, already held (attendance
    # is recorded only from a session's day on). Give held_on for a session yet to come.
    held_on = factory.LazyAttribute(lambda o: o.cohort.starts_on)
    hours = 8
    teacher = "陳老師"
    # A face-to-face session names its place (a live remote one has none): the database refuses it otherwise.
    location = factory.LazyAttribute(lambda o: "" if o.mode == "live_remote" else "301 教室")


class RemoteModuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "courses.RemoteModule"

    cohort = factory.SubFactory(CohortFactory, offers_remote=True)
    purpose = "teaching"
    course = factory.LazyAttribute(
        lambda o: o.cohort.curriculum.entries.first().course if o.purpose == "teaching" else None
    )
    title_zh = factory.Sequence(lambda n: f"線上單元{n}")
    title_en = factory.Sequence(lambda n: f"Online unit {n}")
    hours = 4


# --- certification (issue 6) ----------------------------------------------------------------


class CertificateFactory(factory.django.DjangoModelFactory):
    """An active standard retail certificate issued today by the cohort's institution."""

    class Meta:
        model = "certification.Certificate"

    trainee = factory.SubFactory(UserFactory)
    curriculum = factory.LazyFunction(lambda: curriculum_of("standard", "retail"))
    tier = factory.LazyAttribute(lambda o: o.curriculum.tier)
    track = factory.LazyAttribute(lambda o: o.curriculum.track)
    institution = factory.SubFactory(InstitutionFactory)
    number = factory.Sequence(
        lambda n: __import__("certification.numbers", fromlist=["make_number"]).make_number(
            tier_code="standard", track_code="retail", year=2026, sequence=900000 + n
        )
    )
    issued_on = factory.LazyFunction(timezone.localdate)
    period_starts_on = factory.LazyAttribute(lambda o: o.issued_on)
    valid_until = factory.LazyAttribute(lambda o: o.issued_on.replace(year=o.issued_on.year + 3))
    status_list_index = factory.LazyFunction(
        lambda: __import__("certification.status_list", fromlist=["free_index"]).free_index()
    )
