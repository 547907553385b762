"""courses 0013 writes 關係 for the 關系 of BCM-201's title (loaded so by 0002), and of any other catalog title
or name, changing nothing else: the other characters, the English titles, the other rows."""

from importlib import import_module

import pytest
from django.apps import apps

from courses.models import Course, Track

pytestmark = pytest.mark.django_db

correct = import_module("courses.migrations.0013_catalog_titles_guanxi").correct


def test_the_migrated_catalog_spells_bcm_201_right():
    assert Course.objects.get(code="BCM-201").title_zh == "《商業銀行客戶開發與客戶關係管理》"
    assert not Course.objects.filter(title_zh__contains="關系").exists()


def test_it_corrects_only_that_word_in_the_catalogs_titles():
    Course.objects.filter(code="BCM-201").update(title_zh="《商業銀行客戶開發與客戶關系管理》")
    Track.objects.filter(code="retail").update(name_zh="個人業務方向（關系、關系）")
    before = {
        code: (title_en, hours)
        for code, title_en, hours in Course.objects.values_list("code", "title_en", "class_hours")
    }
    others = dict(Course.objects.exclude(code="BCM-201").values_list("code", "title_zh"))
    correct(apps, None)
    assert Course.objects.get(code="BCM-201").title_zh == "《商業銀行客戶開發與客戶關係管理》"
    assert Track.objects.get(code="retail").name_zh == "個人業務方向（關係、關係）"
    assert dict(Course.objects.exclude(code="BCM-201").values_list("code", "title_zh")) == others
    after = {
        code: (title_en, hours)
        for code, title_en, hours in Course.objects.values_list("code", "title_en", "class_hours")
    }
    assert after == before
    correct(apps, None)  # again: nothing left to do
    assert Course.objects.get(code="BCM-201").title_zh == "《商業銀行客戶開發與客戶關係管理》"
