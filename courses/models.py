import datetime
from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.bilingual import Bilingual, InCurrentLanguage, in_current_language
from core import display
from core.codes import CODE_RULE, validate_code
from core.constraints import ends_not_before_start, hours_at_most, url_safe_code
from core.fields import acting_user
from core.models import Created, Decided, OwedMail, SyncedTimestamped

from .knowledge import KnowledgeArea
from .templatetags.hours import class_hours


class Tier(Bilingual, models.Model):
    """A certification tier; ``level`` orders them (assistant 1, standard 2, senior 3)."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    level = models.PositiveSmallIntegerField(_("level"), unique=True)
    name_zh = models.CharField(_("name (zh-Hant)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name = InCurrentLanguage()
    certificate_name_zh = models.CharField(_("certificate (zh-Hant)"), max_length=200)
    certificate_name_en = models.CharField(_("certificate (English)"), max_length=200)
    certificate_name = InCurrentLanguage()
    has_tracks = models.BooleanField(_("split into tracks"), default=False)

    class Meta:
        ordering = ["level"]
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        # Its code is a URL's <slug:…> (catalog:tier); the slug field checks forms, this everything else.
        constraints = [url_safe_code(name="tier_code_url_safe", message=CODE_RULE)]

    def __str__(self) -> str:
        return self.name


class Track(Bilingual, models.Model):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name_zh = models.CharField(_("name (zh-Hant)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    name = InCurrentLanguage()
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("track")
        verbose_name_plural = _("tracks")

    def __str__(self) -> str:
        return self.name


class Course(Bilingual, models.Model):
    """A unified national course: one syllabus, one textbook, one exam subject."""

    code = models.CharField(_("code"), max_length=20, unique=True, validators=[validate_code])  # in URLs
    title_zh = models.CharField(_("title (zh-Hant)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title = InCurrentLanguage()
    # The course's share of its curricula's teaching plan (seed section C(二)): each curriculum's
    # courses add up to its teaching hours exactly (the 0007 migration sets them; a test checks
    # the sums), and the topics of each syllabus version add up to these hours.
    class_hours = models.DecimalField(
        _("class hours"), max_digits=4, decimal_places=1, default=Decimal(0),
        help_text=_("the course's share of the teaching plan; its syllabus topics add up to it"),
    )  # fmt: skip

    class Meta:
        ordering = ["code"]
        verbose_name = _("course")
        verbose_name_plural = _("courses")
        constraints = [
            models.CheckConstraint(
                condition=Q(class_hours__gte=0),
                name="course_class_hours_not_negative",
                violation_error_message=_("Class hours cannot be negative."),
            ),
            url_safe_code(name="course_code_url_safe", message=CODE_RULE),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"


class SyllabusVersion(Bilingual, models.Model):
    """The unified syllabus and textbook of a course from one date (to another, or for as long as
    no later version ends it).

    The version in force on a cohort's start date applies to that cohort. Versions of a course never
    overlap: ``courses.services.do_save_syllabus_version`` refuses one under the course's row lock;
    the database keeps at most one open-ended version per course. Outcomes and readings are one per line.
    """

    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="syllabus_versions", verbose_name=_("course")
    )
    in_force_from = models.DateField(_("in force from"))
    in_force_until = models.DateField(
        _("in force until"), null=True, blank=True, help_text=_("the last day it applies; empty while no end is set")
    )
    learning_outcomes_zh = models.TextField(_("learning outcomes (zh-Hant)"), help_text=_("one per line"))
    learning_outcomes_en = models.TextField(_("learning outcomes (English)"), help_text=_("one per line"))
    learning_outcomes = InCurrentLanguage()
    textbook_title_zh = models.CharField(_("textbook title (zh-Hant)"), max_length=200)
    textbook_title_en = models.CharField(_("textbook title (English)"), max_length=200)
    textbook_title = InCurrentLanguage()
    textbook_edition = models.PositiveSmallIntegerField(_("textbook edition"), default=1)
    textbook_publisher_zh = models.CharField(_("textbook publisher (zh-Hant)"), max_length=200)
    textbook_publisher_en = models.CharField(_("textbook publisher (English)"), max_length=200)
    textbook_publisher = InCurrentLanguage()
    textbook_year = models.PositiveSmallIntegerField(_("textbook year"))
    textbook_isbn = models.CharField(
        _("textbook ISBN"), max_length=13, help_text=_("ISBN-10 or ISBN-13; kept as ISBN-13")
    )
    readings_zh = models.TextField(_("readings (zh-Hant)"), blank=True, help_text=_("one per line"))
    readings_en = models.TextField(_("readings (English)"), blank=True, help_text=_("one per line"))
    readings = InCurrentLanguage()
    recorded_by = acting_user(_("recorded by"))
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["course__code", "-in_force_from"]
        verbose_name = _("syllabus version")
        verbose_name_plural = _("syllabus versions")
        constraints = [
            models.UniqueConstraint(
                fields=["course"],
                condition=Q(in_force_until__isnull=True),
                name="syllabus_one_open_version_per_course",
                violation_error_message=_("This course already has a syllabus version without an end date."),
            ),
            models.UniqueConstraint(
                fields=["course", "in_force_from"],
                name="syllabus_one_version_per_start",
                violation_error_message=_("This course already has a syllabus version from this date."),
            ),
            models.CheckConstraint(
                condition=Q(in_force_until__isnull=True) | Q(in_force_until__gte=models.F("in_force_from")),
                name="syllabus_dates_ordered",
                violation_error_message=_("A syllabus version cannot end before it comes into force."),
            ),
            models.CheckConstraint(
                condition=Q(textbook_isbn__regex=r"^97[89][0-9]{10}$"),
                name="syllabus_isbn_is_isbn13",
                violation_error_message=_("The ISBN is kept as the 13 digits of an ISBN-13."),
            ),
            models.CheckConstraint(
                condition=Q(textbook_edition__gte=1),
                name="syllabus_edition_positive",
                violation_error_message=_("The edition is 1 or more."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.course.code} · {self.in_force_from}"

    @property
    def outcome_lines(self) -> list[str]:
        return [line.strip() for line in self.learning_outcomes.splitlines() if line.strip()]

    @property
    def reading_lines(self) -> list[str]:
        return [line.strip() for line in self.readings.splitlines() if line.strip()]

    @property
    def isbn_display(self) -> str:
        from .isbn import format_isbn13

        return format_isbn13(self.textbook_isbn)

    def applies_on(self, day: datetime.date) -> bool:
        return self.in_force_from <= day and (self.in_force_until is None or day <= self.in_force_until)


class SyllabusTopic(Bilingual, models.Model):
    """A topic of a syllabus version: its knowledge area (the areas that tag exam questions) and class hours."""

    version = models.ForeignKey(
        SyllabusVersion, on_delete=models.CASCADE, related_name="topics", verbose_name=_("syllabus version")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    title_zh = models.CharField(_("title (zh-Hant)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title = InCurrentLanguage()
    knowledge_area = models.CharField(_("knowledge area"), max_length=20, choices=KnowledgeArea.choices)
    hours = models.DecimalField(_("class hours"), max_digits=4, decimal_places=1)

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("syllabus topic")
        verbose_name_plural = _("syllabus topics")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "position"],
                name="syllabus_topic_position_unique",
                violation_error_message=_("The syllabus already has a topic at this position."),
            ),
            hours_at_most(
                100,
                name="syllabus_topic_hours_positive",
                message=_("A topic takes more than 0 and at most 100 class hours."),
            ),
            models.CheckConstraint(
                condition=Q(knowledge_area__in=KnowledgeArea.values),
                name="syllabus_topic_area_known",
                violation_error_message=_("Choose a knowledge area from the list."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.title}"


class Curriculum(models.Model):
    """What a tier (and track, where the tier has tracks) requires, with its hour plan."""

    tier = models.ForeignKey(Tier, on_delete=models.PROTECT, related_name="curricula", verbose_name=_("tier"))
    track = models.ForeignKey(
        Track, on_delete=models.PROTECT, null=True, blank=True, related_name="curricula", verbose_name=_("track")
    )
    courses = models.ManyToManyField(
        Course, through="CurriculumCourse", related_name="curricula", verbose_name=_("courses")
    )
    teaching_days = models.DecimalField(_("teaching days"), max_digits=4, decimal_places=1)
    teaching_hours = models.PositiveSmallIntegerField(_("teaching class hours"))
    exam_prep_days = models.DecimalField(_("exam preparation days"), max_digits=4, decimal_places=1)
    exam_prep_hours = models.PositiveSmallIntegerField(_("exam preparation class hours"))

    class Meta:
        ordering = ["tier__level", "track__position"]
        verbose_name = _("curriculum")
        verbose_name_plural = _("curricula")
        constraints = [
            models.UniqueConstraint(
                fields=["tier", "track"],
                name="curriculum_one_per_tier_track",
                violation_error_message=_("This tier already has a curriculum for this track."),
            ),
            models.UniqueConstraint(
                fields=["tier"],
                condition=Q(track__isnull=True),
                name="curriculum_one_per_trackless_tier",
                violation_error_message=_("This tier already has a curriculum without a track."),
            ),
            models.CheckConstraint(
                condition=Q(teaching_days__gte=0),
                name="curriculum_teaching_days_positive",
                violation_error_message=_("Teaching days cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(exam_prep_days__gte=0),
                name="curriculum_prep_days_positive",
                violation_error_message=_("Exam preparation days cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.tier} · {self.track}" if self.track_id else str(self.tier)


class CurriculumCourse(models.Model):
    class Role(models.TextChoices):
        CORE = "core", _("core")
        TRACK = "track", _("track")

    curriculum = models.ForeignKey(
        Curriculum, on_delete=models.CASCADE, related_name="entries", verbose_name=_("curriculum")
    )
    course = models.ForeignKey(
        Course, on_delete=models.PROTECT, related_name="curriculum_entries", verbose_name=_("course")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.CORE)

    class Meta:
        ordering = ["course__code"]
        verbose_name = _("curriculum course")
        verbose_name_plural = _("curriculum courses")
        constraints = [
            models.UniqueConstraint(
                fields=["curriculum", "course"],
                name="curriculum_course_unique",
                violation_error_message=_("This course is already part of this curriculum."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.curriculum}: {self.course.code}"


class City(models.TextChoices):
    """Taiwan's 22 cities and counties, stored by their ISO 3166-2:TW code (stable whatever the label)."""

    TAIPEI = "TPE", pgettext_lazy("city", "Taipei City")
    NEW_TAIPEI = "NWT", pgettext_lazy("city", "New Taipei City")
    TAOYUAN = "TAO", pgettext_lazy("city", "Taoyuan City")
    TAICHUNG = "TXG", pgettext_lazy("city", "Taichung City")
    TAINAN = "TNN", pgettext_lazy("city", "Tainan City")
    KAOHSIUNG = "KHH", pgettext_lazy("city", "Kaohsiung City")
    KEELUNG = "KEE", pgettext_lazy("city", "Keelung City")
    HSINCHU_CITY = "HSZ", pgettext_lazy("city", "Hsinchu City")
    CHIAYI_CITY = "CYI", pgettext_lazy("city", "Chiayi City")
    HSINCHU_COUNTY = "HSQ", pgettext_lazy("city", "Hsinchu County")
    MIAOLI = "MIA", pgettext_lazy("city", "Miaoli County")
    CHANGHUA = "CHA", pgettext_lazy("city", "Changhua County")
    NANTOU = "NAN", pgettext_lazy("city", "Nantou County")
    YUNLIN = "YUN", pgettext_lazy("city", "Yunlin County")
    CHIAYI_COUNTY = "CYQ", pgettext_lazy("city", "Chiayi County")
    PINGTUNG = "PIF", pgettext_lazy("city", "Pingtung County")
    YILAN = "ILA", pgettext_lazy("city", "Yilan County")
    HUALIEN = "HUA", pgettext_lazy("city", "Hualien County")
    TAITUNG = "TTT", pgettext_lazy("city", "Taitung County")
    PENGHU = "PEN", pgettext_lazy("city", "Penghu County")
    KINMEN = "KIN", pgettext_lazy("city", "Kinmen County")
    LIENCHIANG = "LIE", pgettext_lazy("city", "Lienchiang County")


class Purpose(models.TextChoices):
    """What training hours count toward: the teaching plan, or exam preparation (考前輔導)."""

    TEACHING = "teaching", _("teaching")
    EXAM_PREP = "exam_prep", _("exam preparation")


class Delivery(models.TextChoices):
    """How a class is held: in a room, or live online (a live remote class has no place)."""

    FACE_TO_FACE = "face_to_face", _("face-to-face")
    LIVE_REMOTE = "live_remote", _("live remote")


#: The rule of a session's or a remote module's course: teaching names one, exam preparation none.
COURSE_IFF_TEACHING = Q(purpose="teaching", course__isnull=False) | Q(purpose="exam_prep", course__isnull=True)


class CohortManager(models.Manager["Cohort"]):
    """Cohorts with what their name reads (institution, tier, track), so that a list or a choice of
    cohorts (admin filters, form selects) takes one query, not one per cohort. Related access
    (``enrolment.cohort``) goes through the plain base manager."""

    def get_queryset(self) -> models.QuerySet["Cohort"]:
        return super().get_queryset().select_related("institution", "curriculum__tier", "curriculum__track")


class Cohort(SyncedTimestamped):
    """A training class an institution runs for one curriculum (tier and track)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open for enrolment")
        CLOSED = "closed", _("enrolment closed")
        RUNNING = "running", _("running")
        FINISHED = "finished", _("finished")

    class Mode(models.TextChoices):
        FACE_TO_FACE = "face_to_face", _("face-to-face")
        REMOTE = "remote", _("remote learning")
        SELF_STUDY = "self_study", _("self-study")

    institution = models.ForeignKey(
        "accounts.Institution", on_delete=models.PROTECT, related_name="cohorts", verbose_name=_("institution")
    )
    curriculum = models.ForeignKey(
        Curriculum, on_delete=models.PROTECT, related_name="cohorts", verbose_name=_("curriculum")
    )
    code = models.CharField(_("code"), max_length=40, unique=True, validators=[validate_code])  # in URLs
    offers_face_to_face = models.BooleanField(_("face-to-face"), default=True)
    offers_remote = models.BooleanField(_("remote learning"), default=False)
    offers_self_study = models.BooleanField(_("self-study"), default=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    city = models.CharField(
        _("city"), max_length=3, choices=City.choices, blank=True, help_text=_("empty for an online cohort")
    )
    is_online = models.BooleanField(_("online"), default=False)
    capacity = models.PositiveIntegerField(_("capacity"))
    enrolment_opens_at = models.DateTimeField(_("enrolment opens"))
    enrolment_closes_at = models.DateTimeField(_("enrolment closes"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True)
    # Seats held by pending, approved and in-training enrolments; changed only under the
    # cohort's row lock by the enrolment services, so it can never pass ``capacity``.
    seats_taken = models.PositiveIntegerField(_("seats taken"), default=0)

    objects = CohortManager()

    class Meta:
        ordering = ["starts_on", "code"]
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorts")
        constraints = [
            ends_not_before_start(
                "starts_on",
                "ends_on",
                name="cohort_dates_ordered",
                message=_("The cohort cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=Q(enrolment_closes_at__gt=models.F("enrolment_opens_at")),
                name="cohort_enrolment_window_ordered",
                violation_error_message=_("Enrolment must close after it opens."),
            ),
            models.CheckConstraint(
                condition=Q(seats_taken__lte=models.F("capacity")),
                name="cohort_never_overbooked",
                violation_error_message=_("The cohort has no seat left."),
            ),
            models.CheckConstraint(
                condition=Q(capacity__gt=0),
                name="cohort_capacity_positive",
                violation_error_message=_("The capacity must be at least one seat."),
            ),
            models.CheckConstraint(
                condition=Q(city__in=[*City.values, ""]),
                name="cohort_city_known",
                violation_error_message=_("Choose a city from the list."),
            ),
            models.CheckConstraint(
                condition=Q(is_online=False) | Q(city=""),
                name="cohort_online_has_no_city",
                violation_error_message=_("An online cohort has no city."),
            ),
            # Online means no classroom: its teaching and exam preparation are remote (live or recorded).
            models.CheckConstraint(
                condition=Q(is_online=False) | Q(offers_face_to_face=False),
                name="cohort_online_not_face_to_face",
                violation_error_message=_("An online cohort has no face-to-face teaching."),
            ),
            url_safe_code(name="cohort_code_url_safe", message=CODE_RULE),
            # Else the public page offers no way to learn and no mode's filter finds the cohort.
            models.CheckConstraint(
                condition=Q(offers_face_to_face=True) | Q(offers_remote=True) | Q(offers_self_study=True),
                name="cohort_offers_a_mode",
                violation_error_message=_("A cohort offers at least one delivery mode."),
            ),
        ]
        indexes = [models.Index(fields=["status", "starts_on"], name="cohort_status_start_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def name(self) -> str:
        """The name people know it by: institution · tier · track · start month, in the current language.

        Reads the institution, curriculum, tier and track: lists select them (``cohorts_with_catalog``).
        """
        parts = [self.institution.name, self.curriculum.tier.name]
        if self.curriculum.track is not None:
            parts.append(self.curriculum.track.name)
        parts.append(formats.date_format(self.starts_on, "YEAR_MONTH_FORMAT"))
        return " · ".join(parts)

    def has_ended(self, today: datetime.date) -> bool:
        """Whether the cohort has ended on ``today`` (a local date): its last day has passed, or its institution
        finished it (early, perhaps). The one rule of what has ended; :meth:`ended` is the same rule in SQL."""
        return self.ends_on < today or self.status == self.Status.FINISHED

    @classmethod
    def ended(cls, today: datetime.date) -> Q:
        """The cohorts that have ended on ``today`` (a local date), as a filter: :meth:`has_ended` in SQL."""
        return Q(ends_on__lt=today) | Q(status=cls.Status.FINISHED)


class Enrolment(SyncedTimestamped, Decided):
    """A trainee in a cohort. States change only through ``courses.services``."""

    class State(models.TextChoices):
        PENDING = "pending", _("pending approval")
        APPROVED = "approved", _("approved")
        IN_TRAINING = "in_training", _("in training")
        COMPLETED = "completed", _("completed")
        REJECTED = "rejected", _("rejected")
        WITHDRAWN = "withdrawn", _("withdrawn")

    # The sets of states the other modules ask about, defined here once. Meta's constraints spell
    # theirs out (a nested class body cannot see this one's names); a test checks they agree.
    # Holds a place: one per trainee and curriculum at a time; it may still be withdrawn.
    ACTIVE_STATES = (State.PENDING, State.APPROVED, State.IN_TRAINING)
    # Admitted and not finished: hours are recorded, sessions, self-study and exam sittings are open.
    TRAINING_STATES = (State.APPROVED, State.IN_TRAINING)
    # Admitted, finished or not: the training counts (towards a certificate); hours owed are fixed.
    ADMITTED_STATES = (State.APPROVED, State.IN_TRAINING, State.COMPLETED)
    # The institution has decided and nothing came after it: the decision e-mail is due.
    DECIDED_STATES = (State.APPROVED, State.IN_TRAINING, State.REJECTED)

    trainee = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("trainee")
    )
    cohort = models.ForeignKey(Cohort, on_delete=models.PROTECT, related_name="enrolments", verbose_name=_("cohort"))
    # Denormalised from the cohort so that the database can enforce one active enrolment per
    # trainee and curriculum (tier and track).
    curriculum = models.ForeignKey(Curriculum, on_delete=models.PROTECT, related_name="+", verbose_name=_("curriculum"))
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PENDING, db_index=True)
    # Fixed at approval from the hour plan less credit for completed lower-tier training.
    teaching_hours_owed = models.PositiveSmallIntegerField(_("teaching hours owed"), null=True, blank=True)
    teaching_days_owed = models.DecimalField(
        _("teaching days owed"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    exam_prep_hours_owed = models.PositiveSmallIntegerField(_("exam preparation hours owed"), null=True, blank=True)
    exam_prep_days_owed = models.DecimalField(
        _("exam preparation days owed"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    credited_hours = models.PositiveSmallIntegerField(_("credited hours"), default=0)
    decision_note = models.CharField(_("reason"), max_length=500, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # Claimed by the e-mail task before it sends, so that a task run twice mails once; emptied again when the
    # institution withdraws the enrolment, whose mail it then claims (courses.mail.send_enrolment_decision).
    decision_mailed_at = models.DateTimeField(_("decision e-mailed at"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    # Why the institution withdrew the enrolment (required then, by the service; empty when the trainee or their
    # employer withdrew it): the trainee reads it in the mail and on the dashboard. Empty in the database too, for
    # rows written in SQL (the benchmark's data set).
    withdrawal_reason = models.CharField(
        _("reason for withdrawal"), max_length=500, blank=True, default="", db_default=""
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["trainee", "curriculum"],
                condition=Q(state__in=["pending", "approved", "in_training"]),  # ACTIVE_STATES
                name="enrolment_one_active_per_curriculum",
                violation_error_message=_("This trainee already has an active enrolment in this curriculum."),
            ),
            models.CheckConstraint(  # every state but the ADMITTED_STATES may leave the hours owed unset
                condition=Q(state__in=["pending", "rejected", "withdrawn"]) | Q(teaching_hours_owed__isnull=False),
                name="enrolment_hours_owed_fixed_at_approval",
                violation_error_message=_("An admitted enrolment needs its class hours owed."),
            ),
            models.CheckConstraint(
                condition=Q(state="withdrawn") | Q(withdrawal_reason=""),
                name="enrolment_withdrawal_reason_when_withdrawn",
                violation_error_message=_("Only a withdrawn enrolment has a reason for withdrawal."),
            ),
        ]
        indexes = [models.Index(fields=["cohort", "state"], name="enrolment_cohort_state_idx")]

    def __str__(self) -> str:
        return f"{self.trainee} · {self.cohort}"

    @property
    def is_active(self) -> bool:
        return self.state in self.ACTIVE_STATES

    @property
    def is_training(self) -> bool:
        """Approved or in training (see ``TRAINING_STATES``)."""
        return self.state in self.TRAINING_STATES

    @property
    def hours_owed(self) -> int | None:
        if self.teaching_hours_owed is None or self.exam_prep_hours_owed is None:
            return None
        return self.teaching_hours_owed + self.exam_prep_hours_owed


class OwedReceipt(OwedMail):
    """The "application received" mail an enrolment is owed (``courses.services``: the trainee's own application,
    or one their employer's HR system made for them, ``employer``), sent by ``courses.mail.send_enrolment_received``
    (:class:`core.models.OwedMail`: a broker outage loses nothing)."""

    enrolment = models.OneToOneField(
        Enrolment,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="owed_receipt",
        verbose_name=_("enrolment"),
    )
    # The employer whose HR system enrolled the trainee (the mail says they applied on the trainee's behalf);
    # empty for the trainee's own application.
    employer = models.ForeignKey(
        "accounts.Employer",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("applied on the trainee's behalf by"),
    )

    class Meta:
        verbose_name = _("application receipt owed")
        verbose_name_plural = _("application receipts owed")

    def __str__(self) -> str:
        return str(self.enrolment_id)


class PriorLearning(Created):
    """Lower-tier training finished before the portal existed, entered by the program office."""

    trainee = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, related_name="prior_learning", verbose_name=_("trainee")
    )
    curriculum = models.ForeignKey(Curriculum, on_delete=models.PROTECT, related_name="+", verbose_name=_("curriculum"))
    completed_on = models.DateField(_("completed on"))
    evidence = models.CharField(_("evidence"), max_length=300, blank=True)
    recorded_by = acting_user(_("recorded by"))

    class Meta:
        verbose_name = _("prior learning")
        verbose_name_plural = _("prior learning")
        constraints = [
            models.UniqueConstraint(
                fields=["trainee", "curriculum"],
                name="prior_learning_once_per_curriculum",
                violation_error_message=_("Prior learning for this curriculum is already recorded for this trainee."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.trainee} · {self.curriculum}"


class TrainingSession(Created):
    """A class of a cohort, in a room or live online: one day's teaching of one course, or exam preparation."""

    Purpose = Purpose
    Mode = Delivery

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("cohort"))
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices, default=Purpose.TEACHING)
    mode = models.CharField(
        _("delivery"),
        max_length=20,
        choices=Mode.choices,
        default=Mode.FACE_TO_FACE,
        help_text=_("live remote sessions count as remote learning and have no location"),
    )
    course = models.ForeignKey(
        Course,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions",
        verbose_name=_("course"),
        help_text=_("required for teaching; empty for exam preparation"),
    )
    held_on = models.DateField(_("date"))
    starts_at = models.TimeField(_("starts at"), null=True, blank=True)
    hours = models.DecimalField(_("class hours"), max_digits=4, decimal_places=1)
    # The teacher as a person (an institution's staff member with the teacher role), who then sees the
    # session in admin and records its attendance; the name fields stay, shown when no person is named
    # (sessions from before teachers had accounts, or a guest lecturer without one).
    teacher_person = models.ForeignKey(
        "accounts.StaffMembership",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sessions_taught",
        limit_choices_to={"role": "teacher"},
        verbose_name=_("teacher's account"),
        help_text=_("a teacher of the cohort's institution; leave empty for a teacher without an account"),
    )
    teacher = models.CharField(
        _("teacher"), max_length=150, blank=True, help_text=_("the name shown when no teacher's account is named")
    )
    teacher_en = models.CharField(
        _("teacher (English)"), max_length=150, blank=True, help_text=_("English pages show the teacher otherwise")
    )
    location = models.CharField(_("location"), max_length=200, blank=True)
    location_en = models.CharField(
        _("location (English)"), max_length=200, blank=True, help_text=_("English pages show the location otherwise")
    )

    class Meta:
        ordering = ["held_on", "starts_at", "pk"]
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        constraints = [
            hours_at_most(
                24, name="session_hours_in_a_day", message=_("A session lasts more than 0 and at most 24 hours.")
            ),
            models.CheckConstraint(
                condition=COURSE_IFF_TEACHING,
                name="session_course_iff_teaching",
                violation_error_message=_("A teaching session names its course; exam preparation names none."),
            ),
            models.CheckConstraint(
                condition=Q(mode__in=["face_to_face", "live_remote"]),
                name="session_mode_known",
                violation_error_message=_("A session is face-to-face or live remote."),
            ),
            models.CheckConstraint(
                condition=Q(teacher_person__isnull=False) | ~Q(teacher=""),
                name="session_names_its_teacher",
                violation_error_message=_("Name the session's teacher: their account, or their name."),
            ),
            models.CheckConstraint(
                condition=Q(mode="face_to_face") | Q(location="", location_en=""),
                name="session_live_remote_has_no_location",
                violation_error_message=_("A live remote session has no location."),
            ),
            # Trainees of a face-to-face session are told where to go (courses.services.check_session_place).
            models.CheckConstraint(
                condition=Q(mode="live_remote") | ~Q(location=""),
                name="session_face_to_face_has_location",
                violation_error_message=_("Give the place of a face-to-face session, or make it live remote."),
            ),
        ]
        indexes = [models.Index(fields=["cohort", "held_on"], name="session_cohort_date_idx")]

    def __str__(self) -> str:
        what = self.course.code if self.course_id else self.get_purpose_display()
        return f"{self.cohort.code} · {self.held_on} · {what}"

    @property
    def teacher_name(self) -> str:
        """The teacher in the current language: the account's name when a person is named (the English
        name field where given, on English pages), else the name fields (Chinese where no English one is given).
        Callers listing sessions select ``teacher_person__user``."""
        if self.teacher_person_id is not None:
            return in_current_language(self.teacher_person.user.display_name, self.teacher_en)
        return in_current_language(self.teacher, self.teacher_en)

    @property
    def location_name(self) -> str:
        """Where the session is held, in the current language; empty for a live remote session."""
        return in_current_language(self.location, self.location_en)

    @property
    def is_live_remote(self) -> bool:
        return self.mode == self.Mode.LIVE_REMOTE


class Attendance(models.Model):
    """Hours a trainee attended of a session; written only by ``courses.services``."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("session")
    )
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="attendances", verbose_name=_("enrolment")
    )
    hours = models.DecimalField(_("hours attended"), max_digits=4, decimal_places=1)
    recorded_by = acting_user(_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "enrolment"],
                name="attendance_once_per_session",
                violation_error_message=_("Attendance at this session is already recorded for this enrolment."),
            ),
            models.CheckConstraint(
                condition=Q(hours__gte=0, hours__lte=24),
                name="attendance_hours_in_a_day",
                violation_error_message=_("Attended hours are between 0 and 24."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrolment.trainee} · {self.session}"


class RemoteModule(Bilingual, models.Model):
    """A recorded remote-learning module of a cohort: teaching of one course, or exam preparation.

    Completing it earns its hours toward what its purpose counts for.
    """

    Purpose = Purpose

    cohort = models.ForeignKey(
        Cohort, on_delete=models.CASCADE, related_name="remote_modules", verbose_name=_("cohort")
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices, default=Purpose.TEACHING)
    course = models.ForeignKey(
        Course,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("course"),
        help_text=_("required for teaching; empty for exam preparation"),
    )
    title_zh = models.CharField(_("title (zh-Hant)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    title = InCurrentLanguage()
    hours = models.DecimalField(_("class hours"), max_digits=4, decimal_places=1)
    url = models.URLField(_("link"), blank=True)

    class Meta:
        ordering = ["course__code", "pk"]
        verbose_name = _("remote-learning module")
        verbose_name_plural = _("remote-learning modules")
        constraints = [
            hours_at_most(
                100,
                name="remote_module_hours_positive",
                message=_("A remote module earns more than 0 and at most 100 class hours."),
            ),
            models.CheckConstraint(
                condition=COURSE_IFF_TEACHING,
                name="remote_module_course_iff_teaching",
                violation_error_message=_("A teaching module names its course; exam preparation names none."),
            ),
        ]

    def __str__(self) -> str:
        what = self.course.code if self.course_id else self.get_purpose_display()
        return f"{what} {self.title}"


class RemoteCompletion(models.Model):
    module = models.ForeignKey(
        RemoteModule, on_delete=models.CASCADE, related_name="completions", verbose_name=_("module")
    )
    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="remote_completions", verbose_name=_("enrolment")
    )
    completed_on = models.DateField(_("completed on"))
    recorded_by = acting_user(_("recorded by"))

    class Meta:
        verbose_name = _("remote-learning completion")
        verbose_name_plural = _("remote-learning completions")
        constraints = [
            models.UniqueConstraint(
                fields=["module", "enrolment"],
                name="remote_completion_once",
                violation_error_message=_("This enrolment has already completed this module."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.enrolment.trainee} · {self.module}"


class SelfStudyEntry(Decided, Created):
    """Hours of self-study a trainee logs; they count once the institution confirms them."""

    class Status(models.TextChoices):
        LOGGED = "logged", _("awaiting confirmation")
        CONFIRMED = "confirmed", _("confirmed")
        REJECTED = "rejected", _("rejected")

    enrolment = models.ForeignKey(
        Enrolment, on_delete=models.CASCADE, related_name="self_study", verbose_name=_("enrolment")
    )
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="+", verbose_name=_("course"))
    studied_on = models.DateField(_("studied on"))
    hours = models.DecimalField(_("hours"), max_digits=4, decimal_places=1)
    note = models.CharField(_("what I studied"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.LOGGED)
    # Why the institution rejected it (required then, by the service); the trainee reads it on the dashboard.
    decision_note = models.CharField(_("reason"), max_length=500, blank=True)

    class Meta:
        ordering = ["-studied_on", "-pk"]
        verbose_name = _("self-study entry")
        verbose_name_plural = _("self-study entries")
        constraints = [
            hours_at_most(
                24,
                name="self_study_hours_in_a_day",
                message=_("Self-study hours of a day are more than 0 and at most 24."),
            ),
        ]
        indexes = [models.Index(fields=["enrolment", "studied_on"], name="self_study_enrolment_day_idx")]

    def __str__(self) -> str:
        # As the site writes a day and hours in the active language ("2027年2月3日 · 3 課時", "3 February 2027 · 3 h").
        return f"{self.enrolment.trainee} · {display.date(self.studied_on)} · {class_hours(self.hours)}"
