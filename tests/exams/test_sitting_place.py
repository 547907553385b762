"""A sitting's place in both languages: the Chinese place (``place``) and an optional English one
(``place_en``); English pages, admin and mail show the English place, or the Chinese one without it."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

import accounts.demo
import courses.demo
import exams.demo
from accounts.models import User
from certification import reminders
from exams.models import Sitting
from exams.services import attempts
from tests.factories import UserFactory

from .conftest import approve, login
from .test_bank_and_admin import sitting_form

pytestmark = pytest.mark.django_db


def url(name: str, language: str, *args) -> str:
    with translation.override(language):
        return reverse(name, args=args)


def sitting_card(page: str, sitting: Sitting) -> str:
    return page.split(f'id="sitting-{sitting.pk}"')[1].split("</div>\n  </div>", maxsplit=1)[0]


def with_place(sitting: Sitting, place: str, place_en: str) -> Sitting:
    sitting.place, sitting.place_en = place, place_en
    sitting.save(update_fields=["is_online", "place", "place_en"])
    return sitting


def test_my_exams_shows_the_place_in_the_pages_language(world):
    with_place(world.sitting, "臺北市中正區", "Zhongzheng District, Taipei City")
    client = login(world.alice)
    english = sitting_card(client.get(url("exams:home", "en")).content.decode(), world.sitting)
    chinese = sitting_card(client.get(url("exams:home", "zh-hant")).content.decode(), world.sitting)
    assert "Zhongzheng District, Taipei City" in english and "臺北市" not in english
    assert "臺北市中正區" in chinese and "Taipei" not in chinese


def test_english_pages_show_the_chinese_place_when_it_has_no_english_one(world):
    with_place(world.sitting, "臺北市中正區", "")
    page = login(world.alice).get(url("exams:home", "en")).content.decode()
    assert "臺北市中正區" in sitting_card(page, world.sitting)


def test_an_online_sitting_says_online_in_either_language(world):
    world.sitting.is_online = True
    with_place(world.sitting, "", "")
    client = login(world.alice)
    assert " · online · " in sitting_card(client.get(url("exams:home", "en")).content.decode(), world.sitting)
    assert " · 線上 · " in sitting_card(client.get(url("exams:home", "zh-hant")).content.decode(), world.sitting)


def test_an_institution_admin_schedules_a_sitting_with_its_english_place(world, admin_a):
    form = sitting_form(world, world.cohort, place="臺北市信義區", place_en="Xinyi District, Taipei City")
    adding = admin_a.get(url("admin:exams_sitting_add", "en")).content.decode()
    assert 'name="place_en"' in adding and "place (english)" in adding.lower()
    response = admin_a.post(url("admin:exams_sitting_add", "en"), form)
    assert response.status_code == 302, response.content.decode()[:2000]
    added = Sitting.objects.get(place="臺北市信義區")
    assert added.place_en == "Xinyi District, Taipei City"
    english = admin_a.get(url("admin:exams_sitting_changelist", "en")).content.decode()
    chinese = admin_a.get(url("admin:exams_sitting_changelist", "zh-hant")).content.decode()
    assert "Xinyi District, Taipei City" in english and "臺北市信義區" not in english
    assert "臺北市信義區" in chinese and "Xinyi District" not in chinese


def test_the_service_keeps_the_english_place(world, office):
    now = timezone.now()
    sitting = attempts.do_schedule_sitting(
        by=office.user, cohort=world.cohort, paper=world.paper, opens_at=now,
        closes_at=now + datetime.timedelta(hours=2), place="高雄市", place_en="Kaohsiung City",
    )  # fmt: skip
    sitting.refresh_from_db()
    assert (sitting.place, sitting.place_en) == ("高雄市", "Kaohsiung City")
    with translation.override("en"):
        assert sitting.place_name == "Kaohsiung City"
    with translation.override("zh-hant"):
        assert sitting.place_name == "高雄市"


def test_the_sitting_reminder_names_the_place_in_the_recipients_language(world, mailoutbox):
    chinese_reader = UserFactory(preferred_language="zh-hant")
    approve(chinese_reader, world.cohort)
    opens = timezone.make_aware(
        datetime.datetime.combine(timezone.localdate() + datetime.timedelta(days=1), datetime.time(9))
    )
    Sitting.objects.create(
        paper=world.paper, cohort=world.cohort, opens_at=opens, closes_at=opens + datetime.timedelta(hours=2),
        place="臺北市中正區", place_en="Zhongzheng District, Taipei City",
    )  # fmt: skip
    reminders.send_daily()
    mail = {message.to[0]: message.body for message in mailoutbox}
    assert "(Zhongzheng District, Taipei City)" in mail[world.alice.email]
    assert "臺北市中正區" not in mail[world.alice.email]
    assert "（臺北市中正區）" in mail[chinese_reader.email]


def test_the_demo_sittings_have_their_place_in_english_too():
    accounts.demo.load()
    courses.demo.load()
    exams.demo.load()
    sittings = Sitting.objects.filter(cohort__code="INST-A-STANDARD-RETAIL", is_online=False)
    assert sittings.exists()
    assert set(sittings.values_list("place", "place_en")) == {("臺北市", "Taipei City")}
    # A demo loaded before sittings had an English place gets it on the next load.
    sittings.update(place_en="")
    exams.demo.load()
    assert set(sittings.values_list("place_en", flat=True)) == {"Taipei City"}
    trainee01 = login(User.objects.get(email="trainee01@demo.test"))
    sitting = sittings.first()
    english = sitting_card(trainee01.get(url("exams:home", "en")).content.decode(), sitting)
    chinese = sitting_card(trainee01.get(url("exams:home", "zh-hant")).content.decode(), sitting)
    assert " · Taipei City · " in english and " · 臺北市 · " in chinese
