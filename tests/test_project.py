"""Properties of the project as a whole: migrations and translations are complete."""

from io import StringIO
from pathlib import Path

import polib
import pytest
from django.core.management import call_command

BASE_DIR = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_models_and_migrations_agree():
    out = StringIO()
    call_command("makemigrations", "--check", "--dry-run", stdout=out)
    assert "No changes detected" in out.getvalue()


def test_the_zh_hant_catalog_is_complete_and_compiled():
    po = polib.pofile(str(BASE_DIR / "locale/zh_Hant/LC_MESSAGES/django.po"))
    untranslated = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []
    mo = polib.mofile(str(BASE_DIR / "locale/zh_Hant/LC_MESSAGES/django.mo"))
    compiled = {(e.msgid, e.msgstr) for e in mo}
    assert {(e.msgid, e.msgstr) for e in po if not e.msgid_plural} <= compiled, "run `make messages`"
