"""The grading queue says how many essays it lists on every view: "All" too, whose page Django's search bar
leaves uncounted (it counts a list only when narrowed, and the queue's plain page is the waiting essays)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import ngettext

from exams.models import EssayAnswer

from .test_essay_queue import paper, queue, url  # noqa: F401  (the queue's fixtures)

pytestmark = pytest.mark.django_db


def results(n: int, language: str) -> str:
    with translation.override(language):
        return ngettext("%(counter)s result", "%(counter)s results", n) % {"counter": n}


@pytest.mark.parametrize("language", ["zh-hant", "en"])
def test_every_view_of_the_queue_says_how_many_it_lists(queue, grader_a, language):  # noqa: F811
    EssayAnswer.objects.filter(pk=queue[0].pk).update(score=5)  # one graded, two waiting
    changelist = url("admin:exams_essayanswer_changelist", language)
    pages = {graded: grader_a.get(f"{changelist}?graded={graded}").content.decode() for graded in ("no", "yes", "all")}
    assert results(2, language) in pages["no"] and results(1, language) in pages["yes"]
    assert 'id="queue-count"' in pages["all"] and results(3, language) in pages["all"]
    assert 'id="queue-count"' not in pages["no"]  # Django's own "2 results (3 total)" says it there


def test_the_count_of_all_costs_no_query_more(queue, grader_a):  # noqa: F811
    changelist = url("admin:exams_essayanswer_changelist", "en")
    grader_a.get(changelist)  # warm: the session, the content types
    counted = {}
    for graded in ("yes", "all"):
        with CaptureQueriesContext(connection) as queries:
            grader_a.get(f"{changelist}?graded={graded}")
        counted[graded] = len(queries)
    assert counted["all"] <= counted["yes"]
