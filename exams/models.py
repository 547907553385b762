"""The national question bank, exam papers, sittings, attempts and course results.

A question row is immutable once an attempt has shown it: editing it makes a new version of the
same family (``services.question_bank.do_revise_question``), and ``AttemptQuestion`` keeps pointing at the
version the trainee saw.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.bilingual import Bilingual, InCurrentLanguage, in_current_language
from core.fields import acting_user, announcement_claim
from core.models import Created, MailClaim
from core.text_rules import refuse_control_characters
from courses.knowledge import KnowledgeArea  # the catalog's areas: syllabus topics carry them too


class QuestionType(models.TextChoices):
    SINGLE = "single", _("single choice")
    MULTIPLE = "multiple", _("multiple choice")
    TRUE_FALSE = "true_false", _("true or false")
    ESSAY = "essay", _("essay")


OBJECTIVE_TYPES = (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE)


class Question(Bilingual, Created):
    """One version of a bank question.

    ``options``: ``[{"key": "a", "zh": "…", "en": "…"}, …]``; ``correct``: the keys of the right
    options. Keys never leave the server: the exam page names options by their shown position.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        ACTIVE = "active", _("active")
        RETIRED = "retired", _("retired")

    family = models.UUIDField(_("question family"), default=uuid.uuid4, db_index=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    course = models.ForeignKey(
        "courses.Course", on_delete=models.PROTECT, related_name="questions", verbose_name=_("course")
    )
    knowledge_area = models.CharField(_("knowledge area"), max_length=20, choices=KnowledgeArea.choices)
    difficulty = models.PositiveSmallIntegerField(_("difficulty"), help_text=_("1 (easy) to 5 (hard)"))
    question_type = models.CharField(_("type"), max_length=12, choices=QuestionType.choices)
    text_zh = models.TextField(_("text (zh-Hant)"))
    text_en = models.TextField(_("text (English)"))
    text = InCurrentLanguage()
    options = models.JSONField(_("options"), default=list, blank=True)
    correct = models.JSONField(_("correct options"), default=list, blank=True)
    rubric_zh = models.TextField(_("rubric (zh-Hant)"), blank=True)
    rubric_en = models.TextField(_("rubric (English)"), blank=True)
    rubric = InCurrentLanguage()
    max_score = models.DecimalField(_("maximum score"), max_digits=5, decimal_places=2, default=1)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)

    class Meta:
        ordering = ["course", "family", "-version"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(
                fields=["family", "version"],
                name="question_one_row_per_version",
                violation_error_message=_("This version of the question already exists."),
            ),
            models.UniqueConstraint(
                fields=["family"],
                condition=~Q(status="retired"),
                name="question_one_live_version",
                violation_error_message=_("This question already has a version in use; retire it first."),
            ),
            models.CheckConstraint(
                condition=Q(difficulty__gte=1, difficulty__lte=5),
                name="question_difficulty_1_to_5",
                violation_error_message=_("Difficulty is from 1 to 5."),
            ),
            models.CheckConstraint(
                condition=Q(max_score__gt=0),
                name="question_max_score_positive",
                violation_error_message=_("The maximum score must be more than 0."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["course", "status", "question_type", "difficulty", "knowledge_area"], name="question_draw_idx"
            )
        ]

    def __str__(self) -> str:
        return f"{self.text[:60]} (v{self.version})"

    @property
    def is_essay(self) -> bool:
        return self.question_type == QuestionType.ESSAY


class ExamPaper(Created):
    """The unified exam subject of one course."""

    class MultipleScoring(models.TextChoices):
        ALL_OR_NOTHING = "all_or_nothing", _("all or nothing")
        PARTIAL = "partial", _("partial credit")

    course = models.OneToOneField(
        "courses.Course", on_delete=models.PROTECT, related_name="exam_paper", verbose_name=_("course")
    )
    time_limit_minutes = models.PositiveIntegerField(_("time limit (minutes)"), default=60)
    pass_mark = models.PositiveSmallIntegerField(_("pass mark (%)"), default=60)
    multiple_scoring = models.CharField(
        _("multiple choice scoring"),
        max_length=20,
        choices=MultipleScoring.choices,
        default=MultipleScoring.ALL_OR_NOTHING,
    )
    max_attempts = models.PositiveSmallIntegerField(_("maximum attempts"), default=3)
    retake_wait_days = models.PositiveSmallIntegerField(_("retake wait (days)"), default=7)
    essay_max_chars = models.PositiveIntegerField(_("essay length limit (characters)"), default=5000)

    class Meta:
        ordering = ["course__code"]
        verbose_name = _("exam paper")
        verbose_name_plural = _("exam papers")
        constraints = [
            # 0% would pass every attempt, a blank one too.
            models.CheckConstraint(
                condition=Q(pass_mark__gte=1, pass_mark__lte=100),
                name="paper_pass_mark_percent",
                violation_error_message=_("The pass mark is a percentage from 1 to 100."),
            ),
            models.CheckConstraint(
                condition=Q(time_limit_minutes__gt=0),
                name="paper_time_limit_positive",
                violation_error_message=_("The time limit must be at least one minute."),
            ),
            models.CheckConstraint(
                condition=Q(max_attempts__gt=0),
                name="paper_max_attempts_positive",
                violation_error_message=_("At least one attempt must be allowed."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.course)


class BlueprintRow(models.Model):
    """How many questions of one type, difficulty and knowledge area a paper draws."""

    paper = models.ForeignKey(ExamPaper, on_delete=models.CASCADE, related_name="blueprint", verbose_name=_("paper"))
    question_type = models.CharField(_("type"), max_length=12, choices=QuestionType.choices)
    difficulty = models.PositiveSmallIntegerField(_("difficulty"))
    knowledge_area = models.CharField(_("knowledge area"), max_length=20, choices=KnowledgeArea.choices)
    count = models.PositiveSmallIntegerField(_("number of questions"))

    class Meta:
        ordering = ["paper", "pk"]
        verbose_name = _("blueprint row")
        verbose_name_plural = _("blueprint")
        constraints = [
            models.UniqueConstraint(
                fields=["paper", "question_type", "difficulty", "knowledge_area"],
                name="blueprint_row_unique",
                violation_error_message=_(
                    "The blueprint already has a row for this question type, difficulty and knowledge area."
                ),
            ),
            models.CheckConstraint(
                condition=Q(count__gt=0),
                name="blueprint_count_positive",
                violation_error_message=_("The number of questions must be more than 0."),
            ),
            models.CheckConstraint(
                condition=Q(difficulty__gte=1, difficulty__lte=5),
                name="blueprint_difficulty_1_to_5",
                violation_error_message=_("Difficulty is from 1 to 5."),
            ),
        ]

    def __str__(self) -> str:
        question_type, area = self.get_question_type_display(), self.get_knowledge_area_display()
        return f"{self.count} × {question_type} / {self.difficulty} / {area}"


class Sitting(Created):
    """A window in which a cohort's trainees may sit one paper, scheduled by the institution."""

    paper = models.ForeignKey(ExamPaper, on_delete=models.PROTECT, related_name="sittings", verbose_name=_("paper"))
    cohort = models.ForeignKey(
        "courses.Cohort", on_delete=models.PROTECT, related_name="exam_sittings", verbose_name=_("cohort")
    )
    opens_at = models.DateTimeField(_("window opens"))
    closes_at = models.DateTimeField(_("window closes"))
    is_online = models.BooleanField(_("online"), default=False)
    # As a training session's location: the Chinese field kept its name when the English one came.
    # Shown to every trainee of the cohort: no invisible control character (core.text_rules), in a form or not
    # (``services.attempts.check_sitting_fits``).
    place = models.CharField(_("place (zh-Hant)"), max_length=200, blank=True, validators=[refuse_control_characters])
    place_en = models.CharField(
        _("place (English)"), max_length=200, blank=True, help_text=_("English pages show the location otherwise"),
        validators=[refuse_control_characters],
    )  # fmt: skip

    class Meta:
        ordering = ["opens_at", "pk"]
        verbose_name = _("sitting")
        verbose_name_plural = _("sittings")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=F("opens_at")),
                name="sitting_window_ordered",
                violation_error_message=_("The sitting must close after it opens."),
            ),
            models.CheckConstraint(
                condition=Q(is_online=True) | ~Q(place=""),
                name="sitting_place_or_online",
                violation_error_message=_("Give the place of the sitting, or mark it as online."),
            ),
            # As a live remote training session has no location (courses.TrainingSession).
            models.CheckConstraint(
                condition=Q(is_online=False) | Q(place="", place_en=""),
                name="sitting_online_has_no_place",
                violation_error_message=_("An online sitting has no place."),
            ),
            models.UniqueConstraint(
                fields=["cohort", "paper", "opens_at"],
                name="sitting_once_per_opening",
                violation_error_message=_("This cohort already has a sitting of this paper opening at that time."),
            ),
        ]
        indexes = [models.Index(fields=["cohort", "closes_at"], name="sitting_cohort_closes_idx")]

    def __str__(self) -> str:
        return f"{self.paper} · {self.cohort.code} · {self.opens_at:%Y-%m-%d}"

    @property
    def place_name(self) -> str:
        """Where the sitting is held, in the current language (the Chinese place where no English one is given)."""
        return in_current_language(self.place, self.place_en)


class Attempt(models.Model):
    class State(models.TextChoices):
        OPEN = "open", _("in progress")
        SUBMITTED = "submitted", _("submitted")
        GRADING = "grading", _("awaiting essay grading")
        GRADED = "graded", _("graded")

    sitting = models.ForeignKey(Sitting, on_delete=models.PROTECT, related_name="attempts", verbose_name=_("sitting"))
    paper = models.ForeignKey(ExamPaper, on_delete=models.PROTECT, related_name="attempts", verbose_name=_("paper"))
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="exam_attempts", verbose_name=_("trainee")
    )
    number = models.PositiveSmallIntegerField(_("attempt number"))
    seed = models.BigIntegerField(_("random seed"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN, db_index=True)
    started_at = models.DateTimeField(_("started at"))
    deadline = models.DateTimeField(_("deadline"), db_index=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    submitted_automatically = models.BooleanField(_("submitted at the deadline"), default=False)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("attempt")
        verbose_name_plural = _("attempts")
        constraints = [
            models.UniqueConstraint(
                fields=["trainee", "paper"],
                condition=Q(state="open"),
                name="attempt_one_open_per_trainee_paper",
                violation_error_message=_("This trainee already has an open attempt at this paper."),
            ),
            models.UniqueConstraint(
                fields=["trainee", "paper", "number"],
                name="attempt_number_unique",
                violation_error_message=_("This attempt number is already used for this trainee and paper."),
            ),
            models.CheckConstraint(
                condition=Q(state="open") | Q(submitted_at__isnull=False),
                name="attempt_submitted_has_time",
                violation_error_message=_("A submitted attempt needs its submission time."),
            ),
        ]
        indexes = [models.Index(fields=["state", "deadline"], name="attempt_state_deadline_idx")]

    def __str__(self) -> str:
        return f"{self.trainee} · {self.paper} #{self.number}"


class AttemptQuestion(models.Model):
    """One drawn question of an attempt, the option order shown, and the answer as last saved."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="items", verbose_name=_("attempt"))
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+", verbose_name=_("question"))
    position = models.PositiveSmallIntegerField(_("position"))
    option_order = models.JSONField(_("option order"), default=list)
    answer = models.JSONField(_("answer"), null=True, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=2, null=True, blank=True)
    grader = acting_user(_("grader"))
    grader_note = models.TextField(_("grader's note"), blank=True)
    graded_at = models.DateTimeField(_("graded at"), null=True, blank=True)

    class Meta:
        ordering = ["attempt", "position"]
        verbose_name = _("attempt question")
        verbose_name_plural = _("attempt questions")
        constraints = [
            models.UniqueConstraint(
                fields=["attempt", "position"],
                name="attempt_question_position_unique",
                violation_error_message=_("This attempt already has a question at this position."),
            ),
            models.UniqueConstraint(
                fields=["attempt", "question"],
                name="attempt_question_once",
                violation_error_message=_("This question is already part of this attempt."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attempt} · {self.position}"


class EssayAnswerManager(models.Manager):
    def get_queryset(self) -> models.QuerySet:
        # Essays of submitted attempts only: an essay being written is nobody's business yet.
        return super().get_queryset().filter(question__question_type=QuestionType.ESSAY).exclude(attempt__state="open")


class EssayAnswer(AttemptQuestion):
    """The essay grading queue in admin (essay items of submitted attempts)."""

    objects = EssayAnswerManager()

    class Meta:
        proxy = True
        verbose_name = _("essay answer")
        verbose_name_plural = _("essay grading queue")

    def __str__(self) -> str:
        """Who wrote it, for which course, at which attempt, and which question: "陳怡君 · BCM-101 銀行客戶經理概論 ·
        第 1 次作答 · 第 6 題" (the admin reads the attempt with its trainee and course at once)."""
        attempt = self.attempt
        trainee = attempt.trainee.display_name or attempt.trainee.email
        number = gettext("attempt %(n)s") % {"n": attempt.number}
        return f"{trainee} · {attempt.paper.course} · {number} · {self.question_label}"

    @property
    def question_label(self) -> str:
        """The question's number in its attempt, as the exam page numbers it ("第 6 題", "Question 6")."""
        return gettext("Question %(n)s") % {"n": self.position}


class CourseResult(models.Model):
    """The grade of one attempt: one per attempt (the database says so), final when published."""

    attempt = models.OneToOneField(Attempt, on_delete=models.PROTECT, related_name="result", verbose_name=_("attempt"))
    trainee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="course_results", verbose_name=_("trainee")
    )
    course = models.ForeignKey("courses.Course", on_delete=models.PROTECT, related_name="+", verbose_name=_("course"))
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2, null=True, blank=True)
    max_score = models.DecimalField(_("maximum score"), max_digits=7, decimal_places=2)
    percent = models.DecimalField(_("percent"), max_digits=5, decimal_places=2, null=True, blank=True)
    passed = models.BooleanField(_("passed"), null=True)
    graded_at = models.DateTimeField(_("graded at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True, db_index=True)
    mailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)
    announced_at = announcement_claim()  # of result_published

    class Meta:
        ordering = ["-graded_at"]
        verbose_name = _("course result")
        verbose_name_plural = _("course results")
        constraints = [
            models.CheckConstraint(
                condition=Q(published_at__isnull=True) | Q(passed__isnull=False, score__isnull=False),
                name="result_published_is_complete",
                violation_error_message=_("A published result needs its score and whether it passed."),
            )
        ]
        indexes = [
            models.Index(fields=["trainee", "course"], name="result_trainee_course_idx"),
            # The grading sweep reads the published results not yet announced: few, whatever the table's size.
            models.Index(
                fields=["published_at"],
                condition=Q(published_at__isnull=False, announced_at__isnull=True),
                name="result_unannounced_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.trainee} · {self.course}"


class EssayOverdueReminder(models.Model):
    """An essay still unmarked past the service level (``EXAM_ESSAY_MARKING_DAYS``), reminded to its
    institution's admins once: the row is claimed in the transaction that sends the mail, and the
    database refuses a second row for the same essay (``services.essay_marking``)."""

    item = models.ForeignKey(
        AttemptQuestion, on_delete=models.CASCADE, related_name="+", verbose_name=_("essay answer")
    )
    institution = models.ForeignKey(
        "accounts.Institution", on_delete=models.CASCADE, related_name="+", verbose_name=_("institution")
    )
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("overdue essay reminder")
        verbose_name_plural = _("overdue essay reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["item"],
                name="essay_overdue_reminded_once",
                violation_error_message=_("The institution has already been reminded of this essay."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.item_id} · {self.sent_at:%Y-%m-%d}"


class GraderDigestSent(MailClaim):
    """The daily digest of waiting essays, claimed for one grader and day before it is mailed: a beat
    run repeated the same day, or a retried task, finds the row and sends nothing."""

    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)  # labelled, as migrated before MailClaim

    class Meta:
        verbose_name = _("grader digest sent")
        verbose_name_plural = _("grader digests sent")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "day"],
                name="grader_digest_once_per_day",
                violation_error_message=_("This grader has already had the digest of this day."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.day}"
