"""Helpers for certification tests: a trainee who has done the hours, and passed courses."""

import pytest

from courses.models import Enrolment
from tests.factories import CertificateFactory, CohortFactory, TraineeProfileFactory, UserFactory, curriculum_of


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    """PDFs go to a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def certificate_to_verify(db):
    """A certificate to look up on the verify page, of Alice Chen (a name the page shows masked)."""
    return CertificateFactory(trainee=UserFactory(display_name="Alice Chen"))


def full_width(text: str) -> str:
    """ASCII letters, digits and '-' as their full-width forms (Ａ, ０, －), as a Chinese keyboard types them."""
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


#: A certificate's statuses in Traditional Chinese, as its PDF writes them (certification.pdf.status_words).
STATUS_LABELS_ZH = {"active": "有效", "expired": "已過期", "suspended": "已暫停", "revoked": "已撤銷"}


@pytest.fixture
def zh_hant_status_labels(monkeypatch):
    """The zh-Hant catalog with the certificate statuses' translations in their context ("certificate
    status"), as locale/ gives them: a page that asks for the plain "active" still reads 啟用."""
    from django.utils.translation import trans_real

    catalog = trans_real.translation("zh-hant")._catalog._catalogs[0]
    for msgid, msgstr in STATUS_LABELS_ZH.items():
        monkeypatch.setitem(catalog, f"certificate status\x04{msgid}", msgstr)


@pytest.fixture
def passed(monkeypatch):
    """Courses passed per trainee id, as the exams app would report them."""
    results: dict[int, set[int]] = {}
    monkeypatch.setattr(
        "certification.selectors.passed_course_ids", lambda trainee_id: set(results.get(trainee_id, set()))
    )
    return results


def completed_enrolment(trainee=None, *, tier="standard", track="retail", state="completed", institution=None):
    curriculum = curriculum_of(tier, track)
    cohort = CohortFactory(curriculum=curriculum, **({"institution": institution} if institution else {}))
    trainee = trainee or TraineeProfileFactory().user
    return Enrolment.objects.create(
        trainee=trainee,
        cohort=cohort,
        curriculum=curriculum,
        state=state,
        teaching_hours_owed=curriculum.teaching_hours,
        teaching_days_owed=curriculum.teaching_days,
        exam_prep_hours_owed=curriculum.exam_prep_hours,
        exam_prep_days_owed=curriculum.exam_prep_days,
    )


def pass_all(passed, enrolment):
    passed.setdefault(enrolment.trainee_id, set()).update(
        enrolment.curriculum.entries.values_list("course_id", flat=True)
    )


def publish_result(trainee, course, cohort, *, passed=True, announce=False):
    """A published exam result as the exams app leaves it (paper, sitting, attempt, result); with
    ``announce``, announced after commit as the grading does (its claimed ``result_published``)."""
    import datetime

    from django.utils import timezone

    from exams.models import Attempt, CourseResult, ExamPaper, Sitting
    from exams.services.grading import RESULT_PUBLISHED

    now = timezone.now()
    paper, _ = ExamPaper.objects.get_or_create(course=course)
    sitting = Sitting.objects.create(
        paper=paper, cohort=cohort, opens_at=now - datetime.timedelta(hours=2), closes_at=now, is_online=True
    )
    attempt = Attempt.objects.create(
        sitting=sitting, paper=paper, trainee=trainee,
        number=Attempt.objects.filter(trainee=trainee, paper=paper).count() + 1,
        seed=1, state="graded", started_at=now - datetime.timedelta(hours=1), deadline=now, submitted_at=now,
    )  # fmt: skip
    result = CourseResult.objects.create(
        attempt=attempt, trainee=trainee, course=course, score=80 if passed else 10, max_score=100,
        percent=80 if passed else 10, passed=passed, published_at=now,
    )  # fmt: skip
    if announce:
        RESULT_PUBLISHED.announce_after_commit(result.pk)
    return result
