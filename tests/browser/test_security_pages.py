"""Pages under the Content-Security-Policy in a real browser: the API docs (Swagger UI from our
own static files) and the program office's audit trail. A blocked script or style fails the test
(the ``page`` fixture listens for CSP violations)."""

import re

from tests.browser.support import BROWSER, admin_log_in, expect

pytestmark = BROWSER


def test_the_api_docs_render_under_the_content_security_policy(page, site, lang, viewport, shot):
    response = page.goto(f"{site.url}/api/v1/docs/")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "unsafe-eval" not in policy
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    expect(page.locator(".swagger-ui")).to_contain_text("/employees/")
    shot(page, "api-docs")


def test_the_program_office_finds_its_own_log_in_in_the_audit_trail(
    *, page, site, lang, viewport, shot, program_office
):
    office = program_office
    admin_log_in(page, site, lang, office.email)
    page.goto(f"{site.url}/{lang}/admin/accounts/auditevent/?q={office.email}")
    # Newest first: setting up the second factor on the way in comes after the log-in itself.
    login_row = page.locator("#result_list tbody tr").filter(has_text="登入" if lang == "zh-hant" else "logged in")
    expect(login_row).to_have_count(1)
    expect(login_row).to_contain_text(office.email)
    shot(page, "audit-trail")
    login_row.locator("th a, td a").first.click()
    expect(page).to_have_url(re.compile(r"/admin/accounts/auditevent/\d+/change/"))
    expect(page.locator("input[type=submit][name=_save]")).to_have_count(0)  # read-only


def test_the_export_pages_select_all_box_works_under_the_policy(page, site, lang, viewport, program_office):
    admin_log_in(page, site, lang, program_office.email)
    page.goto(f"{site.url}/{lang}/admin/accounts/traineeprofile/export/")
    fields = page.locator(".selectable-field-export-row input[type=checkbox]:not(.select-toggle)")
    expect(fields.first).to_be_checked()
    page.locator("input.select-toggle").uncheck()
    expect(fields.first).not_to_be_checked()  # the page fixture fails on any CSP violation
