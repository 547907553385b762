"""The change page of a session or a remote module reads its trainee records with a fixed number of
queries, however many rows are recorded: each row's trainee, cohort and recorder are read with the rows,
the rows share their parent, and the trainees a new row offers are read once."""

from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from courses import services
from courses.models import Enrolment
from tests.factories import CohortFactory, RemoteModuleFactory, TrainingSessionFactory, UserFactory

pytestmark = pytest.mark.django_db

RECORDED, UNRECORDED = 24, 3


def approved(cohort, number: int) -> Enrolment:
    trainee = UserFactory(display_name=f"學員{number:02d}")
    return services.do_approve_enrolment(enrolment=services.do_enrol(trainee=trainee, cohort=cohort))


@pytest.fixture
def recorded(institution):
    """A session and a remote module of one cohort, each with 24 trainees' records; 3 trainees have none."""
    cohort = CohortFactory(institution=institution, offers_remote=True, capacity=RECORDED + UNRECORDED)
    enrolments = [approved(cohort, n) for n in range(RECORDED + UNRECORDED)]
    session = TrainingSessionFactory(cohort=cohort, hours=Decimal(8))
    services.do_record_session_attendance(
        session=session, hours_by_enrolment=dict.fromkeys(e.pk for e in enrolments[:RECORDED])
    )
    module = RemoteModuleFactory(cohort=cohort, hours=Decimal(4))
    for enrolment in enrolments[:RECORDED]:
        services.do_record_remote_completion(module=module, enrolment=enrolment, completed_on=timezone.localdate())
    return session, module


# As many with 2 recorded rows as with 24 (before the rows were read with their trainees, 24 rows took
# 161): the parent, its form's choices, the records, the trainees without a row, the person's session
# and permissions; and, where the rows are read-only (a module's completions to the institution), which
# of the trainees they link the person may open, all in one query (config.admin.PermittedLinksAdmin).
@pytest.mark.parametrize("who", ["office", "alice"])
@pytest.mark.parametrize(("page", "most"), [("trainingsession", 14), ("remotemodule", 11)])
def test_the_change_page_reads_its_records_in_a_fixed_number_of_queries(
    recorded, request, who, page, most, django_assert_max_num_queries
):
    session, module = recorded
    client: Client = request.getfixturevalue(who)
    url = f"/en/admin/courses/{page}/{(session if page == 'trainingsession' else module).pk}/change/"
    client.get(url)  # the person's session and permissions, as on any page after the first
    with django_assert_max_num_queries(most):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("學員") >= RECORDED
