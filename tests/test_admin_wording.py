"""The admin's wording as an outside probe read it in zh-Hant, in both languages: the essay queue headed and counted
as the menu names it, API clients' scopes by their labels, a track filter's empty choice in words, export files
named in the page's language, and the tiers and tracks listed by name."""

from __future__ import annotations

import datetime
from urllib.parse import quote

import pytest
from django.contrib.admin.views.main import ChangeList
from django.urls import reverse
from django.utils import translation
from django.utils.text import capfirst
from django.utils.translation import ngettext
from freezegun import freeze_time

from core.downloads import attachment, dated_file_name, safe_file_name
from courses.models import Enrolment
from exams.models import EssayAnswer
from hr_api.models import ApiClient
from tests.conftest import logged_in
from tests.exams.conftest import approve, grader_a, make_question, world  # noqa: F401  (the queue's fixtures)
from tests.exams.test_essay_queue import paper, queue  # noqa: F401
from tests.factories import CohortFactory, UserFactory, curriculum_of

pytestmark = pytest.mark.django_db

LANGUAGES = ["zh-hant", "en"]


def url(name: str, language: str, *args: object) -> str:
    with translation.override(language):
        return reverse(name, args=args)


def in_language(language: str, text: object) -> str:
    with translation.override(language):
        return str(text)


# --- 1. the essay queue ------------------------------------------------------------------------


@pytest.mark.parametrize(("language", "heading"), [("zh-hant", "申論閱卷佇列"), ("en", "Essay grading queue")])
def test_the_essay_queue_is_headed_as_the_menu_names_it(queue, grader_a, language, heading):  # noqa: F811
    page = grader_a.get(url("admin:exams_essayanswer_changelist", language)).content.decode()
    assert f"<h1>{heading}</h1>" in page
    assert page.split("<title>")[1].startswith(heading)
    # The menu's own entry reads the same.
    assert in_language(language, capfirst(EssayAnswer._meta.verbose_name_plural)) == heading
    assert "選擇 申論作答 來修改" not in page and "Select essay answer to change" not in page


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_essay_queue_counts_essays_at_its_foot(queue, grader_a, language):  # noqa: F811
    page = grader_a.get(url("admin:exams_essayanswer_changelist", language) + "?graded=all").content.decode()
    foot = page.split('<p class="paginator">')[1].split("</p>")[0]
    with translation.override(language):
        essays = ngettext("%(counter)s essay", "%(counter)s essays", 3) % {"counter": 3}
        queue_name = str(EssayAnswer._meta.verbose_name_plural)
    assert f'<span id="essay-count">{essays}</span>' in foot
    assert queue_name not in foot, "not “3 essay grading queue”"


# --- 3. API clients' scopes ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "scopes"),
    [
        ("zh-hant", "權限：讀取、權限：報名"),
        ("en", "Scope: read, Scope: enroll"),
    ],
)
def test_the_api_clients_list_names_scopes_by_their_labels(
    program_office, hr_client, language, scopes, django_assert_max_num_queries
):
    ApiClient.objects.filter(pk=hr_client.pk).update(can_webhooks=False, can_managers=False, can_evaluations=False)
    client = logged_in(program_office)
    changelist = url("admin:hr_api_apiclient_changelist", language)
    client.get(changelist)  # warm: the session, the content types
    with django_assert_max_num_queries(12):
        page = client.get(changelist).content.decode()
    cell = page.split('class="field-scope_list">')[1].split("</td>")[0]
    assert cell == scopes
    assert "read enroll" not in page


# --- 4. a track filter's empty choice ------------------------------------------------------------


def track_choices(client, path: str, field_path: str) -> tuple[dict[str, str], str]:
    response = client.get(path)
    assert response.status_code == 200
    changelist: ChangeList = response.context["cl"]
    (spec,) = [s for s in changelist.filter_specs if getattr(s, "field_path", None) == field_path]
    return {str(c["display"]): c["query_string"] for c in spec.choices(changelist)}, response.content.decode()


@pytest.mark.parametrize(("language", "words"), [("zh-hant", "不分方向"), ("en", "No track")])
def test_the_enrolments_without_a_track_are_no_track(program_office, language, words):
    assistant = approve(UserFactory(), CohortFactory(curriculum=curriculum_of("assistant")))
    retail = approve(UserFactory(), CohortFactory())
    client = logged_in(program_office)
    changelist = url("admin:courses_enrolment_changelist", language)
    choices, page = track_choices(client, changelist, "curriculum__track")
    assert words in choices and "-" not in choices, choices
    assert f">{words}</a>" in page
    listed = client.get(changelist + choices[words]).context["cl"].result_list
    assert [e.pk for e in listed] == [assistant.pk] and retail.pk not in [e.pk for e in listed]
    assert Enrolment.objects.count() == 2


@pytest.mark.parametrize(
    ("name", "field_path"),
    [
        ("admin:courses_cohort_changelist", "curriculum__track"),
        ("admin:courses_priorlearning_changelist", "curriculum__track"),
        ("admin:courses_curriculum_changelist", "track"),
        ("admin:courses_course_changelist", "curricula__track"),
    ],
)
@pytest.mark.parametrize(("language", "words"), [("zh-hant", "不分方向"), ("en", "No track")])
def test_every_track_filter_of_the_catalogue_says_no_track(program_office, name, field_path, language, words):
    choices, _page = track_choices(logged_in(program_office), url(name, language), field_path)
    assert words in choices and "-" not in choices, choices


# --- 5. export files' names ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "name"), [("zh-hant", "學員資料 2027-03-06.csv"), ("en", "Trainee profiles 2027-03-06.csv")]
)
def test_an_admin_export_is_named_in_the_pages_language(institution_admin, trainee, language, name):
    with freeze_time("2027-03-05T16:30:00Z"):  # 00:30 on 6 March in Taipei: the portal's day
        response = logged_in(institution_admin).post(
            url("admin:accounts_traineeprofile_export", language),
            {"format": "0", "resource": "0", "traineeresource_email": "on"},
        )
    assert response.status_code == 200 and trainee.email in response.content.decode("utf-8-sig")
    header = response["Content-Disposition"]
    assert header.isascii()
    if name.isascii():
        assert header == f'attachment; filename="{name}"'
    else:
        assert header == (
            "attachment; filename=\"Trainee profiles 2027-03-06.csv\"; filename*=UTF-8''" + quote(name, safe="")
        )
    assert "TraineeProfile" not in header


@pytest.mark.parametrize(("language", "what"), [("zh-hant", "題目"), ("en", "Questions")])
def test_the_question_export_is_named_in_the_pages_language(program_office, language, what):
    question = make_question(CohortFactory().curriculum.entries.first().course)
    with freeze_time("2027-03-05T16:30:00Z"):
        response = logged_in(program_office).post(
            url("admin:exams_question_changelist", language),
            {"action": "export_csv", "_selected_action": [question.pk]},
        )
    assert response.status_code == 200, response.status_code
    header = response["Content-Disposition"]
    assert quote(f"{what} 2027-03-06.csv", safe="") in header or f'filename="{what} 2027-03-06.csv"' in header
    assert 'filename="Questions 2027-03-06.csv"' in header


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("學員資料", "學員資料"),
        ('a/b\\c:d*e?f"g<h>i|j', "a-b-c-d-e-f-g-h-i-j"),
        ("..hidden", "hidden"),
        ("  two   spaces\t", "two spaces"),
        ("\x00\x1f", "export"),
        ("名" * 200, "名" * 80),
    ],
)
def test_a_file_name_keeps_chinese_and_loses_what_file_systems_refuse(text, safe):
    assert safe_file_name(text) == safe


def test_a_chinese_name_is_sent_as_filename_star_with_an_ascii_fallback():
    header = attachment("學員資料 2027-03-06.csv", ascii_name="Trainee profiles 2027-03-06.csv")
    assert header.isascii()
    assert header.startswith('attachment; filename="Trainee profiles 2027-03-06.csv"; ')
    assert header.endswith("filename*=UTF-8''%E5%AD%B8%E5%93%A1%E8%B3%87%E6%96%99%202027-03-06.csv")
    assert attachment("plain.csv") == 'attachment; filename="plain.csv"'


def test_the_date_is_the_portals_day():
    with freeze_time(datetime.datetime(2027, 3, 5, 16, 30, tzinfo=datetime.UTC)):
        assert dated_file_name("questions", "xlsx") == "Questions 2027-03-06.xlsx"


# --- 6. tiers and tracks listed by name ----------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "names"),
    [("zh-hant", ["助理級", "銀行客戶經理", "高級"]), ("en", ["Assistant", "Standard", "Senior"])],
)
def test_the_tier_list_names_the_tiers_and_keeps_their_codes_beside(program_office, language, names):
    page = logged_in(program_office).get(url("admin:courses_tier_changelist", language)).content.decode()
    body = page.split('id="result_list"')[1].split("</tbody>")[0]
    rows = body.split("<tr")[2:]  # the header's row, then one a row
    links = [row.split('class="field-tier_name"><a href="')[1].split('">')[1].split("</a>")[0] for row in rows]
    assert links == names
    codes = [row.split('<td class="field-code">')[1].split("</td>")[0] for row in rows]
    assert codes == ["assistant", "standard", "senior"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_track_list_names_the_tracks(program_office, language):
    from courses.models import Track

    with translation.override(language):
        expected = [track.name for track in Track.objects.order_by("position")]
    page = logged_in(program_office).get(url("admin:courses_track_changelist", language)).content.decode()
    body = page.split('id="result_list"')[1]
    for name in expected:
        assert f">{name}</a>" in body
