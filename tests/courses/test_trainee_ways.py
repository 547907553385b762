"""Finding the way as a trainee: withdrawing asks first and says what is lost, tier pages lead to their
open cohorts, the dashboard leaves out what is empty, dates in each language's own format, and a
translated 404 with ways back."""

import datetime

import pytest
from django.test import Client, override_settings
from django.utils import timezone, translation
from django.utils.formats import date_format

from courses import services
from courses.models import Enrolment
from tests.conftest import logged_in
from tests.factories import CohortFactory, TrainingSessionFactory, UserFactory, curriculum_of
from tests.page_text import text_of

pytestmark = pytest.mark.django_db


def approved(trainee, cohort) -> Enrolment:
    return services.do_approve_enrolment(enrolment=services.do_enrol(trainee=trainee, cohort=cohort))


def withdraw_url(enrolment: Enrolment, lang: str = "en") -> str:
    return f"/{lang}/enrolments/{enrolment.pk}/withdraw/"


# --- withdrawing ---------------------------------------------------------------------------------


def test_the_dashboard_links_to_a_confirmation_not_a_one_click_withdrawal():
    trainee = UserFactory()
    enrolment = services.do_enrol(trainee=trainee, cohort=CohortFactory(code="W-1"))
    html = logged_in(trainee).get("/en/dashboard/").content.decode()
    assert f'href="{withdraw_url(enrolment)}"' in html
    assert f'action="{withdraw_url(enrolment)}"' not in html


@pytest.mark.parametrize("lang", ["en", "zh-hant"])
def test_the_confirmation_says_what_is_lost_and_changes_nothing(lang):
    trainee = UserFactory()
    cohort = CohortFactory(code="W-2", capacity=3)
    enrolment = approved(trainee, cohort)
    session = TrainingSessionFactory(cohort=cohort, hours=8)  # on the cohort's first day
    services.do_record_attendance(session=session, enrolment=enrolment, hours=6)
    client = logged_in(trainee)
    response = client.get(withdraw_url(enrolment, lang))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="withdraw-form"' in html and 'method="post"' in html
    assert 'id="withdraw-hours"' in html and "6" in html.split('id="withdraw-hours"')[1].split("</li>")[0]
    if lang == "en":
        assert "You give up your seat in this cohort" in html
        assert "stay in your record, but they do not count towards a new enrolment" in html
        assert "You may enrol again later" in html
    enrolment.refresh_from_db()
    cohort.refresh_from_db()
    assert enrolment.state == Enrolment.State.APPROVED and cohort.seats_taken == 1


def test_confirming_withdraws_and_frees_the_seat():
    trainee = UserFactory()
    cohort = CohortFactory(code="W-3", capacity=3)
    enrolment = services.do_enrol(trainee=trainee, cohort=cohort)
    client = logged_in(trainee)
    assert "Your enrolment request is cancelled" in client.get(withdraw_url(enrolment)).content.decode()
    response = client.post(withdraw_url(enrolment), follow=True)
    assert response.redirect_chain[-1][0] == "/en/dashboard/"
    assert "You withdrew from" in response.content.decode()
    enrolment.refresh_from_db()
    cohort.refresh_from_db()
    assert enrolment.state == Enrolment.State.WITHDRAWN and cohort.seats_taken == 0
    # Asked again (an old tab): back to the dashboard with a word, nothing to confirm.
    again = client.get(withdraw_url(enrolment), follow=True)
    assert again.redirect_chain[-1][0] == "/en/dashboard/"
    assert "You are no longer enrolled in" in again.content.decode()


def test_a_trainee_cannot_see_or_withdraw_someone_elses_enrolment():
    owner, outsider = UserFactory(), UserFactory()
    cohort = CohortFactory(code="W-4")
    enrolment = services.do_enrol(trainee=owner, cohort=cohort)
    client = logged_in(outsider)
    assert client.get(withdraw_url(enrolment)).status_code == 404
    assert client.post(withdraw_url(enrolment)).status_code == 404
    enrolment.refresh_from_db()
    assert enrolment.state == Enrolment.State.PENDING


def test_a_visitor_is_sent_to_log_in():
    enrolment = services.do_enrol(trainee=UserFactory(), cohort=CohortFactory())
    response = Client().get(withdraw_url(enrolment))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- the tier page leads to cohorts --------------------------------------------------------------


def test_a_tier_page_links_to_its_open_cohorts_by_track(client: Client, django_assert_max_num_queries):
    CohortFactory(code="R-1")
    CohortFactory(code="R-2")
    CohortFactory(code="C-1", curriculum=curriculum_of("standard", "corporate"))
    CohortFactory(code="D-1", status="draft")
    CohortFactory(code="A-1", curriculum=curriculum_of("assistant"))
    with django_assert_max_num_queries(7):
        html = client.get("/en/catalog/standard/").content.decode()
    text = text_of(html)  # the figures are kept with their units on a phone
    assert 'href="/en/cohorts/?tier=standard"' in html and "See the 3 cohorts open for enrolment" in text
    assert 'href="/en/cohorts/?tier=standard&amp;track=retail"' in html and "2 open cohorts" in text
    assert 'href="/en/cohorts/?tier=standard&amp;track=corporate"' in html
    assert "1 open cohort" in text and "1 open cohorts" not in text
    senior = client.get("/en/catalog/senior/").content.decode()
    assert "No cohort of this tier is open for enrolment at the moment." in senior
    assert 'href="/en/cohorts/"' in senior


# --- the dashboard -------------------------------------------------------------------------------


def test_a_pending_enrolment_shows_no_empty_sessions_or_self_study_sections():
    trainee = UserFactory()
    services.do_enrol(trainee=trainee, cohort=CohortFactory(offers_self_study=True))
    html = logged_in(trainee).get("/en/dashboard/").content.decode()
    assert 'id="sessions-heading"' not in html and 'id="self-study-heading"' not in html


def test_an_approved_enrolment_shows_sessions_and_self_study():
    trainee = UserFactory()
    cohort = CohortFactory(offers_self_study=True)
    approved(trainee, cohort)
    html = logged_in(trainee).get("/en/dashboard/").content.decode()
    assert 'id="sessions-heading"' in html and "No sessions scheduled." in html
    assert 'id="self-study-heading"' in html


def test_upcoming_sessions_are_dated_in_each_languages_own_way():
    trainee = UserFactory()
    cohort = CohortFactory()
    approved(trainee, cohort)
    day = timezone.localdate() + datetime.timedelta(days=5)
    TrainingSessionFactory(cohort=cohort, held_on=day, starts_at=datetime.time(14, 0), location="臺北訓練中心")
    client = logged_in(trainee)
    zh = client.get("/zh-hant/dashboard/").content.decode()
    assert f"{day.year}年{day.month}月{day.day}日" in zh and "2:00" in zh
    assert day.isoformat() not in zh
    en = client.get("/en/dashboard/").content.decode()
    assert f"{day.day} {day:%B} {day.year} 14:00" in en
    assert 'class="table table-sm table-stack"' in en and 'data-label="Teacher"' in en


def test_no_date_format_ends_in_a_full_stop_that_a_sentence_would_double():
    moment = timezone.make_aware(datetime.datetime(2027, 3, 5, 2, 0))
    for lang in ("en", "zh-hant"):
        with translation.override(lang):
            for name in ("DATE_FORMAT", "DATETIME_FORMAT", "SHORT_DATETIME_FORMAT"):
                assert not date_format(moment, name).endswith("."), (lang, name)
    with translation.override("zh-hant"):
        assert date_format(moment, "DATETIME_FORMAT").startswith("2027年3月5日 ")
    with translation.override("en"):
        assert date_format(moment, "DATETIME_FORMAT") == "5 March 2027, 02:00"


# --- not found -----------------------------------------------------------------------------------


@override_settings(DEBUG=False)
@pytest.mark.parametrize(("lang", "title", "home"), [("en", "Page not found", "Back to the home page"),
                                                     ("zh-hant", "找不到頁面", "回到首頁")])  # fmt: skip
def test_a_missing_page_answers_a_translated_404_with_ways_back(client: Client, lang, title, home):
    response = client.get(f"/{lang}/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert f'lang="{"zh-Hant" if lang == "zh-hant" else "en"}"' in html
    assert title in html and home in html
    assert f'href="/{lang}/"' in html and f'href="/{lang}/catalog/"' in html and f'href="/{lang}/cohorts/"' in html
    assert 'id="main-nav"' in html, "in the site's own layout"
    assert f'href="/{lang}/dashboard/"' not in html.split('id="not-found-ways"')[1]


@override_settings(DEBUG=False)
def test_a_logged_in_trainee_is_offered_the_dashboard_on_a_404():
    response = logged_in(UserFactory()).get("/zh-hant/cohorts/NO-SUCH-COHORT/")
    assert response.status_code == 404
    ways = response.content.decode().split('id="not-found-ways"')[1]
    assert 'href="/zh-hant/dashboard/"' in ways and "我的培訓" in ways


def test_chinese_times_say_morning_or_afternoon():
    """Needs the catalogue's 上午/下午 for Django's AM/PM (config/formats/__init__.py lists them)."""
    with translation.override("zh-hant"):
        afternoon = date_format(timezone.make_aware(datetime.datetime(2027, 3, 5, 14, 0)), "DATETIME_FORMAT")
        morning = date_format(timezone.make_aware(datetime.datetime(2027, 3, 5, 9, 30)), "DATETIME_FORMAT")
    assert (afternoon, morning) == ("2027年3月5日 下午2:00", "2027年3月5日 上午9:30")
