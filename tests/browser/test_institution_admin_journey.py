"""An institution admin's day in Django admin, in a real browser: approve, record attendance, see only their own."""

from courses import services as training
from courses.models import Attendance, Enrolment
from tests.browser.support import BROWSER, admin_log_in, expect, run_admin_action
from tests.conftest import wait_until
from tests.factories import CohortFactory, TrainingSessionFactory, UserFactory

pytestmark = BROWSER


def test_an_institution_admin_imports_trainees_approves_them_and_records_attendance(
    *, page, site, lang, viewport, shot, tmp_path, institution, institution_admin, other_institution
):
    own, other, admin_user = institution, other_institution, institution_admin
    cohort = CohortFactory(institution=own, code=f"A-{lang}-{viewport}")
    outsider_cohort = CohortFactory(institution=other, code=f"B-{lang}-{viewport}")
    outsider = UserFactory(email=f"outsider-{lang}-{viewport}@example.test")
    outsider_enrolment = training.do_enrol(trainee=outsider, cohort=outsider_cohort)
    lin, chen = f"lin-{lang}-{viewport}@example.test", f"chen-{lang}-{viewport}@example.test"
    roster = tmp_path / "trainees.csv"
    roster.write_text(
        "email,display_name,preferred_language,employer,employee_number,cohort\n"
        f"{lin},林雅婷,{lang},,,{cohort.code}\n"
        f"{chen},陳志豪,{lang},,,{cohort.code}\n",
        encoding="utf-8",
    )

    admin_log_in(page, site, lang, admin_user.email)
    shot(page, "admin-index")

    # Import: a preview first, then the confirmation writes both rows.
    page.goto(f"{site.url}/{lang}/admin/courses/enrolment/import/")
    page.locator("input[name=import_file]").set_input_files(str(roster))
    page.locator("select[name=format]").select_option(label="csv")
    page.locator("#content form input[type=submit]").click()
    expect(page.locator("table.import-preview")).to_contain_text(lin)
    expect(page.locator("table.import-preview")).to_contain_text(chen)
    shot(page, "import-preview")
    assert not Enrolment.objects.filter(cohort=cohort).exists(), "a preview writes nothing"
    page.locator("input[name=confirm]").click()
    # What was imported, then that the two new trainees are mailed a link to choose their password.
    expect(page.locator(".messagelist .success")).to_have_count(2)
    assert set(Enrolment.objects.filter(cohort=cohort).values_list("trainee__email", "state")) == {
        (lin, "pending"),
        (chen, "pending"),
    }

    # The enrolments list shows this institution's trainees and nobody else's.
    page.goto(f"{site.url}/{lang}/admin/courses/enrolment/")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("#result_list")).not_to_contain_text(outsider.email)
    expect(page.locator("body")).not_to_contain_text(outsider_cohort.code)
    shot(page, "enrolments-pending")

    # The admin's own language switch opens the same page in the other language, and back.
    other_language = "en" if lang == "zh-hant" else "zh-hant"
    page.locator("#language-form button").click()
    expect(page).to_have_url(f"{site.url}/{other_language}/admin/courses/enrolment/")
    expect(page.locator("html")).to_have_attribute("lang", "en" if other_language == "en" else "zh-hant")
    page.locator("#language-form button").click()
    expect(page).to_have_url(f"{site.url}/{lang}/admin/courses/enrolment/")

    run_admin_action(page, [lin, chen], "approve")
    expect(page.locator(".messagelist .success")).to_be_visible()
    shot(page, "enrolments-approved")
    enrolment = Enrolment.objects.get(trainee__email=lin)
    assert enrolment.state == Enrolment.State.APPROVED
    assert enrolment.teaching_hours_owed == 64
    # The worker mails each decision in the trainee's language.
    assert cohort.code in site.wait_for_mail(lin)
    assert cohort.code in site.wait_for_mail(chen)

    # Another institution's enrolment is not reachable by its address either.
    response = page.goto(f"{site.url}/{lang}/admin/courses/enrolment/{outsider_enrolment.pk}/change/")
    assert response is not None and response.status == 404
    expect(page.locator("body")).not_to_contain_text(outsider.email)

    # Attendance of a session: one row per trainee in training, hours typed in.
    session = TrainingSessionFactory(cohort=cohort, hours=8)
    page.goto(f"{site.url}/{lang}/admin/courses/trainingsession/{session.pk}/change/")
    row = page.locator("#attendances-0")
    expect(row.locator("select option")).to_have_count(3)  # the empty choice and our two; never the outsider
    row.locator("select").select_option(str(enrolment.pk))
    row.locator("input[name$=-hours]").fill("6")
    shot(page, "attendance-typed")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    shot(page, "attendance-saved")
    attendance = Attendance.objects.get(session=session, enrolment=enrolment)
    assert attendance.hours == 6
    assert attendance.recorded_by == admin_user
    assert not Attendance.objects.filter(enrolment=outsider_enrolment).exists()


def submitted_essay(paper, cohort, email_address: str, essay: str):
    """A trainee of ``cohort`` who sat ``paper``; the worker scores the objective part and waits."""
    from exams.models import Attempt, QuestionType
    from exams.services import attempts
    from tests.exams.conftest import approve, open_sitting

    trainee = UserFactory(email=email_address)
    approve(trainee, cohort)
    attempt = attempts.do_start_attempt(trainee=trainee, sitting=open_sitting(paper, cohort))
    item = attempt.items.get(question__question_type=QuestionType.ESSAY)
    attempts.do_save_answer(
        attempt_id=attempt.pk, trainee_id=trainee.pk, position=item.position, payload={"text": essay}
    )
    attempts.do_submit_attempt(attempt_id=attempt.pk, trainee_id=trainee.pk)
    assert wait_until(lambda: Attempt.objects.get(pk=attempt.pk).state == Attempt.State.GRADING, timeout=60)
    return attempt


def test_an_institution_admin_grades_an_essay_from_their_own_queue_only(
    *, page, site, lang, viewport, shot, institution, institution_admin, other_institution
):
    from exams.models import Attempt, CourseResult
    from tests.exams.conftest import make_paper

    own, other, admin_user = institution, other_institution, institution_admin
    cohort = CohortFactory(institution=own, code=f"ESS-A-{lang}-{viewport}")
    paper = make_paper(cohort.curriculum.entries.select_related("course").first().course, essay=True)
    attempt = submitted_essay(
        paper,
        cohort,
        f"essay-{lang}-{viewport}@example.test",
        "客戶經理應先了解客戶的財務需求。A manager first learns the needs.",
    )
    outsider = submitted_essay(
        paper,
        CohortFactory(institution=other, code=f"ESS-B-{lang}-{viewport}"),
        f"essay-outsider-{lang}-{viewport}@example.test",
        "OUTSIDER-ESSAY",
    )

    admin_log_in(page, site, lang, admin_user.email)
    page.goto(f"{site.url}/{lang}/admin/exams/essayanswer/?graded=no")
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(attempt.trainee.email)
    expect(page.locator("body")).not_to_contain_text(outsider.trainee.email)
    shot(page, "essay-queue")

    rows.first.locator("th a, td a").first.click()
    expect(page.locator("#content")).to_contain_text("A manager first learns the needs.")
    expect(page.locator("#content")).to_contain_text("RUBRIC-SECRET")  # the rubric is shown to the grader
    expect(page.locator("#content")).not_to_contain_text("OUTSIDER-ESSAY")
    page.locator("input[name=score]").fill("8")
    page.locator("textarea[name=grader_note]").fill("清楚 / clear")
    shot(page, "essay-grading")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    shot(page, "essay-graded")

    attempt.refresh_from_db()
    assert attempt.state == Attempt.State.GRADED
    assert CourseResult.objects.get(attempt=attempt).published_at is not None
    outsider_item = outsider.items.get(question__question_type="essay")
    response = page.goto(f"{site.url}/{lang}/admin/exams/essayanswer/{outsider_item.pk}/change/")
    assert response is not None and response.status == 404
