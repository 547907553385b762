"""A mail comes from the site's name in the recipient's language: a Chinese mail from "銀行客戶經理認證", an English
one from "BCM Certification" (a trainee's probe found Chinese mails sent by "BCM Portal"), at DEFAULT_FROM_EMAIL's
address."""

from email.header import decode_header, make_header
from email.utils import parseaddr

from django.core import mail

from core.mail import send_rendered


def sent_from(language: str) -> tuple[str, str]:
    mail.outbox.clear()
    send_rendered(to="mei@example.test", subject="s", text="t", html="<p>t</p>", language=language)
    (message,) = mail.outbox
    name, address = parseaddr(message.message()["From"])
    return str(make_header(decode_header(name))), address


def test_a_chinese_mail_comes_from_the_sites_chinese_name(settings):
    settings.DEFAULT_FROM_EMAIL = "BCM Portal <no-reply@bcm.example>"
    assert sent_from("zh-hant") == ("銀行客戶經理認證", "no-reply@bcm.example")


def test_an_english_mail_comes_from_the_sites_english_name(settings):
    settings.DEFAULT_FROM_EMAIL = "no-reply@bcm.example"
    assert sent_from("en") == ("BCM Certification", "no-reply@bcm.example")
