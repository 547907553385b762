"""core.prepared.PreparedRows gives exactly the rows of its queryset's values_list, composing the SQL once per
connection; a read it cannot prepare (a marker transformed, None, no SQL) is left to the ORM each time."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from certification.models import Certificate, ContinuingEducation
from core.prepared import PreparedRows
from tests.factories import CertificateFactory, UserFactory, curriculum_of

pytestmark = pytest.mark.django_db

COLUMNS = ("pk", "number", "status", "issued_on", "valid_until", "tier__code", "track__code", "institution__name_en")


def by_trainee(trainee_id):
    return Certificate.objects.filter(trainee_id=trainee_id).order_by("pk").values_list(*COLUMNS)


def test_the_rows_are_the_querysets_dates_decimals_and_nulls_converted_as_the_orm_does(institution):
    certificate = CertificateFactory()
    CertificateFactory(trainee=certificate.trainee, curriculum=curriculum_of("assistant"), track=None)
    CertificateFactory()  # someone else's
    ContinuingEducation.objects.create(
        trainee=certificate.trainee, institution=institution, title="Seminar", completed_on=datetime.date(2026, 3, 1),
        hours=Decimal("2.5"), status="confirmed",
    )  # fmt: skip
    read = PreparedRows(by_trainee)
    first = read(certificate.trainee_id)
    assert first == list(by_trainee(certificate.trainee_id)) and len(first) == 2
    assert isinstance(first[0][3], datetime.date) and first[1][6] is None
    assert read(certificate.trainee_id) == first  # prepared this time
    hours = PreparedRows(
        lambda trainee_id, status: ContinuingEducation.objects.filter(trainee_id=trainee_id, status=status).values_list(
            "hours", "completed_on", "title"
        )
    )
    assert hours(certificate.trainee_id, "confirmed") == [(Decimal("2.5"), datetime.date(2026, 3, 1), "Seminar")]
    assert hours(certificate.trainee_id, "pending") == []


def test_the_sql_is_composed_once_per_connection_and_each_call_binds_its_own_values():
    mine, theirs = CertificateFactory(), CertificateFactory()
    read = PreparedRows(by_trainee)
    read(mine.trainee_id)
    plans = connections["default"].__dict__["_core_prepared"]
    (plan,) = [value for key, value in plans.items() if key[0] == read.key]
    with CaptureQueriesContext(connection) as queries:
        assert [row[0] for row in read(theirs.trainee_id)] == [theirs.pk]
        assert [row[0] for row in read(mine.trainee_id)] == [mine.pk]
    assert len(queries) == 2
    assert [value for key, value in plans.items() if key[0] == read.key] == [plan]


def test_a_subquery_and_a_string_argument_and_a_limit():
    certificate = CertificateFactory()
    read = PreparedRows(
        lambda email, number: Certificate.objects.filter(
            trainee_id__in=type(certificate.trainee).objects.filter(email=email).values("pk"), number=number
        ).values_list("pk")[:1]
    )
    assert read(certificate.trainee.email, certificate.number) == [(certificate.pk,)]
    assert read(certificate.trainee.email, "BCM-NO-SUCH") == []
    assert read("nobody@example.test", certificate.number) == []


def test_what_cannot_be_prepared_is_read_by_the_orm_each_time():
    certificate = CertificateFactory(number="BCM-STD-R-2026-000123-K")
    contains = PreparedRows(lambda part: Certificate.objects.filter(number__contains=part).values_list("pk"))
    assert contains("000123") == [(certificate.pk,)] and contains("999") == []
    by_track = PreparedRows(lambda track: Certificate.objects.filter(track_id=track).values_list("pk"))
    assert by_track(None) == list(Certificate.objects.filter(track_id=None).values_list("pk"))  # IS NULL
    assert by_track(certificate.track_id) == [(certificate.pk,)]
    nothing = PreparedRows(lambda pk: Certificate.objects.filter(pk__in=[]).values_list("pk"))
    assert nothing(certificate.pk) == []


def test_model_instances_with_their_related_rows_and_annotations_as_the_queryset_gives_them():
    from django.db.models import F

    certificate = CertificateFactory()
    CertificateFactory(trainee=certificate.trainee, curriculum=curriculum_of("assistant"), track=None)

    def mine(trainee_id):
        return (
            Certificate.objects.filter(trainee_id=trainee_id)
            .select_related("tier", "track", "institution")
            .annotate(tier_level=F("tier__level"))
            .order_by("pk")
        )

    read = PreparedRows(mine)
    for _ in range(2):  # composed, then prepared
        expected, got = list(mine(certificate.trainee_id)), read(certificate.trainee_id)
        assert [type(c) for c in got] == [Certificate, Certificate] and got == expected
        for a, b in zip(expected, got, strict=True):
            assert {f.attname: getattr(a, f.attname) for f in Certificate._meta.concrete_fields} == {
                f.attname: getattr(b, f.attname) for f in Certificate._meta.concrete_fields
            }
            assert b.tier_level == a.tier_level and not b._state.adding and b._state.db == "default"
            with CaptureQueriesContext(connection) as queries:
                assert (b.tier, b.track, b.institution) == (a.tier, a.track, a.institution)
                assert b.tier.name == a.tier.name and (b.track is None) == (a.track is None)
            assert len(queries) == 0  # selected with the row


def test_prefetching_is_refused():
    read = PreparedRows(lambda pk: Certificate.objects.filter(pk=pk).prefetch_related("history"))
    with pytest.raises(TypeError):
        read(UserFactory().pk)


def test_each_time_zone_has_its_own_sql():
    certificate = CertificateFactory()
    on_day = PreparedRows(
        lambda trainee_id: Certificate.objects.filter(
            trainee_id=trainee_id, updated_at__date=timezone.localdate(certificate.updated_at)
        ).values_list("pk")
    )
    assert on_day(certificate.trainee_id) == [(certificate.pk,)]
    with timezone.override("UTC"):
        assert on_day(certificate.trainee_id) == list(
            Certificate.objects.filter(
                trainee_id=certificate.trainee_id, updated_at__date=timezone.localdate(certificate.updated_at)
            ).values_list("pk")
        )


def test_a_date_argument_on_each_database(institution):
    """PostgreSQL takes a date as it is (prepared); SQLite as text (left to the ORM): the same rows either way."""
    trainee = UserFactory()
    for day, hours, status in [(1, "2.5", "confirmed"), (10, "6.0", "confirmed"), (20, "3.0", "confirmed"),
                               (10, "9.0", "pending")]:  # fmt: skip
        ContinuingEducation.objects.create(
            trainee=trainee, institution=institution, title="x", completed_on=datetime.date(2026, 3, day),
            hours=Decimal(hours), status=status,
        )  # fmt: skip
    between = PreparedRows(
        lambda trainee_id, start, end: (
            ContinuingEducation.objects.filter(trainee_id=trainee_id, completed_on__gte=start, completed_on__lte=end)
            .order_by("completed_on", "pk")
            .values_list("hours")
        )
    )
    for _ in range(2):
        assert between(trainee.pk, datetime.date(2026, 3, 5), datetime.date(2026, 3, 20)) == [
            (Decimal("6.0"),),
            (Decimal("9.0"),),
            (Decimal("3.0"),),
        ]
        assert between(trainee.pk, datetime.date(2026, 4, 1), datetime.date(2026, 4, 30)) == []


def test_the_confirmed_hours_of_a_period_are_the_sum_the_orm_aggregates(institution):
    from django.db.models import Sum

    from certification.selectors import ce_hours

    trainee, other = UserFactory(), UserFactory()
    for person, day, hours, status in [(trainee, 1, "2.5", "confirmed"), (trainee, 10, "6.0", "confirmed"),
                                       (trainee, 20, "3.0", "confirmed"), (trainee, 10, "9.0", "pending"),
                                       (other, 10, "7.0", "confirmed")]:  # fmt: skip
        ContinuingEducation.objects.create(
            trainee=person, institution=institution, title="x", completed_on=datetime.date(2026, 3, day),
            hours=Decimal(hours), status=status,
        )  # fmt: skip
    periods = [(1, 31), (5, 20), (10, 10), (21, 31), (2, 9)]
    for _ in range(2):
        for first, last in periods:
            start, end = datetime.date(2026, 3, first), datetime.date(2026, 3, last)
            expected = ContinuingEducation.objects.filter(
                trainee=trainee, status="confirmed", completed_on__gte=start, completed_on__lte=end
            ).aggregate(total=Sum("hours"))["total"] or Decimal(0)
            got = ce_hours(trainee_id=trainee.pk, start=start, end=end)
            assert got == expected and str(got) == str(expected)
    assert ce_hours(trainee_id=UserFactory().pk, start=datetime.date(2026, 1, 1), end=datetime.date(2026, 12, 31)) == 0
