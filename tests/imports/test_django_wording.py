"""Django's own messages in our wording (config/package_messages.py): admin messages end in a full-width period
and use Chinese punctuation in zh-Hant; a date field that refuses a value says how to write a date.

The tests of the translations themselves fail until the corrected msgstrs are in locale/ and compiled
(make messages): the msgids are listed in config/package_messages.py for that.
"""

from __future__ import annotations

import re
from pathlib import Path

import django
import polib
import pytest
from django import forms
from django.contrib import admin
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.formats import get_format

from accounts.models import Employer
from config import package_messages
from tests.conftest import logged_in

DJANGO = Path(django.__file__).parent
ASCII_IN_CHINESE = re.compile(r'[.,:;?!"]')  # punctuation Chinese text writes full-width (。，：；？！「」)


def msgids(relative: str) -> set[str]:
    return {entry.msgid for entry in polib.pofile(str(DJANGO / relative)) if not entry.obsolete}


def test_every_listed_message_is_still_one_of_djangos():
    """A message Django renames would leave ours translating nothing."""
    assert set(package_messages.ADMIN_PUNCTUATION) <= msgids("contrib/admin/locale/zh_Hant/LC_MESSAGES/django.po")
    assert set(package_messages.DATE_INPUT) <= msgids("conf/locale/zh_Hant/LC_MESSAGES/django.po")


@pytest.mark.django_db
@pytest.mark.parametrize("button", ["_save", "_continue", "_addanother"])
def test_a_zh_hant_admin_add_says_so_with_chinese_punctuation(program_office, button):
    """Fails until the corrected translations are compiled (config/package_messages.py)."""
    client = logged_in(program_office)  # reads Traditional Chinese
    response = client.post(
        "/zh-hant/admin/accounts/employer/add/",
        {"code": "bank-z", "name_zh": "測試銀行", "name_en": "Test Bank", "is_active": "on", button: "1"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    text = re.sub(r"<[^>]+>", "", message).replace("測試銀行", "")  # the row's name is data
    assert text.endswith("。"), message
    assert not ASCII_IN_CHINESE.search(text), message


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "welcome"), [("zh-hant", "歡迎，{name}。"), ("en", "Welcome, {name}.")])
def test_the_admin_welcomes_in_the_pages_punctuation(program_office, language, welcome):
    """Django's header wrote "歡迎， ADMIN." — its period is a literal of the template (our base_site.html)."""
    page = logged_in(program_office).get(f"/{language}/admin/").content.decode()
    tools = re.search(r'<div id="user-tools">(.*?)<form', page, re.S)[1]
    text = " ".join(re.sub(r"<[^>]+>", "", tools).split())
    assert text == welcome.format(name=program_office.get_short_name() or program_office.get_username())


@pytest.mark.django_db
def test_a_zh_hant_bulk_delete_says_so_with_a_full_width_period(program_office):
    """Fails until the corrected translations are compiled (config/package_messages.py)."""
    client = logged_in(program_office)
    employer = Employer.objects.create(code="bank-y", name_zh="乙銀行", name_en="Bank Y")
    response = client.post(
        "/zh-hant/admin/accounts/employer/",
        {"action": "delete_selected", admin.helpers.ACTION_CHECKBOX_NAME: [employer.pk], "post": "yes"},
    )
    [message] = [str(m) for m in get_messages(response.wsgi_request)]
    assert message.endswith("。") and not ASCII_IN_CHINESE.search(message), message


def first_input_format(language: str) -> str:
    """The language's first DATE_INPUT_FORMATS entry as people write it: %Y/%m/%d is YYYY/MM/DD."""
    pattern = get_format("DATE_INPUT_FORMATS", language)[0]
    return pattern.replace("%Y", "YYYY").replace("%m", "MM").replace("%d", "DD")


@pytest.mark.parametrize("language", ["zh-hant", "en"])
@pytest.mark.parametrize(
    ("field", "value"),
    [(forms.DateField(), "4.12.2026"), (forms.SplitDateTimeField(), ["4.12.2026", "10:00"])],
    ids=["date", "admin date and time"],
)
def test_a_refused_date_names_the_form_to_write_it_in(language, field, value):
    """Fails until the corrected translations are compiled (config/package_messages.py)."""
    with translation.override(language):
        with pytest.raises(ValidationError) as refused:
            field.clean(value)
        [message] = refused.value.messages
        assert first_input_format(language) in message, message
        assert re.search(r"\d{4}\D\d{2}\D\d{2}", message), message  # and an example


def test_the_first_date_input_formats_are_the_ones_the_messages_name():
    """If an input format changes, the message in locale/ must change with it (config/package_messages.py)."""
    assert first_input_format("zh-hant") == "YYYY/MM/DD"
    assert first_input_format("en") == "YYYY-MM-DD"
