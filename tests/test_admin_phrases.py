"""Django admin's own headings read as one sentence in zh-Hant (core.admin_wording), in every admin page."""

import pytest
from django.utils import translation

from tests.conftest import logged_in

WORDED = {
    ("Select %s to change", "使用者"): "選擇要修改的使用者",
    ("Select %s to view", "機構"): "選擇要查看的機構",
    ("Add %s", "梯次"): "新增梯次",
    ("Change %s", "梯次"): "修改梯次",
    ("View %s", "梯次"): "查看梯次",
}


@pytest.mark.parametrize(("phrase", "word"), list(WORDED))
def test_the_catalog_words_django_admin_phrases_as_one_sentence(phrase, word):
    with translation.override("zh-hant"):
        assert translation.gettext(phrase) % word == WORDED[(phrase, word)]
    with translation.override("en"):
        assert translation.gettext(phrase) % word == phrase % word


def test_a_changelist_heading_in_zh_hant(program_office):
    page = logged_in(program_office).get("/zh-hant/admin/accounts/user/").content.decode()
    assert "選擇要修改的使用者" in page
    assert "選擇 使用者 來修改" not in page
