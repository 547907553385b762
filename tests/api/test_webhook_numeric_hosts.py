"""A webhook URL whose host is a number answers the code the schema documents for it (a tester's report: ``https://
2130706433/h``, ``https://0x7f000001/h`` and ``https://127.1/h`` answered ``invalid``, "Enter a valid URL.", while
the field's description promises ``host`` for "a number such as 2130706433"). Django's URL syntax, asked first,
read such a host as no URL at all; the portal's rule, which names it, now speaks first for a URL with a host."""

import pytest

from hr_api.models import WebhookEndpoint

from .conftest import assert_problem
from .test_webhook_url_contract import url_schema

NUMERIC_HOSTS = [
    "https://2130706433/h",  # 127.0.0.1 as one number
    "https://0x7f000001/h",  # the same in hexadecimal
    "https://127.1/h",  # inet_aton's short form
    "https://0x7f.1/h",
    "https://0177.0.0.1/h",  # octal
    "https://127.0.0.01/h",
    "https://hooks.bank.example.123/h",  # a DNS name never ends in a number
]
MESSAGES = {
    "en": "The URL's host is not a valid host name.",
    "zh-Hant": "網址的主機不是有效的主機名稱。",
}


def url_errors(cast, url, language="zh-Hant"):
    response = cast.api_a.post(
        "/api/v1/webhooks/",
        {"url": url, "events": ["certificate.issued"]},
        format="json",
        HTTP_ACCEPT_LANGUAGE=language,
    )
    body = assert_problem(response, 400)
    assert body["type"].endswith("/invalid")
    return [(e["field"], e["code"], e["message"]) for e in body["errors"]]


@pytest.mark.parametrize("language", ["en", "zh-Hant"])
@pytest.mark.parametrize("url", NUMERIC_HOSTS)
def test_a_numeric_host_is_refused_with_the_host_code_in_the_readers_language(cast, url, language):
    assert url_errors(cast, url, language) == [("url", "host", MESSAGES[language])]
    assert not WebhookEndpoint.objects.exists()


def test_the_schema_documents_what_the_server_answers(cast):
    description = url_schema(cast.api_a)["description"]
    assert "`host` a host that is not a valid host name (a number such as 2130706433" in description
    assert "no URL at all is refused with code `invalid`" in description
    assert [code for _field, code, _message in url_errors(cast, "https://2130706433/h")] == ["host"]


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("not a url", "invalid"),  # no URL at all: no scheme, no host
        ("https:///hook", "invalid"),
        ("file:///etc/passwd", "invalid"),
        ("https://hooks.bank.example/a b", "characters"),  # a URL has no space: the rule names it
        ("javascript://hooks.bank.example/", "scheme"),  # a URL with a host: the rule's code
        ("https://[fe80::1%25eth0]/h", "address"),  # a literal address, judged without DNS
        ("https://１２７.０.０.１/h", "address"),  # full-width digits: IDNA makes them 127.0.0.1
        ("https://-bank-.example/h", "host"),  # not a name IDNA takes
    ],
)
def test_a_url_with_a_host_gets_the_rules_code_and_what_is_no_url_stays_invalid(cast, url, code):
    assert [c for _field, c, _message in url_errors(cast, url)] == [code]


def test_a_too_long_numeric_host_url_names_both_rules(cast):
    """The rule takes the place of the URL syntax only: the field's other rules still speak."""
    url = "https://2130706433/" + "a" * 500
    assert {c for _field, c, _message in url_errors(cast, url)} == {"max_length", "host"}
