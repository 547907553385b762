"""What the report tests share: the seeded world of ``report_data``, its figures computed."""

import pytest

from tests.supervision import report_data


@pytest.fixture
def world(institution, other_institution, settings):
    settings.SUPERVISION_MIN_RESPONSES = 3
    ledger = report_data.build([institution, other_institution], scale=2, seed=7)
    report_data.recompute_all()
    return ledger
