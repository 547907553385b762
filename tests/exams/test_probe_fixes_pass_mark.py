"""Probe finding: a paper's pass mark of 0% was saved (0 minutes and 101% were refused), and at 0% every attempt
passes, a blank one too. The pass mark is from 1 to 100: the paper's form says so in the reader's language, the
database refuses a write past it, and exams 0010 stops on a paper stored at 0%, naming it, before changing anything."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation
from django.utils.translation import gettext

from exams.models import ExamPaper

REFUSAL = "The pass mark is a percentage from 1 to 100."


def paper_post(client, paper: ExamPaper, language: str, **changes: str):
    """The paper's admin page in ``language`` posted back as it is shown, with ``changes``."""
    address = f"/{language}/admin/exams/exampaper/{paper.pk}/change/"
    page = client.get(address)
    form = page.context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        data |= {formset.management_form.add_prefix(n): v for n, v in formset.management_form.initial.items()}
        for row in formset.forms:
            data |= {row.add_prefix(name): row[name].value() for name in row.fields}
    data |= changes
    return client.post(
        address, {name: value for name, value in data.items() if value is not None and value is not False}
    )


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hant"])
@pytest.mark.parametrize("mark", ["0", "101"])
def test_the_papers_form_refuses_a_pass_mark_outside_1_to_100_once(world, office, language, mark):
    response = paper_post(office, world.paper, language, pass_mark=mark)

    assert response.status_code == 200
    with translation.override(language):
        refusal = gettext(REFUSAL)
    assert response.context["adminform"].form.errors == {"__all__": [refusal]}
    assert response.content.decode().count(refusal) == 1
    world.paper.refresh_from_db()
    assert world.paper.pass_mark == 60


@pytest.mark.django_db
def test_a_pass_mark_of_one_is_saved(world, office):
    assert paper_post(office, world.paper, "en", pass_mark="1").status_code == 302
    world.paper.refresh_from_db()
    assert world.paper.pass_mark == 1


@pytest.mark.django_db
def test_the_database_refuses_a_pass_mark_of_zero(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        ExamPaper.objects.filter(pk=world.paper.pk).update(pass_mark=0)


# --- exams 0010 on a database holding a paper at 0% --------------------------------------------------------------

BEFORE = [("exams", "0009_sitting_place_refuses_control_characters")]


def migrate(targets) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


def latest():
    return MigrationExecutor(connection).loader.graph.leaf_nodes()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_migration_stops_on_a_paper_at_zero_and_names_it(world):
    try:
        migrate(BEFORE)
        ExamPaper.objects.filter(pk=world.paper.pk).update(pass_mark=0)
        with pytest.raises(RuntimeError) as stopped:
            migrate(latest())
        assert f"exam paper {world.paper.pk} (course {world.course.code})" in str(stopped.value)
        assert ExamPaper.objects.get(pk=world.paper.pk).pass_mark == 0  # nothing changed
        ExamPaper.objects.filter(pk=world.paper.pk).update(pass_mark=50)
        migrate(latest())
    finally:
        ExamPaper.objects.filter(pk=world.paper.pk, pass_mark=0).update(pass_mark=50)
        migrate(latest())

    with pytest.raises(IntegrityError), transaction.atomic():
        ExamPaper.objects.filter(pk=world.paper.pk).update(pass_mark=0)
