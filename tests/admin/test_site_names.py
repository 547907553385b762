"""The admin names the program in the reader's language, not "Django administration": the names are the project
site's own (config.admin.PortalAdminSite), whichever module is imported first, not set on it from the URL
configuration."""

import pytest
from django.utils import translation

from config.admin import PortalAdminSite
from tests.conftest import logged_in

NAMES = {
    "en": ("Bank Customer Manager Certification administration", "BCM Certification admin", "Program administration"),
    "zh-hant": ("銀行客戶經理專業資格認證管理後台", "銀行客戶經理認證管理後台", "認證計畫管理"),
}


@pytest.mark.parametrize("language", NAMES)
def test_a_new_portal_site_names_the_program_in_each_language(language):
    site = PortalAdminSite(name="another")
    with translation.override(language):
        assert (str(site.site_header), str(site.site_title), str(site.index_title)) == NAMES[language]


@pytest.mark.django_db
@pytest.mark.parametrize("language", NAMES)
def test_the_admin_index_shows_the_names(program_office, language):
    header, title, index = NAMES[language]
    html = logged_in(program_office).get(f"/{language}/admin/").content.decode()
    assert header in html and f"<title>{index} | {title}</title>" in html
