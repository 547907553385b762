"""Item analysis of the national question bank: per question version, per option and per paper.

Only graded attempts whose result is published count. Everything over answers is aggregated in
the database by set-based SQL (two statements over the answers' table, portable between PostgreSQL
and SQLite); Python then only combines per-item aggregates (a few rows per question version) into
the figures below, and replaces the summary rows in one transaction.

The figures, their rules (README, "Supervision: item analysis"):

* An item's score ``x`` is its score in points; the *corrected total* ``y`` of the attempt is its
  total minus ``x``. Both are summed in cents (integers), so the sums are exact.
* **facility** = mean of ``x / max_score`` over the times the item was shown (a blank scores 0).
* **discrimination** = the corrected item–total point-biserial, Pearson's r of ``x`` and ``y``:
  ``(nΣxy − ΣxΣy) / √((nΣx² − (Σx)²)(nΣy² − (Σy)²))``; none when either has no spread.
* **upper–lower index** = facility in the upper 27 % of the paper's attempts ranked by total (ties
  broken by the earlier attempt) minus facility in the lower 27 %; a group has
  ``round(0.27 × attempts)`` attempts.
* an option's **choice rate** = the share of the times shown on which it was chosen; its
  **discrimination** = the point-biserial of "chose this option" (0/1) and ``y``.
* **exposure** = times shown in counted attempts, and its share of the paper's counted attempts;
  **blank rate** = the share of the times shown left without an answer.
* per paper: **Cronbach's alpha** = k/(k−1) · (1 − Σ wᵢσᵢ² / σ²ₜ) with population variances, k the
  mean number of items an attempt shows and wᵢ the share of attempts that showed item i (1 for
  every item when every attempt shows the same items, which is the textbook formula); when every
  answer scored 0 or full marks this is **KR-20**. **SEM** = σₜ · √(1 − alpha). The **score
  distribution** counts attempts by tenths of their maximum (100 % falls in the last tenth).
* **flags** (only from ``SUPERVISION_MIN_RESPONSES`` responses): see :data:`FLAG_RULES`.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The flag rules, in the order shown. The thresholds are the (18).
TOO_EASY_ABOVE = 0.95
TOO_HARD_BELOW = 0.20
WEAK_BELOW = 0.15
UPPER_LOWER_SHARE = 27  # per cent of a paper's attempts in the upper and in the lower group

FLAG_RULES: dict[str, Promise] = {
    "too_easy": _("too easy: facility above 0.95"),
    "too_hard": _("too hard: facility below 0.20"),
    "weak": _("weak: discrimination from 0 up to 0.15"),
    "negative": _("negative discrimination: the better candidates score lower on it"),
    "unchosen_option": _("an option nobody chooses"),
    # xgettext:no-python-format
    "top_prefers_wrong": _("the upper 27 % chose a wrong option more often than the key"),
}

# Short names for the chart of flags (the rules above are shown beside them).
FLAG_NAMES: dict[str, Promise] = {
    "too_easy": _("too easy"),
    "too_hard": _("too hard"),
    "weak": _("weak"),
    "negative": _("negative discrimination"),
    "unchosen_option": _("option nobody chooses"),
    "top_prefers_wrong": _("wrong option preferred by top"),
}

TEMP_TABLE = "supervision_item_totals"


# ---------------------------------------------------------------------------------- summary tables


class PaperStatistic(models.Model):
    """One paper's reliability and score distribution over its counted attempts."""

    paper = models.OneToOneField(
        "exams.ExamPaper", on_delete=models.CASCADE, related_name="+", verbose_name=_("exam paper")
    )
    attempts = models.PositiveIntegerField(_("attempts"))
    items = models.PositiveIntegerField(_("question versions shown"))
    items_per_attempt = models.FloatField(_("questions per attempt"))
    max_score = models.FloatField(_("maximum score"))
    mean_score = models.FloatField(_("mean score"), null=True)
    sd_score = models.FloatField(_("standard deviation of the score"), null=True)
    alpha = models.FloatField(_("Cronbach's alpha"), null=True)
    dichotomous = models.BooleanField(_("every answer scored 0 or full marks"), default=True)
    sem = models.FloatField(_("standard error of measurement"), null=True)
    histogram = models.JSONField(_("attempts by tenth of the maximum score"), default=list)
    flagged_items = models.PositiveIntegerField(_("flagged question versions"), default=0)

    class Meta:
        verbose_name = _("item analysis of a paper")
        verbose_name_plural = _("item analyses of papers")

    def __str__(self) -> str:
        return f"{self.paper_id}: {self.attempts}"


class ItemStatistic(models.Model):
    """One question version's figures in one paper."""

    paper = models.ForeignKey("exams.ExamPaper", on_delete=models.CASCADE, related_name="+")
    question = models.ForeignKey("exams.Question", on_delete=models.CASCADE, related_name="+")
    responses = models.PositiveIntegerField(_("times shown"))
    answered = models.PositiveIntegerField(_("answered"))
    facility = models.FloatField(_("facility"), null=True)
    discrimination = models.FloatField(_("discrimination"), null=True)
    upper_lower = models.FloatField(_("upper–lower index"), null=True)
    exposure_rate = models.FloatField(_("exposure rate"), null=True)
    blank_rate = models.FloatField(_("blank rate"), null=True)
    dichotomous = models.BooleanField(default=True)
    flags = models.JSONField(_("flags"), default=list)
    flagged = models.BooleanField(_("flagged"), default=False)

    class Meta:
        verbose_name = _("item analysis of a question")
        verbose_name_plural = _("item analyses of questions")
        constraints = [models.UniqueConstraint(fields=["paper", "question"], name="supervision_item_statistic_unique")]
        indexes = [models.Index(fields=["paper", "flagged"], name="sv_item_paper_flag_idx")]

    def __str__(self) -> str:
        return f"{self.paper_id}/{self.question_id}"


class OptionStatistic(models.Model):
    """One option of a choice question: how often it is chosen, and by whom."""

    item = models.ForeignKey(ItemStatistic, on_delete=models.CASCADE, related_name="option_rows")
    position = models.PositiveSmallIntegerField(_("position"))  # in the question's own order
    key = models.CharField(_("option key"), max_length=200)
    is_key = models.BooleanField(_("correct option"))
    chosen = models.PositiveIntegerField(_("chosen"))
    choice_rate = models.FloatField(_("choice rate"), null=True)
    discrimination = models.FloatField(_("discrimination"), null=True)
    upper_chosen = models.PositiveIntegerField(_("chosen by the upper 27 %"))
    lower_chosen = models.PositiveIntegerField(_("chosen by the lower 27 %"))

    class Meta:
        verbose_name = _("item analysis of an option")
        verbose_name_plural = _("item analyses of options")
        ordering = ["item", "position"]

    def __str__(self) -> str:
        return f"{self.item_id}:{self.key}"


# ---------------------------------------------------------------------------------- the statistics


@dataclass
class Sums:
    """The sums of x, x², y, y² and xy over n pairs (integers: cents)."""

    n: int = 0
    sx: int = 0
    sxx: int = 0
    sy: int = 0
    syy: int = 0
    sxy: int = 0

    @classmethod
    def of_group(cls, n: int, x: int, s_total: int, s_total2: int) -> Sums:
        """The sums over n answers that all scored x, in attempts whose totals t sum to Σt and Σt²
        (y = t − x)."""
        return cls(
            n=n,
            sx=n * x,
            sxx=n * x * x,
            sy=s_total - n * x,
            syy=s_total2 - 2 * x * s_total + n * x * x,
            sxy=x * s_total - n * x * x,
        )

    def add(self, other: Sums) -> None:
        self.n += other.n
        self.sx += other.sx
        self.sxx += other.sxx
        self.sy += other.sy
        self.syy += other.syy
        self.sxy += other.sxy


def point_biserial(sums: Sums) -> float | None:
    """Pearson's r from sums (exact integers in, one float out); None when a variable is constant."""
    n, sx, sxx, sy, syy, sxy = sums.n, sums.sx, sums.sxx, sums.sy, sums.syy, sums.sxy
    spread_x = n * sxx - sx * sx
    spread_y = n * syy - sy * sy
    if n < 2 or spread_x <= 0 or spread_y <= 0:
        return None
    r = (n * sxy - sx * sy) / math.sqrt(spread_x) / math.sqrt(spread_y)
    return max(-1.0, min(1.0, r))


def cronbach_alpha(k: float, weighted_item_variance: float, total_variance: float) -> float | None:
    if k <= 1 or total_variance <= 0:
        return None
    return k / (k - 1) * (1 - weighted_item_variance / total_variance)


@dataclass
class _Item:
    paper_id: int
    question_id: int
    all: Sums = field(default_factory=Sums)
    blanks: int = 0
    group_n: dict[int, int] = field(default_factory=lambda: {1: 0, -1: 0})
    group_sx: dict[int, int] = field(default_factory=lambda: {1: 0, -1: 0})
    # per answer pattern (a tuple of option keys): times, Σy of the attempts, and by group
    patterns: dict[tuple[str, ...], list[int]] = field(default_factory=dict)


def _keys_of(pattern: Any) -> tuple[str, ...]:
    """The chosen option keys of a stored choice answer (a sorted JSON list), () for a blank."""
    if pattern is None:
        return ()
    value = json.loads(pattern) if isinstance(pattern, str | bytes) else pattern
    if not isinstance(value, list):
        return ()
    return tuple(str(k) for k in value)


# ---------------------------------------------------------------------------------- the SQL


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _tables() -> dict[str, str]:
    from exams.models import Attempt, AttemptQuestion, CourseResult, Question

    return {
        "attempt": _q(Attempt._meta.db_table),
        "item": _q(AttemptQuestion._meta.db_table),
        "question": _q(Question._meta.db_table),
        "result": _q(CourseResult._meta.db_table),
        "totals": _q(TEMP_TABLE),
    }


def _cents(expression: str) -> str:
    """A decimal column in cents, exactly: PostgreSQL's numeric converts exactly; SQLite keeps a REAL
    (0.29 * 100 is 28.999…), hence its ROUND."""
    if connection.vendor == "postgresql":
        return f"CAST({expression} * 100 AS BIGINT)"
    return f"CAST(ROUND({expression} * 100) AS INTEGER)"


def _totals_sql() -> str:
    """The counted attempts with their total and maximum (cents) and their 27 % group (1 upper, -1 lower).

    The total is the published result's score, which grading made the sum of the item scores
    (``exams.services.grading``): reading it from the result spares a pass over every answer.
    """
    t = _tables()
    group = f"(({UPPER_LOWER_SHARE} * COUNT(*) OVER per_paper + 50) / 100)"  # round(0.27 n), integer division
    return f"""
        CREATE TEMP TABLE {t["totals"]} AS
        WITH totals AS (
            SELECT a.id AS attempt_id, a.paper_id AS paper_id,
                   {_cents("r.score")} AS total, {_cents("r.max_score")} AS max_total
            FROM {t["attempt"]} a
            JOIN {t["result"]} r ON r.attempt_id = a.id
            WHERE a.state = 'graded' AND r.published_at IS NOT NULL
        )
        SELECT attempt_id, paper_id, total, total * total AS total2, max_total,
               CASE WHEN ROW_NUMBER() OVER ranked <= {group} THEN 1
                    WHEN ROW_NUMBER() OVER ranked > COUNT(*) OVER per_paper - {group} THEN -1
                    ELSE 0 END AS grp
        FROM totals
        WINDOW ranked AS (PARTITION BY paper_id ORDER BY total DESC, attempt_id),
               per_paper AS (PARTITION BY paper_id)
    """


def _items_sql() -> str:
    """Per question version, answer, score and 27 % group: the times, and the sums of the attempts'
    totals and squared totals.

    A choice answer is grouped by its stored value (a sorted list of option keys: a handful of
    values a question), and Python tells a blank from it; an essay is only blank or not. With the
    item's score ``x`` in the key, the sums of x, x², y, y² and xy of a group follow from n, x, Σt
    and Σt² (``Sums.of_group``): three aggregates a row instead of six.
    """
    t = _tables()
    return f"""
        SELECT question_id, paper_id, pattern, essay_blank, grp, x, COUNT(*), SUM(total), SUM(total2)
        FROM (
            SELECT i.question_id AS question_id, t.paper_id AS paper_id, t.grp AS grp,
                   t.total AS total, t.total2 AS total2,
                   CASE WHEN q.question_type = 'essay' THEN NULL ELSE i.answer END AS pattern,
                   CASE WHEN q.question_type <> 'essay' THEN NULL
                        WHEN i.answer IS NULL OR i.answer IN ('null', '""') THEN 1 ELSE 0 END AS essay_blank,
                   {_cents("COALESCE(i.score, 0)")} AS x
            FROM {t["item"]} i
            JOIN {t["totals"]} t ON t.attempt_id = i.attempt_id
            JOIN {t["question"]} q ON q.id = i.question_id
        ) answers
        GROUP BY question_id, paper_id, pattern, essay_blank, grp, x
    """


def _papers_sql() -> str:
    t = _tables()
    return f"""
        SELECT paper_id, COUNT(*), SUM(total), SUM(total * total), SUM(max_total)
        FROM {t["totals"]} GROUP BY paper_id
    """


def _histogram_sql() -> str:
    t = _tables()
    return f"""
        SELECT paper_id, CASE WHEN total >= max_total THEN 9 ELSE (total * 10) / max_total END AS tenth, COUNT(*)
        FROM {t["totals"]} GROUP BY paper_id, CASE WHEN total >= max_total THEN 9 ELSE (total * 10) / max_total END
    """


# ---------------------------------------------------------------------------------- the recomputation


def recompute() -> None:
    """Replace every item-analysis row from the live exam tables, in one transaction."""
    minimum = settings.SUPERVISION_MIN_RESPONSES
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {_tables()['totals']}")
        cursor.execute(_totals_sql())
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {_tables()['totals']}")
            # The answers' groups (a few per question version) fit in memory: no spill to disk.
            cursor.execute("SET LOCAL work_mem = '64MB'")
        cursor.execute(_items_sql())
        items = _collect_items(cursor.fetchall())
        cursor.execute(_papers_sql())
        papers = {row[0]: row[1:] for row in cursor.fetchall()}
        cursor.execute(_histogram_sql())
        histograms: dict[int, list[int]] = defaultdict(lambda: [0] * 10)
        for paper_id, tenth, count in cursor.fetchall():
            histograms[paper_id][int(tenth)] = int(count)
        cursor.execute(f"DROP TABLE {_tables()['totals']}")
        for name in (OptionStatistic, ItemStatistic, PaperStatistic):
            cursor.execute(f"DELETE FROM {_q(name._meta.db_table)}")
        _write(items, papers, histograms, minimum)


def _collect_items(rows: Iterable[tuple[Any, ...]]) -> dict[tuple[int, int], _Item]:
    items: dict[tuple[int, int], _Item] = {}
    for question_id, paper_id, pattern, essay_blank, grp, x, n, s_total, s_total2 in rows:
        item = items.get((paper_id, question_id))
        if item is None:
            item = items[(paper_id, question_id)] = _Item(paper_id=paper_id, question_id=question_id)
        group = Sums.of_group(int(n), int(x), int(s_total), int(s_total2))
        n, sy = group.n, group.sy  # noqa: PLW2901 (n: the count as an int)
        item.all.add(group)
        if grp:
            item.group_n[grp] += n
            item.group_sx[grp] += group.sx
        if essay_blank is not None:
            item.blanks += n if essay_blank else 0
            continue
        keys = _keys_of(pattern)
        if not keys:
            item.blanks += n
            continue
        counts = item.patterns.setdefault(keys, [0, 0, 0, 0])
        counts[0] += n
        counts[1] += sy
        counts[2] += n if grp == 1 else 0
        counts[3] += n if grp == -1 else 0
    return items


def _write(
    items: dict[tuple[int, int], _Item],
    papers: dict[int, tuple[Any, ...]],
    histograms: dict[int, list[int]],
    minimum: int,
) -> None:
    from exams.models import Question

    questions = {
        q["pk"]: q
        for q in Question.objects.filter(pk__in={qid for _, qid in items}).values(
            "pk", "question_type", "options", "correct", "max_score"
        )
    }
    rows: list[ItemStatistic] = []
    options: list[list[OptionStatistic]] = []
    per_paper: dict[int, dict[str, float]] = defaultdict(lambda: {"shown": 0.0, "variance": 0.0, "flagged": 0})
    partial_papers: set[int] = set()
    for (paper_id, question_id), item in sorted(items.items()):
        question = questions[question_id]
        attempts = int(papers[paper_id][0])
        row, option_rows = _item_figures(item, question, attempts, minimum)
        rows.append(row)
        options.append(option_rows)
        s = item.all
        acc = per_paper[paper_id]
        acc["shown"] += s.n
        # population variance of the item score (cents²), weighted by the share of attempts that showed it
        acc["variance"] += (s.n * s.sxx - s.sx * s.sx) / (s.n * s.n) * s.n / attempts
        acc["flagged"] += int(row.flagged)
        if not row.dichotomous:
            partial_papers.add(paper_id)
    ItemStatistic.objects.bulk_create(rows, batch_size=1000)
    OptionStatistic.objects.bulk_create(
        [option for row, option_rows in zip(rows, options, strict=True) for option in _with_item(row, option_rows)],
        batch_size=2000,
    )
    paper_rows = []
    for paper_id, sums in papers.items():
        n, s_total, s_total2, s_max = (int(v) for v in sums)
        acc = per_paper[paper_id]
        k = acc["shown"] / n
        variance = (n * s_total2 - s_total * s_total) / (n * n)
        alpha = cronbach_alpha(k, acc["variance"], variance)
        sd = math.sqrt(variance) / 100
        paper_rows.append(
            PaperStatistic(
                paper_id=paper_id,
                attempts=n,
                items=sum(1 for p, _ in items if p == paper_id),
                items_per_attempt=k,
                max_score=s_max / n / 100,
                mean_score=s_total / n / 100,
                sd_score=sd,
                alpha=alpha,
                dichotomous=paper_id not in partial_papers,
                sem=None if alpha is None else sd * math.sqrt(max(0.0, 1 - alpha)),
                histogram=histograms[paper_id],
                flagged_items=int(acc["flagged"]),
            )
        )
    PaperStatistic.objects.bulk_create(paper_rows)


def _with_item(row: ItemStatistic, option_rows: list[OptionStatistic]) -> list[OptionStatistic]:
    for option in option_rows:
        option.item = row
    return option_rows


def _item_figures(
    item: _Item, question: Mapping[str, Any], attempts: int, minimum: int
) -> tuple[ItemStatistic, list[OptionStatistic]]:
    s = item.all
    max_cents = round(float(question["max_score"]) * 100)
    facility = s.sx / (s.n * max_cents)
    discrimination = point_biserial(s)
    upper_lower = None
    if item.group_n[1] and item.group_n[-1]:
        upper_lower = item.group_sx[1] / (item.group_n[1] * max_cents) - item.group_sx[-1] / (
            item.group_n[-1] * max_cents
        )
    option_rows = []
    correct = {str(k) for k in question["correct"] or []}
    if question["question_type"] != "essay":
        for position, option in enumerate(question["options"] or []):
            key = str(option.get("key", position)) if isinstance(option, dict) else str(option)
            chosen = upper = lower = 0
            chooser_sy = 0
            for keys, (times, sy, up, low) in item.patterns.items():
                if key in keys:
                    chosen, chooser_sy, upper, lower = chosen + times, chooser_sy + sy, upper + up, lower + low
            option_rows.append(
                OptionStatistic(
                    position=position,
                    key=key,
                    is_key=key in correct,
                    chosen=chosen,
                    choice_rate=chosen / s.n,
                    discrimination=point_biserial(Sums(s.n, chosen, chosen, s.sy, s.syy, chooser_sy)),
                    upper_chosen=upper,
                    lower_chosen=lower,
                )
            )
    flags = _flags(facility, discrimination, option_rows) if s.n >= minimum else []
    row = ItemStatistic(
        paper_id=item.paper_id,
        question_id=item.question_id,
        responses=s.n,
        answered=s.n - item.blanks,
        facility=facility,
        discrimination=discrimination,
        upper_lower=upper_lower,
        exposure_rate=s.n / attempts if attempts else None,
        blank_rate=item.blanks / s.n,
        # every score 0 or full marks: Σ x(m − x) = mΣx − Σx² is 0 (each term is at least 0)
        dichotomous=max_cents * s.sx - s.sxx == 0,
        flags=flags,
        flagged=bool(flags),
    )
    return row, option_rows


def _flags(facility: float, discrimination: float | None, options: list[OptionStatistic]) -> list[str]:
    flags = []
    if facility > TOO_EASY_ABOVE:
        flags.append("too_easy")
    if facility < TOO_HARD_BELOW:
        flags.append("too_hard")
    if discrimination is not None and 0 <= discrimination < WEAK_BELOW:
        flags.append("weak")
    if discrimination is not None and discrimination < 0:
        flags.append("negative")
    if any(option.chosen == 0 for option in options):
        flags.append("unchosen_option")
    keys = [option.upper_chosen for option in options if option.is_key]
    if keys and any(option.upper_chosen > min(keys) for option in options if not option.is_key):
        flags.append("top_prefers_wrong")
    return flags


# ---------------------------------------------------------------------------------- the reads


def enough(responses: int) -> bool:
    return responses >= settings.SUPERVISION_MIN_RESPONSES


def paper_statistics() -> QuerySet[PaperStatistic]:
    return PaperStatistic.objects.select_related("paper__course").order_by("paper__course__code")


def flag_counts(paper_id: int) -> dict[str, int]:
    """How many of a paper's question versions each rule flags (one query over its flagged rows only)."""
    counts = dict.fromkeys(FLAG_RULES, 0)
    for flags in ItemStatistic.objects.filter(paper_id=paper_id, flagged=True).values_list("flags", flat=True):
        for code in flags:
            counts[code] = counts.get(code, 0) + 1
    return counts


# What the item analysis page reads of a question version's row and its question.
ITEM_COLUMNS = (
    "id",
    "question_id",
    "responses",
    "exposure_rate",
    "blank_rate",
    "facility",
    "discrimination",
    "upper_lower",
    "flags",
    "question__family",
    "question__version",
    "question__question_type",
    "question__options",
    "question__status",
)


def option_values(item_ids: list[int]) -> dict[int, list[tuple[Any, ...]]]:
    """The options of these rows (one query): per row id, in position order, (position, is_key,
    chosen, choice_rate, discrimination, upper_chosen, lower_chosen)."""
    found: dict[int, list[tuple[Any, ...]]] = defaultdict(list)
    rows = (
        OptionStatistic.objects.filter(item_id__in=item_ids)
        .order_by("item_id", "position")
        .values_list(
            "item_id", "position", "is_key", "chosen", "choice_rate", "discrimination", "upper_chosen", "lower_chosen"
        )
    )
    for item_id, *values in rows:
        found[item_id].append(tuple(values))
    return found


def item_statistics(*, paper_id: int, flagged_only: bool = False) -> QuerySet[ItemStatistic]:
    """A paper's question versions with their options (one query for the options, whatever their number)."""
    rows = (
        ItemStatistic.objects.filter(paper_id=paper_id)
        .select_related("question")
        .prefetch_related("option_rows")
        .order_by("-flagged", "question_id")
    )
    return rows.filter(flagged=True) if flagged_only else rows
