import pytest

from career.models import GradeChange
from career.services import register
from tests.factories import CertificateFactory, curriculum_of


def certify(user, tier: str = "standard", track: str | None = "retail", **fields):
    """An active certificate of ``tier`` and ``track`` for ``user`` (written directly: issuing is certification's)."""
    curriculum = curriculum_of(tier, track)
    return CertificateFactory(trainee=user, curriculum=curriculum, **fields)


def grade(user, *, manager_class="personal", level="intermediate", by=None, reason=GradeChange.Reason.APPOINTMENT):
    profile = user.trainee_profile
    return register.do_set_grade(
        employer=profile.employer, employee=profile, manager_class=manager_class, level=level, reason=reason, by=by
    )


@pytest.fixture
def graded(trainee, hr_staff):
    """trainee01 at bank-a: a standard retail certificate and the grade personal · intermediate."""
    certificate = certify(trainee)
    return grade(trainee, by=hr_staff), certificate
