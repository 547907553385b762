"""My exams (exams.views.home), read as rows and with its rows' HTML built in Python (issue 20), is the very
page the template rendered from model instances before: every kind of sitting card (start, resume, why not,
online or in a room) and of history row (graded, passed or not, in progress, waiting), in both languages."""

import datetime
import re
from decimal import Decimal

import pytest
from django.template import engines
from django.test import RequestFactory
from django.utils import timezone, translation

from courses.models import CurriculumCourse
from exams import selectors
from exams.models import Attempt, CourseResult
from exams.services import ExamError, attempts, grading
from exams.services.attempts import Standing
from tests.conftest import logged_in
from tests.exams.conftest import approve, make_paper, open_sitting
from tests.factories import CohortFactory, UserFactory

pytestmark = pytest.mark.django_db

# templates/exams/home.html as it was before issue 20 (the view below is its view), with the link a pending attempt's
# row has had since (its result page says how far the marking is) and the markup that keeps a date, the minutes, a
# refusal's figures and the cohort's month on one line on a phone since (core/templatetags/nowrap.py), and its
# states and verdicts capitalised since ("Graded", "Not passed", as the page's other words).
BEFORE = """{% extends "base.html" %}{% load cohorts i18n nowrap %}
{% block title %}{% translate "My exams" %} · {{ block.super }}{% endblock %}
{% block content %}
<h1 class="h2 mb-4">{% translate "My exams" %}</h1>
<section aria-labelledby="sittings-heading" class="mb-5">
  <h2 class="h4" id="sittings-heading">{% translate "Sittings" %}</h2>
  {% for row in rows %}
  <div class="card mb-3 sitting" id="sitting-{{ row.sitting.pk }}">
    <div class="card-body d-flex flex-wrap justify-content-between align-items-center gap-2">
      <div>
        <strong>{{ row.sitting.paper.course }}</strong> · <span class="cohort-name">{{ row.sitting.cohort|cohort_name }}</span> <span class="text-body-secondary cohort-code">{{ row.sitting.cohort.code }}</span><br>
        <span class="small text-body-secondary">{{ row.sitting.opens_at|date:"DATETIME_FORMAT"|nowrap }} – {{ row.sitting.closes_at|date:"DATETIME_FORMAT"|nowrap }} · {% if row.sitting.is_online %}{% translate "online" %}{% else %}{{ row.sitting.place }}{% endif %} · {% blocktranslate with m=row.sitting.paper.time_limit_minutes asvar minutes %}{{ m }} minutes{% endblocktranslate %}{{ minutes|nowrap }}</span>
      </div>
      {% if row.open_attempt %}
        <a class="btn btn-primary" id="resume-{{ row.sitting.pk }}" href="{% url 'exams:attempt' row.open_attempt.pk %}">{% translate "Resume" %}</a>
      {% elif row.reason %}
        <p class="mb-0 text-body-secondary reason" id="reason-{{ row.sitting.pk }}">{{ row.reason|keep_figures }}</p>
      {% else %}
        <a class="btn btn-primary" id="start-{{ row.sitting.pk }}" href="{% url 'exams:start' row.sitting.pk %}">{% translate "Start the exam" %}</a>
      {% endif %}
    </div>
  </div>
  {% empty %}
  <p class="text-body-secondary">{% translate "No sitting is scheduled for you. Sittings appear here once your enrolment is approved and your institution schedules them." %}</p>
  {% endfor %}
</section>
<section aria-labelledby="history-heading">
  <h2 class="h4" id="history-heading">{% translate "History" context "exam attempts" %}</h2>
  {% if attempts %}
  <table class="table table-stack" id="history">
    <thead><tr><th scope="col">{% translate "Course" %}</th><th scope="col">{% translate "Attempt" %}</th><th scope="col">{% translate "Started" %}</th><th scope="col">{% translate "State" %}</th><th scope="col">{% translate "Score" %}</th></tr></thead>
    <tbody>
    {% for attempt in attempts %}
      <tr id="attempt-{{ attempt.pk }}">
        <td data-label="{% translate 'Course' %}">{{ attempt.paper.course }}</td><td data-label="{% translate 'Attempt' %}">{{ attempt.number }}</td><td data-label="{% translate 'Started' %}">{{ attempt.started_at|date:"DATETIME_FORMAT" }}</td>
        <td data-label="{% translate 'State' %}">{{ attempt.get_state_display|capfirst }}</td>
        <td data-label="{% translate 'Score' %}">{% if attempt.state == "graded" %}<a href="{% url 'exams:result' attempt.pk %}">{{ attempt.result.percent|floatformat:"-1" }}% · {% if attempt.result.passed %}{% translate "passed" as verdict %}{% else %}{% translate "not passed" as verdict %}{% endif %}{{ verdict|capfirst }}</a>{% elif attempt.state == "open" %}<a href="{% url 'exams:attempt' attempt.pk %}">{% translate "Resume" %}</a>{% else %}<a href="{% url 'exams:result' attempt.pk %}">{% translate "awaiting grading" as awaiting %}{{ awaiting|capfirst }}</a>{% endif %}</td>
      </tr>
    {% endfor %}
    </tbody>
  </table>
  {% else %}<p class="text-body-secondary">{% translate "You have not sat an exam yet." %}</p>{% endif %}
</section>
{% endblock %}"""  # noqa: E501

CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+')


def before(user, language: str) -> str:
    """The page as the view and template before issue 20 made it."""
    request = RequestFactory().get(f"/{language}/exams/")
    request.user = user
    now = timezone.now()
    history = list(selectors.attempts_of(user.pk))
    for attempt in history:  # the percent as trainees read it since (exams.services.grading.shown_percent)
        if hasattr(attempt, "result") and attempt.result.percent is not None:
            attempt.result.percent = grading.shown_percent(attempt.result.percent)
    by_paper: dict[int, list[Attempt]] = {}
    for attempt in sorted(history, key=lambda a: a.number):
        by_paper.setdefault(attempt.paper_id, []).append(attempt)
    passed = selectors.passed_course_ids(user.pk)
    rows = []
    for sitting in selectors.sittings_for_trainee(user.pk):
        paper_attempts = by_paper.get(sitting.paper_id, [])
        open_attempt = next((a for a in paper_attempts if a.state == Attempt.State.OPEN), None)
        reason = None
        if open_attempt is None:
            standing = Standing(attempts=paper_attempts, passed=sitting.paper.course_id in passed)
            try:
                attempts.check_start_attempt(sitting=sitting, standing=standing, eligible=True, now=now)
            except ExamError as error:
                reason = str(error)
        rows.append({"sitting": sitting, "open_attempt": open_attempt, "reason": reason})
    with translation.override(language):
        html = engines["django"].from_string(BEFORE).render({"rows": rows, "attempts": history}, request)
    return html[html.index("<main") : html.index("</main>")]


def after(client, language: str) -> str:
    html = client.get(f"/{language}/exams/").content.decode()
    return CSRF.sub(r"\1", html[html.index("<main") : html.index("</main>")])


def attempt_at(sitting, trainee, number, state, started, **kwargs) -> Attempt:
    return Attempt.objects.create(
        sitting=sitting, paper=sitting.paper, trainee=trainee, number=number, seed=number, state=state,
        started_at=started, deadline=started + datetime.timedelta(hours=1),
        submitted_at=None if state == Attempt.State.OPEN else started + datetime.timedelta(minutes=50), **kwargs,
    )  # fmt: skip


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_every_kind_of_row_is_the_row_the_template_wrote(institution, language):
    now = timezone.now()
    trainee = UserFactory()
    cohort = CohortFactory(institution=institution)
    approve(trainee, cohort)
    courses = [entry.course for entry in CurriculumCourse.objects.filter(curriculum=cohort.curriculum)[:4]]
    papers = [make_paper(course) for course in courses]
    startable = open_sitting(papers[0], cohort, place='臺北市 <B1> & "R2"')  # start; the place escaped
    resumable = open_sitting(papers[1], cohort, is_online=True, place="")  # resume, online
    later = open_sitting(papers[2], cohort, opens_at=now + datetime.timedelta(days=2),
                         closes_at=now + datetime.timedelta(days=3))  # fmt: skip  # not open yet
    closed = open_sitting(papers[3], cohort, opens_at=now - datetime.timedelta(days=5),
                          closes_at=now - datetime.timedelta(days=3))  # fmt: skip  # closed this week
    open_sitting(papers[3], cohort, opens_at=now - datetime.timedelta(days=40),
                 closes_at=now - datetime.timedelta(days=30))  # fmt: skip  # closed long ago: not listed
    attempt_at(resumable, trainee, 1, Attempt.State.OPEN, now - datetime.timedelta(minutes=5))
    graded = attempt_at(closed, trainee, 1, Attempt.State.GRADED, now - datetime.timedelta(days=4))
    CourseResult.objects.create(
        attempt=graded, trainee=trainee, course=courses[3], score=Decimal("13.5"), max_score=Decimal(20),
        percent=Decimal("67.50"), passed=True, published_at=now,
    )  # fmt: skip
    failed = attempt_at(startable, trainee, 1, Attempt.State.GRADED, now - datetime.timedelta(days=9))
    CourseResult.objects.create(
        attempt=failed, trainee=trainee, course=courses[0], score=Decimal(8), max_score=Decimal(20),
        percent=Decimal("40.00"), passed=False, published_at=now - datetime.timedelta(days=8),
    )  # fmt: skip
    attempt_at(later, trainee, 1, Attempt.State.SUBMITTED, now - datetime.timedelta(days=20))
    client = logged_in(trainee)
    page = after(client, language)
    assert page == before(trainee, language)
    for kind in ("start", "resume", "reason"):
        assert f'id="{kind}-' in page
    assert "&lt;B1&gt; &amp; &quot;R2&quot;" in page


def test_a_trainee_with_nothing_gets_the_empty_page(language="en"):
    trainee = UserFactory()
    assert after(logged_in(trainee), language) == before(trainee, language)
