"""Reads of certification: eligibility, certificates, continuing-education hours."""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet, Sum

from accounts.bilingual import in_current_language
from accounts.models import User
from core.display import choice_label
from core.prepared import PreparedRows
from courses import selectors as course_selectors
from courses.models import Curriculum, Enrolment
from exams import selectors as exam_selectors

from .models import CECourse, CEEnrolment, Certificate, ContinuingEducation


def passed_course_ids(trainee_id: int) -> set[int]:
    """Courses the trainee has a passed exam in (at any tier: the exam subjects are national)."""
    return set(exam_selectors.passed_course_ids(trainee_id))


def current_certificate(*, trainee_id: int, curriculum_id: int) -> Certificate | None:
    return Certificate.objects.filter(
        trainee_id=trainee_id, curriculum_id=curriculum_id, status__in=Certificate.CURRENT_STATES
    ).first()


def curricula_in_progress(*, trainee_id: int) -> list[int]:
    """Curricula of the trainee's approved, in-training or completed enrolments."""
    return list(
        Enrolment.objects.filter(
            trainee_id=trainee_id,
            state__in=Enrolment.ADMITTED_STATES,
        )
        .values_list("curriculum_id", flat=True)
        .distinct()
    )


def qualifying_enrolment(*, trainee_id: int, curriculum: Curriculum) -> Enrolment | None:
    """The enrolment that earns ``curriculum``'s certificate, or None.

    Earned when every course of the curriculum has a passed exam and the hours the enrolment
    owes are attended (a completed enrolment counts as attended).
    """
    needed = set(curriculum.entries.values_list("course_id", flat=True))
    if not needed or not needed <= passed_course_ids(trainee_id):
        return None
    enrolments = list(
        Enrolment.objects.filter(
            trainee_id=trainee_id,
            curriculum=curriculum,
            state__in=Enrolment.ADMITTED_STATES,
        )
        .select_related("cohort__institution")
        .order_by("-state", "-pk")
    )
    for enrolment in enrolments:
        if enrolment.state == Enrolment.State.COMPLETED:
            return enrolment
    progress = course_selectors.progress_of_many(enrolments)
    for enrolment in enrolments:
        if progress[enrolment.pk].complete:
            return enrolment
    return None


def ce_hours(*, trainee_id: int, start: datetime.date, end: datetime.date) -> Decimal:
    rows = _CE_HOURS(trainee_id, start, end)
    return (rows[0][0] if rows else None) or Decimal(0)


# The confirmed hours' sum, by SQL composed once per connection (core.prepared): My certificates reads it for
# every current certificate (issue 20). One row (the trainee's), or none without confirmed hours in the period.
_CE_HOURS = PreparedRows(
    lambda trainee_id, start, end: (
        ContinuingEducation.objects.filter(
            trainee_id=trainee_id,
            status=ContinuingEducation.Status.CONFIRMED,
            completed_on__gte=start,
            completed_on__lte=end,
        )
        .order_by()
        .values("trainee_id")
        .annotate(total=Sum("hours"))
        .values_list("total")
    )
)


def with_catalog(queryset: QuerySet[Certificate] | None = None) -> QuerySet[Certificate]:
    queryset = Certificate.objects.all() if queryset is None else queryset
    return queryset.select_related("trainee", "tier", "track", "institution")


def certificates_of(trainee: User) -> QuerySet[Certificate]:
    return with_catalog(Certificate.objects.filter(trainee=trainee))


# --- My certificates (issue 20): its rows as values, by SQL composed once per connection (core.prepared) --


@dataclass
class MyCertificate:
    """A certificate as My certificates shows it; ``ce_done`` is set by the page for a current one."""

    pk: int
    trainee_id: int
    number: str
    status: str
    status_reason: str
    issued_on: datetime.date
    period_starts_on: datetime.date
    valid_until: datetime.date
    verification_code: str
    certificate_name: str
    track_name: str | None
    institution_name: str
    ce_done: Decimal | None = None

    @property
    def is_current(self) -> bool:
        return self.status in Certificate.CURRENT_STATES

    def get_status_display(self) -> str:
        return choice_label(Certificate.Status, self.status)

    def as_certificate(self) -> Certificate:
        """An unsaved Certificate with what the continuing-education rules read (holder, period)."""
        return Certificate(
            pk=self.pk,
            trainee_id=self.trainee_id,
            status=self.status,
            period_starts_on=self.period_starts_on,
            valid_until=self.valid_until,
        )


_MY_CERTIFICATES = PreparedRows(
    lambda trainee_id: Certificate.objects.filter(trainee_id=trainee_id)
    .values_list(
        "pk", "trainee_id", "number", "status", "status_reason", "issued_on", "period_starts_on", "valid_until",
        "verification_code", "tier__certificate_name_zh", "tier__certificate_name_en", "track__name_zh",
        "track__name_en", "institution__name_zh", "institution__name_en",
    )
)  # fmt: skip


def my_certificates(trainee_id: int) -> list[MyCertificate]:
    """``certificates_of`` as My certificates shows them, in the same order."""
    certificates = []
    for row in _MY_CERTIFICATES(trainee_id):
        (pk, trainee, number, status, reason, issued_on, period_starts_on, valid_until, code, certificate_zh,
         certificate_en, track_zh, track_en, institution_zh, institution_en) = row  # fmt: skip
        certificates.append(
            MyCertificate(
                pk=pk,
                trainee_id=trainee,
                number=number,
                status=status,
                status_reason=reason,
                issued_on=issued_on,
                period_starts_on=period_starts_on,
                valid_until=valid_until,
                verification_code=code,
                certificate_name=in_current_language(certificate_zh, certificate_en),
                track_name=None if track_zh is None else in_current_language(track_zh, track_en),
                institution_name=in_current_language(institution_zh, institution_en),
            )
        )
    return certificates


@dataclass(frozen=True)
class MyActivity:
    """A continuing-education activity as My certificates lists it (a course's title when it came from one)."""

    title: str
    institution_name: str
    completed_on: datetime.date
    hours: Decimal
    status: str

    def get_status_display(self) -> str:
        return choice_label(ContinuingEducation.Status, self.status)


_MY_ACTIVITIES = PreparedRows(
    lambda trainee_id: ContinuingEducation.objects.filter(trainee_id=trainee_id)
    .values_list(
        "title", "completed_on", "hours", "status", "institution__name_zh", "institution__name_en", "ce_enrolment__pk",
        "ce_enrolment__course__title_zh", "ce_enrolment__course__title_en",
    )[:50]
)  # fmt: skip


def my_activities(trainee_id: int) -> list[MyActivity]:
    """The trainee's continuing-education activities as My certificates lists them: the latest 50."""
    activities = []
    for row in _MY_ACTIVITIES(trainee_id):
        title, completed_on, hours, status, institution_zh, institution_en, enrolment, course_zh, course_en = row
        activities.append(
            MyActivity(
                title=title if enrolment is None else in_current_language(course_zh, course_en),
                institution_name=in_current_language(institution_zh, institution_en),
                completed_on=completed_on,
                hours=hours,
                status=status,
            )
        )
    return activities


@dataclass(frozen=True)
class MyCEEnrolment:
    """A continuing-education enrolment as My certificates lists it."""

    pk: int
    state: str
    hours_attended: Decimal | None
    course_title: str
    institution_name: str
    starts_on: datetime.date
    ends_on: datetime.date

    def get_state_display(self) -> str:
        return choice_label(CEEnrolment.State, self.state)


_MY_CE_ENROLMENTS = PreparedRows(
    lambda holder_id: CEEnrolment.objects.filter(holder_id=holder_id)
    .values_list(
        "pk", "state", "hours_attended", "course__title_zh", "course__title_en", "course__institution__name_zh",
        "course__institution__name_en", "course__starts_on", "course__ends_on",
    )[:50]
)  # fmt: skip


def my_ce_enrolments(holder_id: int) -> list[MyCEEnrolment]:
    """``ce_enrolments_of(holder)[:50]`` as rows."""
    enrolments = []
    for row in _MY_CE_ENROLMENTS(holder_id):
        pk, state, hours, title_zh, title_en, institution_zh, institution_en, starts_on, ends_on = row
        enrolments.append(
            MyCEEnrolment(
                pk=pk,
                state=state,
                hours_attended=hours,
                course_title=in_current_language(title_zh, title_en),
                institution_name=in_current_language(institution_zh, institution_en),
                starts_on=starts_on,
                ends_on=ends_on,
            )
        )
    return enrolments


@dataclass(frozen=True)
class Verification:
    """What the public verification page may show of a certificate, the holder's name already masked.

    Found by its number alone (``found_by_code`` False), the page shows its validity only: the holder, the
    institution and the dates need the holder's name as well (:func:`holder_named`) or the verification code. The
    holder's name in full is kept for that check only, in a field a template cannot read (a leading underscore)."""

    pk: int
    trainee_id: int
    number: str
    status: str
    issued_on: datetime.date
    valid_until: datetime.date
    certificate_name: str
    tier_name: str
    track_name: str | None
    institution_name: str
    holder: str
    found_by_code: bool = False
    _holder_name: str = field(default="", repr=False, compare=False)

    def get_status_display(self) -> str:
        return str(Certificate.Status(self.status).label)


def name_forms(name: str) -> tuple[str, str]:
    """How a person's name is compared when a verifier types it: its letters in order, without spaces or
    punctuation (王 小明 is 王小明, Alice-Chen. is alicechen), and its words in any order (Chen Alice is Alice Chen);
    NFKC and case-folded first (full-width letters and spaces as the ordinary ones)."""
    words = re.findall(r"[^\W_]+", unicodedata.normalize("NFKC", name or "").casefold())
    return "".join(words), " ".join(sorted(words))


def holder_named(certificate: Verification, name: str) -> bool:
    """Whether ``name`` (as a verifier typed it from the certificate) is the name of ``certificate``'s holder."""
    typed, holder = name_forms(name), name_forms(certificate._holder_name)
    return bool(typed[0]) and (typed[0] == holder[0] or typed[1] == holder[1])


_VERIFICATION_COLUMNS = (
    "pk", "trainee_id", "number", "status", "issued_on", "valid_until", "tier__certificate_name_zh",
    "tier__certificate_name_en", "tier__name_zh", "tier__name_en", "track__name_zh", "track__name_en",
    "institution__name_zh", "institution__name_en", "trainee__display_name",
)  # fmt: skip


def verification_by_code(code: str) -> Verification | None:
    """The certificate of a verification code as the public page shows it: the code exactly as stored (a code
    issued before ``numbers.new_code``, whose case counts, is found so only), else the new code it reads as in
    any case, without dashes or spaces, O as 0, I and L as 1 (``numbers.canonical_code``). The two never meet: a
    new code is 20 characters of Crockford's base32, an earlier one 22 of base64, so no folding of what was typed
    finds an earlier code other than the one typed exactly."""
    from .numbers import canonical_code

    if not code:
        return None
    if len(code) <= 40 and (rows := _VERIFICATION_BY_CODE(code)):
        return _verification(rows, by_code=True)
    canonical = canonical_code(code)
    if canonical is None or canonical == code:
        return None
    return _verification(_VERIFICATION_BY_CODE(canonical), by_code=True)


def verification_by_number(number: str) -> Verification | None:
    """The certificate of a number as a person typed it from paper (``numbers.canonical_number``). Numbers are
    sequential, so one found so shows its validity only (:class:`Verification`)."""
    from .numbers import canonical_number

    canonical = canonical_number(number)
    if canonical is None:
        return None
    return _verification(_VERIFICATION_BY_NUMBER(canonical))


def verification_by_typed(text: str) -> Verification | None:
    """The certificate of what the verify form was given (``numbers.typed``): its number, in any case and with
    look-alike characters read as meant, else its verification code (``verification_by_code``). A new code is
    20 characters and a number 18 without its dashes: neither reads as the other. An earlier code (random base64)
    reads as a number only by a negligible chance, and is then still looked up if no certificate has that number."""
    return verification_by_number(text) or verification_by_code(text)


# The columns the page shows only, in one query composed once (core.prepared) and no model instance: the
# five rows of ``with_catalog``, the holder's account among them, were half of the page's work (issue 20).
_VERIFICATION_BY_CODE = PreparedRows(
    lambda code: Certificate.objects.filter(verification_code=code).order_by().values_list(*_VERIFICATION_COLUMNS)[:1]
)
_VERIFICATION_BY_NUMBER = PreparedRows(
    lambda number: Certificate.objects.filter(number=number).order_by().values_list(*_VERIFICATION_COLUMNS)[:1]
)


def _verification(rows: list[tuple[Any, ...]], *, by_code: bool = False) -> Verification | None:
    if not rows:
        return None  # the number and the code are unique
    (pk, trainee_id, number, status, issued_on, valid_until, certificate_zh, certificate_en, tier_zh, tier_en,
     track_zh, track_en, institution_zh, institution_en, holder) = rows[0]  # fmt: skip
    return Verification(
        pk=pk,
        trainee_id=trainee_id,
        number=number,
        status=status,
        issued_on=issued_on,
        valid_until=valid_until,
        certificate_name=in_current_language(certificate_zh, certificate_en),
        tier_name=in_current_language(tier_zh, tier_en),
        track_name=None if track_zh is None else in_current_language(track_zh, track_en),
        institution_name=in_current_language(institution_zh, institution_en),
        holder=mask_name(holder),
        found_by_code=by_code,
        _holder_name=holder or "",
    )


def can_download(user: User | AnonymousUser, certificate: Certificate) -> bool:
    """The holder, their institution's staff (issuing or the cohort's) and the program office."""
    from accounts.scoping import institution_of, is_program_office

    if not getattr(user, "is_authenticated", False):
        return False
    if certificate.trainee_id == user.pk or is_program_office(user):
        return True
    institution = institution_of(user)
    return institution is not None and institution.pk == certificate.institution_id


def mask_name(name: str) -> str:
    """王小明 → 王*明, 王明 → 王*, Alice Chen → A**** C***: enough to recognise, not to harvest."""
    name = (name or "").strip()
    if not name:
        return ""
    if " " in name:
        return " ".join(part[0] + "*" * (len(part) - 1) for part in name.split())
    if len(name) <= 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def self_report_institutions() -> tuple[tuple[int, str, str], ...]:
    """The institutions ``forms.SelfReportForm`` offers, in its order: id and both names (one query)."""
    return tuple(_SELF_REPORT_INSTITUTIONS())


def _active_institutions() -> QuerySet[Any, Any]:
    from accounts.models import Institution

    return Institution.objects.filter(status=Institution.Status.ACTIVE).values_list("pk", "name_zh", "name_en")


_SELF_REPORT_INSTITUTIONS = PreparedRows(_active_institutions)


def certificates_of_employer(employer_id: int, *, employee_id: int | None = None) -> QuerySet[Certificate]:
    """The certificates of an employer's employees (or of one of them): the only ones its HR system
    (hr_api) sees.

    The people are a subquery, not a join through accounts_user (as ``trainee__trainee_profile``
    is): with the join PostgreSQL spent 8 ms planning each page of the API's list at full size, and
    0.8 ms this way (issue 9, EXPLAIN ANALYZE in the note).
    """
    from accounts.selectors import employees_of

    people = employees_of(employer_id)
    if employee_id is not None:
        people = people.filter(pk=employee_id)
    return Certificate.objects.filter(trainee_id__in=people.values("user_id"))


# --- continuing-education courses ----------------------------------------------------------


def holds_active_certificate(user_id: int) -> bool:
    """Whether the person holds an active certificate: who may take continuing-education courses and
    report activities (``services.check_holder``)."""
    return Certificate.objects.filter(trainee_id=user_id, status=Certificate.Status.ACTIVE).exists()


def earliest_active_period(user_id: int) -> Certificate | None:
    """Of the person's active certificates, the one whose current validity period began first (number, issue
    date and period start only): before that day, continuing education counts toward none of them."""
    return (
        Certificate.objects.filter(trainee_id=user_id, status=Certificate.Status.ACTIVE)
        .order_by("period_starts_on", "pk")
        .only("number", "issued_on", "period_starts_on")
        .first()
    )


def published_ce_courses(today: datetime.date) -> QuerySet[CECourse]:
    """Published courses not over yet, soonest first, with their institution (one query for a page)."""
    return (
        CECourse.objects.filter(is_published=True, ends_on__gte=today)
        .select_related("institution")
        .order_by("starts_on", "pk")
    )


def ce_enrolments_of(holder: User) -> QuerySet[CEEnrolment]:
    """The person's own continuing-education enrolments (someone else's id is not among them)."""
    return CEEnrolment.objects.filter(holder=holder).select_related("course__institution")


def ce_states_by_course(holder_id: int, course_ids: list[int]) -> dict[int, CEEnrolment]:
    """The person's enrolment per course, for the courses of one page (one query)."""
    rows = CEEnrolment.objects.filter(holder_id=holder_id, course_id__in=course_ids)
    return {row.course_id: row for row in rows}
