"""Probe findings on the enrolment import: an empty required cell is reported as missing (not as a cohort "—" that
is not the institution's), in the reader's language."""

import pytest
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

from tests.courses.test_admin_enrolment_import import HEADER, preview
from tests.factories import CohortFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_it_says_each_empty_required_cell_is_required(alice: Client, institution, language):
    CohortFactory(institution=institution, code="A-STD-R")
    text = (
        f"{HEADER}\n"
        "new1@example.test,新學員一,zh-hant,,,\n"  # no cohort
        ",新學員二,en,,,A-STD-R\n"  # no address
        "new3@example.test,,en,,,A-STD-R\n"  # no name
        "new4@example.test,新學員四,en,,,  \n"  # a cohort of blanks only
    )
    result = preview(alice, language, text).context["result"]

    errors = {row.number: row.error_dict for row in result.invalid_rows}
    with translation.override(language):
        assert errors == {
            2: {"cohort": [gettext("Every row needs a cohort.")]},
            3: {"email": [gettext("Every row needs an e-mail address.")]},
            4: {"display_name": [gettext("Every row needs a name.")]},
            5: {"cohort": [gettext("Every row needs a cohort.")]},
        }
    assert not any("—" in message for row in errors.values() for messages in row.values() for message in messages)


def test_a_cohort_that_is_not_theirs_is_still_named(alice: Client, institution):
    text = f"{HEADER}\nnew1@example.test,新學員一,zh-hant,,,NO-SUCH\n"
    result = preview(alice, "en", text).context["result"]

    assert [row.error_dict for row in result.invalid_rows] == [{"cohort": ["There is no cohort NO-SUCH of yours."]}]
