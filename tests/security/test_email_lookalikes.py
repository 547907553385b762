"""One address, one account, whatever script or form its domain is typed in (security finding F5).

An internationalised domain has two spellings, its letters (``示範.test``) and its ASCII form
(``xn--bizz5c.test``): both name one mailbox, so sign-up, log-in, the trainee import and the admin take them
for one address, stored in the ASCII form (accounts.identifiers.normalize_email). A part of a domain mixing
scripts as look-alikes do (``dеmo.test`` with a Cyrillic е) is refused wherever an address is entered, in
either spelling, with a message naming the letter. Full-width letters are folded by every entry point alike.
The HR API's side is tests/api/test_employee_email_lookalikes.py.
"""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from accounts.identifiers import clean_email, normalize_email
from accounts.models import User
from tests.conftest import in_english, make_program_office, make_trainee
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "a-long-passphrase-2026"

# One whole-script internationalised domain, in its two spellings: a real domain, taken.
LETTERS, ASCII = "mei@示範.test", "mei@xn--bizz5c.test"
# bank-a's domain with a Cyrillic е (U+0435) for the e, in its two spellings: a look-alike, refused.
LOOKALIKE, LOOKALIKE_ASCII = "trainee01@dеmo.test", "trainee01@xn--dmo-rdd.test"
MIXED_EN = "the letter “е” (U+0435) is of another script than the letters beside it"
MIXED_ZH = "字母「е」（U+0435）與旁邊的字母屬於不同文字系統"


# --- the rule ---------------------------------------------------------------------------------


def test_both_spellings_of_a_domain_are_stored_in_its_ascii_form():
    assert normalize_email(LETTERS) == normalize_email(ASCII) == normalize_email("MEI@XN--BIZZ5C.TEST") == ASCII
    assert normalize_email(LOOKALIKE) == LOOKALIKE_ASCII  # a look-up of a look-alike finds nobody else's account


@pytest.mark.parametrize(
    "stored", ["trainee01@demo.test", "a.b+c@mail.bank-a.example", "x@ab--cd.example", "x@[127.0.0.1]"]
)
def test_an_ascii_address_is_stored_as_before(stored):
    """No address stored before this rule changes, so none needs a migration (ab--cd is one IDNA refuses)."""
    assert normalize_email(stored) == clean_email(stored) == stored


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("a@пример.рф", "a@xn--e1afmkfd.xn--p1ai"),  # one script, Cyrillic
        ("a@中文abc.tw", "a@xn--abc-u68do18h.tw"),  # Latin with Han, as UTS #39 allows
        ("a@ΑΘΗΝΑ.gr", "a@xn--mxaard0a.gr"),  # Greek capitals, case-folded (αθηνα)
        ("a@bücher.de", "a@xn--bcher-kva.de"),
        ("ｎｅｗ３@ｄｅｍｏ．ｔｅｓｔ", "new3@demo.test"),  # full-width, the full stop too
        ("new3@demo。test", "new3@demo.test"),  # the ideographic full stop is a dot in a domain
    ],
)
def test_a_domain_in_one_script_is_taken(typed, stored):
    assert clean_email(typed) == stored


@pytest.mark.parametrize(
    ("typed", "stray"),
    [
        (LOOKALIKE, "е"),
        (LOOKALIKE_ASCII, "е"),  # the same look-alike sent in ASCII
        ("a@раypal.com", "р"),  # two Cyrillic letters among Latin ones: the first is named
        ("a@еxample.com", "е"),  # the first letter is the stray one: most of the letters are Latin
        ("a@bank-α.example", "α"),  # Greek
        ("a@中ひ한.example", "한"),  # Han, Hiragana and Hangul are not written together
    ],
)
def test_a_part_of_a_domain_mixing_scripts_is_refused_naming_the_letter(typed, stray):
    with pytest.raises(ValidationError) as refused:
        clean_email(typed)
    assert refused.value.code == "mixed_scripts"
    assert refused.value.params == {"domain": typed.split("@")[1].replace("xn--dmo-rdd", "dеmo"), "char": stray,
                                    "code": f"U+{ord(stray):04X}"}  # fmt: skip


def test_a_look_alike_letter_before_the_at_is_refused():
    # Python's case-blind match, which Django's validator uses, takes a dotless ı for an i.
    with pytest.raises(ValidationError) as refused:
        clean_email("traınee01@demo.test")
    assert refused.value.code == "invalid" and refused.value.params == {"char": "ı", "code": "U+0131"}


@pytest.mark.parametrize("typed", ['"trainee12"@demo.test', '"trainee 12"@demo.test', '"a@b"@demo.test'])
def test_a_quoted_part_before_the_at_is_refused(typed):
    """ "trainee12"@demo.test is delivered to trainee12@demo.test's mailbox: taking it made a second account on a
    mailbox that has one (an attacker's probe did so through the change of address)."""
    with pytest.raises(ValidationError) as refused:
        clean_email(typed)
    assert refused.value.code == "quoted"


def test_a_change_of_address_to_a_quoted_twin_is_refused_on_the_form(trainee):
    client = Client()
    client.force_login(trainee)
    answer = client.post("/en/accounts/profile/email/", {"email": '"someone.else"@demo.test', "password": PASSWORD})
    assert answer.status_code == 400 and "without quotation marks" in answer.content.decode()


@pytest.mark.parametrize("typed", ["a@😀.example", "a@xn--a.example", "bad-address", "probe@"])
def test_what_is_no_address_is_refused(typed):
    with pytest.raises(ValidationError) as refused:
        clean_email(typed)
    assert refused.value.code == "invalid"


def test_an_address_longer_than_the_column_in_its_stored_form_is_refused():
    typed = f"{'a' * 230}@{'示範' * 5}.test"  # 246 characters as typed, 257 in ASCII
    assert len(typed) <= 254 < len(normalize_email(typed))
    with pytest.raises(ValidationError) as refused:
        clean_email(typed)
    assert refused.value.code == "max_length"


# --- sign-up and log-in -------------------------------------------------------------------------


def sign_up(email: str, language: str = "en"):
    return Client().post(f"/{language}/accounts/signup/", {
        "display_name": "林美玲", "email": email, "password1": PASSWORD, "password2": PASSWORD,
        "preferred_language": "en",
    })  # fmt: skip


def test_sign_up_in_the_other_spelling_makes_no_second_account(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        assert sign_up(LETTERS).templates[0].name == "accounts/signup_done.html"
        assert sign_up(ASCII).templates[0].name == "accounts/signup_done.html"  # the same answer: nobody's told
    assert list(User.objects.values_list("email", flat=True)) == [ASCII]


@pytest.mark.parametrize("typed", [LOOKALIKE, LOOKALIKE_ASCII])
def test_sign_up_refuses_a_look_alike_in_both_languages(typed):
    response = sign_up(typed)
    assert response.status_code == 200 and MIXED_EN in response.content.decode()
    assert MIXED_ZH in sign_up(typed, language="zh-hant").content.decode()
    assert not User.objects.exists()


@pytest.mark.parametrize("typed", [LETTERS, ASCII, "ＭＥＩ@示範.test"])
def test_either_spelling_logs_in(typed):
    UserFactory(email=LETTERS, password=PASSWORD, is_active=True, email_verified_at=timezone.now())
    client = Client()
    assert client.post("/en/accounts/login/", {"username": typed, "password": PASSWORD}).status_code == 302
    assert client.session["_auth_user_id"] == str(User.objects.get(email=ASCII).pk)


# --- the trainee import -------------------------------------------------------------------------

HEADER = "email,display_name,preferred_language,employer,employee_number,branch,manager_class,phone\n"
IMPORT_URL = "/en/admin/accounts/traineeprofile/import/"
CONFIRM_URL = "/en/admin/accounts/traineeprofile/process_import/"


def preview(client: Client, rows: str):
    upload = SimpleUploadedFile("trainees.csv", (HEADER + rows).encode("utf-8"), content_type="text/csv")
    return client.post(IMPORT_URL, {"import_file": upload, "format": "0", "resource": "0"})


def problems(response) -> dict[int, list[str]]:
    return {p.row: [m for _col, ms in p.errors for m in ms] for p in response.context["result"].row_problems}


@pytest.fixture
def importer(client: Client, institution_admin) -> Client:
    client.force_login(in_english(institution_admin))
    return client


def test_the_import_takes_the_two_spellings_for_one_person(importer):
    response = preview(importer, f"{LETTERS},梅,,,,,,\n{ASCII},梅,,,,,,\n")
    assert problems(response) == {3: ["Row 2 has the same value."]}


def test_the_import_updates_the_trainee_of_the_other_spelling(importer, institution):
    mei = make_trainee(email=LETTERS, display_name="梅", registered_by=institution)
    response = preview(importer, f"{ASCII},林美玲,,,,,,\n")
    assert importer.post(CONFIRM_URL, response.context["confirm_form"].initial).status_code == 302
    assert list(User.objects.filter(email__contains="@xn--").values_list("pk", "display_name")) == [(mei.pk, "林美玲")]


@pytest.mark.parametrize("typed", [LOOKALIKE, LOOKALIKE_ASCII])
def test_the_import_refuses_a_look_alike_as_a_row_error(importer, typed):
    [message] = problems(preview(importer, f"{typed},假冒,,,,,,\n"))[2]
    assert MIXED_EN in message
    assert not User.objects.filter(email=LOOKALIKE_ASCII).exists()


def test_the_import_folds_full_width_as_the_api_does(importer):
    response = preview(importer, "ｎｅｗ３@demo.test,新人,,,,,,\n")
    assert "confirm_form" in response.context and "new3@demo.test" in response.content.decode()


# --- the admin's user forms ---------------------------------------------------------------------


@pytest.fixture
def office(client: Client) -> Client:
    client.force_login(in_english(make_program_office(email="office@demo.test", display_name="計畫辦公室")))
    return client


def add_user(client: Client, email: str):
    fields = {"email": email, "display_name": "新人", "usable_password": "true"}
    return client.post("/en/admin/accounts/user/add/", {**fields, "password1": PASSWORD, "password2": PASSWORD})


def test_the_admin_adds_a_user_in_the_stored_form(office):
    assert add_user(office, "ＭＥＩ@示範.test").status_code == 302
    assert User.objects.filter(email=ASCII).exists()


def test_the_admin_refuses_the_other_spelling_of_a_taken_address(office):
    UserFactory(email=LETTERS)
    response = add_user(office, ASCII)
    assert response.status_code == 200
    assert "A person with this e-mail address already exists." in response.content.decode()
    assert User.objects.filter(email=ASCII).count() == 1


@pytest.mark.parametrize("typed", [LOOKALIKE, LOOKALIKE_ASCII])
def test_the_admin_refuses_a_look_alike(office, typed):
    response = add_user(office, typed)
    assert response.status_code == 200 and MIXED_EN in response.content.decode()
    assert not User.objects.filter(email=LOOKALIKE_ASCII).exists()


def test_the_admin_refuses_a_look_alike_when_changing_an_address(office):
    person = UserFactory(email="mei@demo.test", display_name="梅")
    page = office.get(f"/en/admin/accounts/user/{person.pk}/change/")
    data = {k: v for k, v in page.context["adminform"].form.initial.items() if v is not None and k != "password"}
    data.update(email=LOOKALIKE, groups=[], user_permissions=[], date_joined_0="2026-01-05", date_joined_1="09:00")
    response = office.post(f"/en/admin/accounts/user/{person.pk}/change/", data)
    assert response.status_code == 200 and MIXED_EN in response.content.decode()
    person.refresh_from_db()
    assert person.email == "mei@demo.test"
