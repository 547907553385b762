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


def test_work_is_enqueued_after_commit_only_through_the_kernel():
    """``core.tasks.enqueue_on_commit`` logs a broker outage and leaves the work to a sweep; Celery's
    ``delay_on_commit`` or a hand-made ``on_commit(lambda: task.delay(...))`` would raise it into the
    request of whoever made the change, after their change was committed."""
    import re

    root = Path(__file__).resolve().parent.parent
    offenders = []
    for path in root.glob("*/**/*.py"):
        relative = path.relative_to(root)
        # var/ holds scratch copies (make mutate's mutants of the whole tree), not the project's code.
        if relative.parts[0] in {".venv", "node_modules", "tests", "bench", "var"} or relative == Path("core/tasks.py"):
            continue
        text = path.read_text(encoding="utf-8")
        if "delay_on_commit(" in text or re.search(r"on_commit\([^\n]*\.(delay|apply_async)\(", text):
            offenders.append(str(relative))
    assert offenders == []
