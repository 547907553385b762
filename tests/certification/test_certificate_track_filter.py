"""The certificates' track filter names the certificates without a track "No track" (不分方向), the site's words for
them (a tester's report: the choice read "-", the admin's empty value)."""

import pytest
from django.contrib.admin.views.main import ChangeList

from tests.factories import CertificateFactory, curriculum_of

pytestmark = pytest.mark.django_db


def track_choices(client, prefix):
    response = client.get(f"{prefix}/admin/certification/certificate/")
    assert response.status_code == 200
    changelist: ChangeList = response.context["cl"]
    (track,) = [spec for spec in changelist.filter_specs if getattr(spec, "field_path", None) == "track"]
    return {str(choice["display"]): choice["query_string"] for choice in track.choices(changelist)}, response


@pytest.mark.parametrize(("prefix", "words"), [("/zh-hant", "不分方向"), ("/en", "No track")])
def test_the_certificates_without_a_track_are_no_track(client, program_office, prefix, words):
    assistant = CertificateFactory(curriculum=curriculum_of("assistant"), track=None)
    retail = CertificateFactory()
    client.force_login(program_office)
    choices, response = track_choices(client, prefix)
    assert words in choices and "-" not in choices, choices
    assert "track__isnull=True" in choices[words]
    assert f">{words}</a>" in response.content.decode()
    listed = client.get(f"{prefix}/admin/certification/certificate/{choices[words]}").context["cl"].result_list
    assert [c.pk for c in listed] == [assistant.pk] and retail.pk not in [c.pk for c in listed]
