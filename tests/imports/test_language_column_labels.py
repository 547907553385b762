"""A column that holds one field in one language says which language on the import page (a tester's report: the
question import named both option columns "Options (options_zh)" and "Options (options_en)", the language left to
the header's suffix), in the site's words for such fields: "Text (zh-Hant)", "題文（繁體中文）"."""

from __future__ import annotations

import pytest

from tests.conftest import in_english, logged_in

pytestmark = pytest.mark.django_db

PAGES = ["accounts/traineeprofile", "courses/enrolment", "exams/question"]
#: The site's words for a field's language, as the models' bilingual fields are named.
LANGUAGE_WORDS = {"en": {"zh": "(zh-Hant)", "en": "(English)"}, "zh-hant": {"zh": "（繁體中文）", "en": "（英文）"}}


def labels(client, language, page):
    response = client.get(f"/{language}/admin/{page}/import/")
    assert response.status_code == 200
    return {column.header: str(column.label) for column in response.context["import_columns"]}


@pytest.fixture
def office_in(program_office):
    def client(language):
        return logged_in(in_english(program_office) if language == "en" else program_office)

    return client


@pytest.mark.parametrize("language", ["en", "zh-hant"])
def test_the_option_columns_name_their_language(office_in, language):
    columns = labels(office_in(language), language, "exams/question")
    expected = {
        "en": {"options_zh": "Options (zh-Hant) (options_zh)", "options_en": "Options (English) (options_en)"},
        "zh-hant": {"options_zh": "選項（繁體中文） (options_zh)", "options_en": "選項（英文） (options_en)"},
    }[language]
    assert {header: columns[header] for header in expected} == expected


@pytest.mark.parametrize("language", ["en", "zh-hant"])
@pytest.mark.parametrize("page", PAGES)
def test_every_column_of_one_language_says_which(office_in, language, page):
    """On every import page: a column ``…_zh`` or ``…_en`` names its language before the header, as its field's
    name would, and so differs from its pair otherwise than by the header."""
    columns = labels(office_in(language), language, page)
    for header, label in columns.items():
        stem, _, suffix = header.rpartition("_")
        if suffix not in ("zh", "en") or not stem:
            continue
        name = label.removesuffix(f" ({header})")
        assert name != label and name.endswith(LANGUAGE_WORDS[language][suffix]), (header, label)
        pair = f"{stem}_{'en' if suffix == 'zh' else 'zh'}"
        if pair in columns:
            assert columns[pair].removesuffix(f" ({pair})") != name, (header, label)
