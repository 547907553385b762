"""core.prepared.PreparedRows with an aware datetime among its arguments and a page (limit, offset) as
parameters (issue 20, the HR API's certificate list): the rows of the ORM's slice, the SQL composed once;
a naive datetime, or a datetime the ORM turns into something else, left to the ORM each time."""

import datetime
import warnings

import pytest
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from certification.models import Certificate
from core.prepared import PreparedRows, _Plan
from tests.factories import CertificateFactory

pytestmark = pytest.mark.django_db

T0 = datetime.datetime(2026, 5, 1, 12, 0, 0, 250000, tzinfo=datetime.UTC)


@pytest.fixture
def changed():
    """Seven certificates changed a second apart (two at the same instant)."""
    made = [CertificateFactory() for _ in range(7)]
    for n, certificate in enumerate(made):
        Certificate.objects.filter(pk=certificate.pk).update(updated_at=T0 + datetime.timedelta(seconds=min(n, 5)))
    return made


def since(moment):
    return (
        Certificate.objects.filter(updated_at__gte=moment).order_by("updated_at", "id").values_list("pk", "updated_at")
    )


def plans_of(read: PreparedRows) -> list:
    return [plan for key, plan in connections["default"].__dict__["_core_prepared"].items() if key[0] == read.key]


def test_an_aware_datetime_is_an_argument_of_sql_composed_once(changed):
    read = PreparedRows(since)
    for moment in (
        T0,
        T0 + datetime.timedelta(seconds=2),
        T0.astimezone(datetime.timezone(datetime.timedelta(hours=8))),
    ):
        assert read(moment) == list(since(moment))
    assert read(T0 + datetime.timedelta(seconds=3, microseconds=1)) == list(since(T0 + datetime.timedelta(seconds=4)))
    (plan,) = plans_of(read)
    assert isinstance(plan, _Plan)


def test_a_page_is_the_orms_slice_with_limit_and_offset_as_parameters(changed):
    read = PreparedRows(since)
    for limit, offset in [(3, 0), (3, 3), (3, 6), (2, 1), (10, 0), (1, 6), (0, 0), (5, 9)]:
        with CaptureQueriesContext(connection) as queries:
            assert read(T0, limit=limit, offset=offset) == list(since(T0)[offset : offset + limit])
        assert len(queries) == (2 if limit else 0)  # the read and the ORM's; none for no rows
    assert read(T0) == list(since(T0))  # the whole read: a plan of its own
    plans = plans_of(read)
    assert len(plans) == 2 and all(isinstance(plan, _Plan) for plan in plans)
    assert sum(plan.sql.endswith(" LIMIT %s OFFSET %s") for plan in plans) == 1


def test_a_naive_datetime_is_left_to_the_orm(changed):
    read = PreparedRows(since)
    naive = datetime.datetime(2026, 5, 1, 20, 0, 1)  # the ORM takes it in the default zone, with a warning
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        rows = read(naive, limit=4, offset=0)
    assert any("naive datetime" in str(w.message) for w in caught)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert rows == list(since(naive)[:4])
    assert plans_of(read) == []


def test_a_datetime_the_orm_turns_into_a_date_is_left_to_the_orm(changed):
    read = PreparedRows(
        lambda moment: Certificate.objects.filter(valid_until__gt=moment).order_by("pk").values_list("pk")
    )
    moment = datetime.datetime(2028, 1, 1, 23, 0, tzinfo=datetime.UTC)  # already 2 January in Taipei
    assert read(moment) == list(Certificate.objects.filter(valid_until__gt=moment).order_by("pk").values_list("pk"))
    (plan,) = plans_of(read)
    assert not isinstance(plan, _Plan)


def test_a_page_of_a_sliced_queryset_is_refused():
    read = PreparedRows(lambda pk: Certificate.objects.filter(pk__gte=pk).order_by("pk").values_list("pk")[:5])
    with pytest.raises(TypeError):
        read(1, limit=2, offset=0)
    with pytest.raises(ValueError):
        PreparedRows(since)(T0, limit=-1, offset=0)
