from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.bilingual import Bilingual, InCurrentLanguage
from core.constraints import ends_not_before_start, hours_at_most
from core.display import choice_label
from core.fields import acting_user, announcement_claim
from core.models import Created, Decided, MailClaim, SyncedTimestamped, Timestamped
from courses.models import Delivery

from .numbers import new_code


def new_verification_code() -> str:
    # 100 random bits in 20 characters of Crockford's base32 (no I, L, O or U; capitals only): not guessable, read
    # and typed from paper without a doubt (printed in groups of five, looked up in any case: numbers.py). Codes
    # issued before (secrets.token_urlsafe(16)) are kept: they are on paper and in QR codes already.
    return new_code()


class Certificate(SyncedTimestamped):
    """A certificate for one tier and track. Status changes only through ``certification.services``.

    ``period_starts_on`` is the start of the current validity period (the issue date, then the
    old ``valid_until`` after each renewal); continuing education counts inside that period.
    """

    class Status(models.TextChoices):
        # In a context of their own: "active" is also an institution's or an API client's (啟用), while a
        # certificate's is 有效 (valid), as its PDF says; "suspended" is 已暫停 here, an account's 停權.
        ACTIVE = "active", pgettext_lazy("certificate status", "active")
        EXPIRED = "expired", pgettext_lazy("certificate status", "expired")
        SUSPENDED = "suspended", pgettext_lazy("certificate status", "suspended")
        REVOKED = "revoked", pgettext_lazy("certificate status", "revoked")

    # A trainee holds at most one of these per curriculum (tier and track) at a time.
    CURRENT_STATES = (Status.ACTIVE, Status.SUSPENDED)

    number = models.CharField(_("certificate number"), max_length=40, unique=True)
    trainee = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="certificates", verbose_name=_("holder")
    )
    curriculum = models.ForeignKey(
        "courses.Curriculum", on_delete=models.PROTECT, related_name="+", verbose_name=_("curriculum")
    )
    tier = models.ForeignKey("courses.Tier", on_delete=models.PROTECT, related_name="+", verbose_name=_("tier"))
    track = models.ForeignKey(
        "courses.Track", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("track")
    )
    institution = models.ForeignKey(
        "accounts.Institution",
        on_delete=models.PROTECT,
        related_name="certificates",
        verbose_name=_("issuing institution"),
    )
    enrolment = models.ForeignKey(
        "courses.Enrolment",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enrolment"),
    )
    issued_on = models.DateField(_("issued on"))
    period_starts_on = models.DateField(_("validity period starts"))
    valid_until = models.DateField(_("valid until"), db_index=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.ACTIVE)
    status_reason = models.CharField(_("reason"), max_length=500, blank=True)
    verification_code = models.CharField(
        _("verification code"), max_length=40, unique=True, default=new_verification_code, editable=False
    )
    announced_at = announcement_claim()  # of certificate_issued
    # Its entry in the status lists of its Open Badges credential (certification.status_list): drawn at
    # random by status_list.free_index when the certificate is made, unique, and never reused
    # (certificates are never deleted).
    status_list_index = models.PositiveIntegerField(_("status list index"), unique=True, editable=False)

    class Meta:
        ordering = ["-issued_on", "-pk"]
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        constraints = [
            models.UniqueConstraint(
                fields=["trainee", "curriculum"],
                condition=Q(status__in=["active", "suspended"]),
                name="certificate_one_current_per_trainee_curriculum",
                violation_error_message=_("This trainee already holds a current certificate for this curriculum."),
            ),
            models.CheckConstraint(
                condition=Q(valid_until__gt=models.F("period_starts_on")),
                name="certificate_validity_ordered",
                violation_error_message=_("The certificate must be valid until after its period starts."),
            ),
            models.CheckConstraint(
                condition=~Q(status="revoked") | ~Q(status_reason=""),
                name="certificate_revocation_has_reason",
                violation_error_message=_("A revoked certificate needs a reason."),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "valid_until"], name="certificate_status_until_idx"),
            # The follow-up sweep reads the certificates of the last few days.
            models.Index(fields=["issued_on"], name="certificate_issued_on_idx"),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_current(self) -> bool:
        return self.status in self.CURRENT_STATES

    @property
    def is_valid(self) -> bool:
        """Valid for work: active (a suspended, revoked or expired certificate is not)."""
        return self.status == self.Status.ACTIVE


class CertificateSequence(models.Model):
    """Last sequence number used per number prefix and year; incremented under a row lock."""

    prefix = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["prefix", "year"],
                name="certificate_sequence_unique",
                violation_error_message=_("A number sequence for this prefix and year already exists."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.prefix} {self.year}: {self.last}"


class CertificateStatusChange(models.Model):
    """Every status a certificate entered (issue, suspension, reinstatement, revocation, expiry, renewal)."""

    certificate = models.ForeignKey(
        Certificate, on_delete=models.CASCADE, related_name="history", verbose_name=_("certificate")
    )
    old_status = models.CharField(_("from"), max_length=20, blank=True)
    new_status = models.CharField(_("to"), max_length=20, choices=Certificate.Status.choices)
    action = models.CharField(_("action"), max_length=20)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    changed_by = acting_user(_("by"))
    changed_at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["changed_at", "pk"]
        verbose_name = _("status change")
        verbose_name_plural = _("status history")

    def __str__(self) -> str:
        old = choice_label(Certificate.Status, self.old_status) or "—"
        return f"{self.certificate} {old}→{self.get_new_status_display()}"


class PendingCheck(models.Model):
    """A certification check owed after a passed result; the row says so even when the enqueue is lost.

    Written by the ``result_published`` receiver inside the announcing transaction, so it commits with
    the result's announcement claim; the check deletes the rows it has seen, and ``do_sweep_follow_ups`` enqueues the
    check again for rows left over.
    """

    result = models.OneToOneField(
        "exams.CourseResult",
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="+",
        verbose_name=_("course result"),
    )
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("trainee")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("pending certification check")
        verbose_name_plural = _("pending certification checks")

    def __str__(self) -> str:
        return f"{self.trainee_id} · {self.result_id}"


#: A day of training is 8 class hours in every plan of the program (section C(二): 2 days / 16, 8 days / 64,
#: 12 days / 96, exam preparation 1 day / 8).
TRAINING_DAY_HOURS = 8
#: One continuing-education activity counts at most three such days: 24 hours, the continuing education a whole
#: validity period asks for (``CONTINUING_EDUCATION_HOURS``), so no single activity stands for more than a period.
#: A course counts at most a training day for each of its days besides (``services.ce_course_most_hours``).
CE_ACTIVITY_MOST_DAYS = 3
CE_ACTIVITY_MOST_HOURS = TRAINING_DAY_HOURS * CE_ACTIVITY_MOST_DAYS


class ContinuingEducation(Decided, Created):
    """Continuing-education hours: recorded by an institution (confirmed) or self-reported (pending).

    Hours are at most ``CE_ACTIVITY_MOST_HOURS`` (``services.check_ce_hours``, and a constraint); rows recorded
    above it before the cap keep their hours (``recorded_before_cap``), but a pending one is not confirmed.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("awaiting confirmation")
        CONFIRMED = "confirmed", _("confirmed")
        REJECTED = "rejected", _("rejected")

    trainee = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="continuing_education", verbose_name=_("trainee")
    )
    institution = models.ForeignKey(
        "accounts.Institution",
        on_delete=models.PROTECT,
        related_name="continuing_education",
        verbose_name=_("institution"),
        help_text=_("the institution that held or confirms the activity"),
    )
    title = models.CharField(_("activity"), max_length=200)
    completed_on = models.DateField(_("completed on"))
    hours = models.DecimalField(_("hours"), max_digits=5, decimal_places=1)
    self_reported = models.BooleanField(_("self-reported"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    decided_by = acting_user(_("by"))  # labelled as migrated, unlike the other decided rows
    # Set by migration 0009 on the rows then above the cap, never since: they stay as recorded.
    recorded_before_cap = models.BooleanField(_("recorded before the hours cap"), default=False, editable=False)

    class Meta:
        ordering = ["-completed_on", "-pk"]
        verbose_name = _("continuing-education activity")
        verbose_name_plural = _("continuing education")
        constraints = [
            hours_at_most(
                200, name="ce_hours_positive", message=_("Continuing education hours are more than 0 and at most 200.")
            ),
            models.CheckConstraint(
                condition=Q(hours__lte=CE_ACTIVITY_MOST_HOURS) | Q(recorded_before_cap=True),
                name="ce_hours_at_most_three_training_days",
                violation_error_message=_("One continuing-education activity counts at most 24 hours."),
            ),
        ]
        indexes = [models.Index(fields=["trainee", "status", "completed_on"], name="ce_trainee_status_idx")]

    def __str__(self) -> str:
        return f"{self.trainee} · {self.title}"


class CECourse(Bilingual, Timestamped):
    """A continuing-education course an institution offers to certificate holders (seed C 後續教育, F).

    Holders enrol from the portal while it is published and has not started; the attendance the
    institution records becomes confirmed continuing-education hours (``ContinuingEducation``).
    Seats change only under the course's row lock (``services.do_enrol_ce``).
    """

    Mode = Delivery  # held like a training session: in a room, or live online

    institution = models.ForeignKey(
        "accounts.Institution", on_delete=models.PROTECT, related_name="ce_courses", verbose_name=_("institution")
    )
    title_zh = models.CharField(_("title (zh-Hant)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title = InCurrentLanguage()
    description_zh = models.TextField(_("description (zh-Hant)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description = InCurrentLanguage()
    hours = models.DecimalField(
        _("hours"), max_digits=4, decimal_places=1, help_text=_("clock hours of continuing education it gives")
    )
    mode = models.CharField(_("delivery"), max_length=20, choices=Mode.choices, default=Mode.FACE_TO_FACE)
    place_zh = models.CharField(_("place (zh-Hant)"), max_length=200, blank=True)
    place_en = models.CharField(_("place (English)"), max_length=200, blank=True)
    place = InCurrentLanguage()
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    capacity = models.PositiveIntegerField(_("seats"))
    # Held by enrolled and attended holders; changed only under the course's row lock.
    seats_taken = models.PositiveIntegerField(_("seats taken"), default=0, editable=False)
    is_published = models.BooleanField(_("published"), default=False, editable=False)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["starts_on", "pk"]
        verbose_name = _("continuing-education course")
        verbose_name_plural = _("continuing-education courses")
        constraints = [
            hours_at_most(
                200,
                name="ce_course_hours_positive",
                message=_("A continuing-education course gives more than 0 and at most 200 hours."),
            ),
            ends_not_before_start(
                "starts_on",
                "ends_on",
                name="ce_course_dates_ordered",
                message=_("The course cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gt=0),
                name="ce_course_capacity_positive",
                violation_error_message=_("The course needs at least one seat."),
            ),
            models.CheckConstraint(
                condition=Q(seats_taken__lte=models.F("capacity")),
                name="ce_course_never_overbooked",
                violation_error_message=_("The course has no seat left."),
            ),
            models.CheckConstraint(
                condition=Q(mode="face_to_face") | Q(place_zh="", place_en=""),
                name="ce_course_live_remote_has_no_place",
                violation_error_message=_("A live remote course has no place."),
            ),
        ]
        indexes = [models.Index(fields=["is_published", "ends_on"], name="ce_course_published_idx")]

    def __str__(self) -> str:
        return f"{self.title} · {self.starts_on}"

    @property
    def seats_left(self) -> int:
        return max(0, self.capacity - self.seats_taken)


class CEEnrolment(models.Model):
    """A certificate holder in a continuing-education course; one row per person and course.

    Attendance recorded by the institution makes (or updates) the holder's confirmed
    ``ContinuingEducation`` row, ``activity``, in the same transaction: no separate report.
    """

    class State(models.TextChoices):
        ENROLLED = "enrolled", _("enrolled")
        ATTENDED = "attended", _("attended")
        WITHDRAWN = "withdrawn", _("withdrawn")

    # Hold a seat.
    SEATED_STATES = (State.ENROLLED, State.ATTENDED)

    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ce_enrolments", verbose_name=_("holder")
    )
    course = models.ForeignKey(CECourse, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("course"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.ENROLLED)
    hours_attended = models.DecimalField(_("hours attended"), max_digits=4, decimal_places=1, null=True, blank=True)
    activity = models.OneToOneField(
        ContinuingEducation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ce_enrolment",
        verbose_name=_("continuing-education activity"),
    )
    recorded_by = acting_user(_("recorded by"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    # Claimed by the mail task before it sends, so that a task run twice mails once.
    confirmation_mailed_at = models.DateTimeField(_("confirmation e-mailed at"), null=True, blank=True)
    created_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("continuing-education enrolment")
        verbose_name_plural = _("continuing-education enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["holder", "course"],
                name="ce_enrolment_once_per_holder_course",
                violation_error_message=_("This holder is already enrolled in this course."),
            ),
            models.CheckConstraint(
                condition=Q(hours_attended__isnull=True) | Q(hours_attended__gt=0, hours_attended__lte=200),
                name="ce_enrolment_hours_positive",
                violation_error_message=_("Attended hours are more than 0 and at most 200."),
            ),
            models.CheckConstraint(
                condition=~Q(state="attended") | Q(hours_attended__isnull=False, activity__isnull=False),
                name="ce_enrolment_attended_has_hours",
                violation_error_message=_("Attendance needs its hours and its continuing-education record."),
            ),
        ]
        indexes = [models.Index(fields=["course", "state"], name="ce_enrolment_course_state_idx")]

    def __str__(self) -> str:
        return f"{self.holder} · {self.course}"

    @property
    def is_seated(self) -> bool:
        return self.state in self.SEATED_STATES


class ReminderKind(models.TextChoices):
    SITTING_3_DAYS = "sitting_3d", _("exam sitting in 3 days")
    SITTING_1_DAY = "sitting_1d", _("exam sitting tomorrow")
    HOURS_BEHIND = "hours_behind", _("training hours falling behind")
    CERTIFICATE_ISSUED = "certificate_issued", _("certificate issued")
    EXPIRING_90 = "expiring_90", _("certificate expiring in 90 days")
    EXPIRING_30 = "expiring_30", _("certificate expiring in 30 days")
    CE_SHORT = "ce_short", _("continuing-education hours short")


class ReminderSent(MailClaim):
    """A reminder claimed for one person, kind and object; the row exists before the mail goes."""

    kind = models.CharField(max_length=30, choices=ReminderKind.choices)
    object_key = models.CharField(max_length=60)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "object_key"],
                name="reminder_once_per_person_kind_object",
                violation_error_message=_("This reminder has already been sent to this person."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.object_key} → {self.user}"


class ReminderPreference(models.Model):
    """Reminder kinds a person switched off (no row: every reminder on)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference", primary_key=True
    )
    switched_off = models.JSONField(default=list, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("reminder preference")
        verbose_name_plural = _("reminder preferences")

    def __str__(self) -> str:
        return str(self.user)

    def wants(self, kind: str) -> bool:
        return kind not in self.switched_off
