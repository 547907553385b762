"""Certificates in a real browser: the holder downloads the PDF and follows its QR code; the
program office adds a question to the bank and revokes a certificate, and verification says so."""

import re

from courses.models import Course
from tests.browser.support import (
    BROWSER,
    admin_log_in,
    assert_accessible,
    assert_fits_window,
    expect,
    log_in_directly,
    qr_address,
    run_admin_action,
)
from tests.factories import CertificateFactory, UserFactory

pytestmark = BROWSER


def test_a_holder_downloads_the_certificate_and_its_qr_code_opens_the_verification_page(
    *, page, context, site, lang, viewport, shot, settings, tmp_path
):
    settings.SITE_URL = site.url  # the address printed and encoded on the certificate
    holder = UserFactory(email=f"holder-{lang}-{viewport}@example.test", display_name="王大明", preferred_language=lang)
    certificate = CertificateFactory(trainee=holder)
    log_in_directly(context, site, holder)

    page.goto(f"{site.url}/{lang}/certificates/")
    card = page.locator(f"#certificate-{certificate.pk}")
    expect(card).to_contain_text(certificate.number)
    shot(page, "my-certificates")
    assert_accessible(page)
    assert_fits_window(page)

    with page.expect_download() as download:
        card.locator("a[href$='/pdf/']").click()
    pdf_path = tmp_path / "certificate.pdf"
    download.value.save_as(pdf_path)
    assert pdf_path.read_bytes().startswith(b"%PDF")

    address = qr_address(pdf_path)
    assert address.startswith(site.url) and certificate.verification_code in address
    anonymous = context.browser.new_context(viewport=page.viewport_size)  # anyone can check it, no log-in
    try:
        visitor = anonymous.new_page()
        visitor.goto(address)
        expect(visitor.locator("#certificate-facts")).to_contain_text(certificate.number)
        expect(visitor.locator(".certificate-status")).to_have_class(re.compile("status-active"))
        expect(visitor.locator("#certificate-facts")).not_to_contain_text("王大明")  # the name is partly masked
        shot(visitor, "verification-from-qr")
        assert_accessible(visitor)
        assert_fits_window(visitor)
    finally:
        anonymous.close()


def test_the_program_office_adds_a_question_and_revokes_a_certificate(
    *, page, site, lang, viewport, shot, program_office
):
    from exams.models import Question

    office = program_office
    certificate = CertificateFactory()
    admin_log_in(page, site, lang, office.email)

    # A new question in the national bank.
    page.goto(f"{site.url}/{lang}/admin/exams/question/add/")
    page.locator("select[name=course]").select_option(str(Course.objects.get(code="BCM-101").pk))
    page.locator("select[name=knowledge_area]").select_option("finance")
    page.locator("input[name=difficulty]").fill("2")
    page.locator("select[name=question_type]").select_option("single")
    page.locator("select[name=status]").select_option("active")
    page.locator("textarea[name=text_zh]").fill(f"存款保險的保額上限為何？({lang}-{viewport})")
    page.locator("textarea[name=text_en]").fill(f"What is the deposit insurance limit? ({lang}-{viewport})")
    page.locator("textarea[name=options_zh]").fill("100 萬\n300 萬")
    page.locator("textarea[name=options_en]").fill("1 million\n3 million")
    page.locator("input[name=correct]").fill("B")
    shot(page, "question-form")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    question = Question.objects.get(text_en=f"What is the deposit insurance limit? ({lang}-{viewport})")
    assert (question.course.code, question.status, question.version) == ("BCM-101", "active", 1)
    shot(page, "question-saved")

    # Revoke a certificate, with the reason the holder and the public read.
    page.goto(f"{site.url}/{lang}/admin/certification/certificate/")
    run_admin_action(page, [certificate.number], "revoke")
    page.locator("form [name=reason]").fill("證照資料不實 / false statements")
    shot(page, "revoke-reason")
    page.locator("input[name=apply]").click()
    expect(page.locator(".messagelist .success")).to_be_visible()
    certificate.refresh_from_db()
    assert certificate.status == "revoked"

    page.goto(f"{site.url}/{lang}/verify/{certificate.verification_code}/")
    expect(page.locator(".alert-danger")).to_be_visible()
    expect(page.locator(".certificate-status")).to_have_class(re.compile("status-revoked"))
    shot(page, "verification-revoked")
    assert_accessible(page)
