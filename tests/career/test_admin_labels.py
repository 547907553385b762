"""The register's admin pages read in the page's language: rows named in words (no ids, codes or English on
Chinese pages), labels of their own where a shared word would mislead (a period is not a cohort, a scheme is
not a person), a refusal said once, and the program office's counts on the bank's page as in the list."""

import re
from decimal import Decimal

import pytest
from django.apps import apps
from django.utils import translation
from django.utils.functional import Promise

from career.models import ComplianceEvent, EvaluationPeriod, EvaluationScheme, EvaluationScore, GradeChange
from career.services import evaluations
from courses.models import Cohort
from tests.conftest import in_english, logged_in

pytestmark = pytest.mark.django_db


def flag(grade_row, compliant=False):
    return ComplianceEvent.objects.create(
        grade=grade_row, episode=1, compliant=compliant, manager_class=grade_row.manager_class, level=grade_row.level
    )


def test_rows_are_named_in_words_of_the_page_language(graded, trainee, hr_staff):
    grade_row, _certificate = graded
    change = GradeChange.objects.get(grade=grade_row)
    event = flag(grade_row)
    with translation.override("en"):
        assert str(change) == f"{trainee}: personal · intermediate (first grade)"
        assert str(event) == f"{trainee} · personal · intermediate: not backed by a certificate"
    with translation.override("zh-hant"):
        for text in (str(change), str(event)):
            assert "個人類" in text and "personal" not in text and "intermediate" not in text, text
            assert f"{grade_row.pk}:" not in text and "#" not in text


def test_a_promotions_history_row_names_both_grades(graded, trainee, hr_staff):
    grade_row, _certificate = graded
    promoted = GradeChange.objects.create(
        grade=grade_row, old_class="personal", old_level="junior", new_class="personal", new_level="intermediate",
        reason=GradeChange.Reason.PROMOTION,
    )  # fmt: skip
    with translation.override("en"):
        assert str(promoted) == f"{trainee}: personal · junior → personal · intermediate (promotion)"


def test_an_evaluation_score_is_named_by_its_dimension_in_the_page_language(employer, trainee):
    scheme = evaluations.do_save_scheme(employer=employer, name="2026 考核", period_kinds=["quarterly"])
    dimension = scheme.dimensions.get(code="performance")
    score = EvaluationScore(dimension=dimension, score=Decimal("93.00"))
    with translation.override("en"):
        assert str(score) == "Performance indicators: 93.00"
    with translation.override("zh-hant"):
        assert str(score) == "業績指標: 93.00"


def test_every_label_of_the_register_is_translatable():
    untranslated = []
    for model in apps.get_app_config("career").get_models():
        for field in model._meta.get_fields():
            if field.auto_created or not field.concrete:
                continue
            if model._meta.model_name == "digestsent" and field.name in ("user", "sent_at"):
                continue  # core.models.MailClaim's (core's to label)
            if not isinstance(field.verbose_name, Promise):
                untranslated.append(f"{model._meta.label}.{field.name}")
    assert untranslated == []


def test_a_periods_days_and_a_schemes_name_have_words_of_their_own():
    with translation.override("zh-hant"):
        period_start = str(EvaluationPeriod._meta.get_field("starts_on").verbose_name)
        period_end = str(EvaluationPeriod._meta.get_field("ends_on").verbose_name)
        assert period_start != str(Cohort._meta.get_field("starts_on").verbose_name)
        assert period_end != str(Cohort._meta.get_field("ends_on").verbose_name)
        assert str(EvaluationScheme._meta.get_field("name").verbose_name) != "姓名"  # a scheme is not a person


def test_the_scheme_form_labels_its_dimensions_in_the_page_language(employer, hr_staff):
    client = logged_in(hr_staff)
    english = client.get("/en/admin/career/evaluationscheme/add/").content.decode()
    assert "Performance indicators (%)" in english and "業績指標" not in english
    chinese = client.get("/zh-hant/admin/career/evaluationscheme/add/").content.decode()
    assert "業績指標 (%)" in chinese and "Performance indicators" not in chinese


def test_a_period_ending_before_it_starts_is_refused_once(employer, hr_staff):
    scheme = evaluations.do_save_scheme(employer=employer, name="2026 考核", period_kinds=["quarterly"])
    page = logged_in(hr_staff).post(
        "/en/admin/career/evaluationperiod/add/",
        {"scheme": scheme.pk, "kind": "quarterly", "starts_on": "2026-12-31", "ends_on": "2026-12-01"},
    )
    assert page.status_code == 200
    assert page.content.decode().count("A period ends on or after the day it starts.") == 1
    assert not EvaluationPeriod.objects.exists()


def test_the_program_office_sees_the_counts_on_a_banks_page(graded, trainee, employer, program_office):
    grade_row, _certificate = graded
    flag(grade_row)
    type(grade_row).objects.filter(pk=grade_row.pk).update(compliant=False, non_compliant_since=grade_row.updated_at)
    page = logged_in(in_english(program_office)).get(f"/en/admin/career/registercompliance/{employer.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()

    def shown(field):
        block = re.search(rf'class="[^"]*field-{field}[^"]*".*?<div class="readonly">(.*?)</div>', html, re.S)
        assert block, field
        return block.group(1).strip()

    assert (shown("graded"), shown("compliant_count"), shown("non_compliant_count"), shown("evaluation_count")) == (
        "1", "0", "1", "0",
    )  # fmt: skip
    labels = html.lower()
    assert "graded managers" in labels and "not backed" in labels and "evaluations recorded" in labels
    assert trainee.display_name not in html  # counts only


def test_the_grade_page_titles_its_history_rows_in_words(graded, trainee, hr_staff):
    grade_row, _certificate = graded
    html = logged_in(hr_staff).get(f"/zh-hant/admin/career/managergrade/{grade_row.pk}/change/").content.decode()
    assert f"{grade_row.pk}: /" not in html and "personal/intermediate" not in html
    assert "個人類 · 中級" in html
