"""The one normalisation of each identifier: a log-in (an e-mail address), an employee number and a code.

Log-in, lock-out, sign-up, password reset, the trainee import and the HR API all pass the
address a person or system typed through :func:`normalize_email` before they compare, count or
store it, so that ``Chen@Bank.example `` and ``chen@bank.example`` are one person everywhere.
Its domain is kept in its ASCII form (IDNA, "punycode"): ``示範.test`` and ``xn--bizz5c.test`` are
one domain, and a domain of ASCII letters is stored as it was typed, so no stored address of that
kind changed when this form was chosen (migration ``accounts 0021`` rewrote the few others). A
look-alike of another script shows as ``xn--…`` wherever an address is listed.

Where an address is entered (sign-up, the admin's forms, the trainee import, the HR API) it also passes
:func:`clean_email`, the rule of what one may be: an address as Django's validator reads it, at most
:data:`EMAIL_MAX_LENGTH` characters, only ASCII before the ``@`` (Python's case-blind match lets a
dotless ``ı`` pass for an ``i`` there), and no part of the domain that mixes scripts the way look-alikes
do (a Cyrillic ``е`` among Latin letters). A part in one script, Cyrillic or Chinese, is a real domain
and is taken; so are Latin letters with the scripts Chinese, Japanese and Korean are written in
(Unicode's UTS #39 "highly restrictive" level). The forms that only look an account up (log-in, password
reset, a new verification link: :class:`accounts.forms.LookupEmailField`), the lock-out's key and the
authentication backend only normalise: the rule is for addresses registered from now on, and an account
stored before it must still get in; an address nobody has is not found, with the forms' one generic answer.
Likewise the admin's user form keeps an account's own stored address as it is when other fields change.

Likewise the admin, the trainee import and the HR API pass an employee number through
:func:`normalize_employee_number` (the model's :class:`EmployeeNumberField`, the API's field), so
that ``a-1001``, ``A-1001`` and ``Ａ－１００１`` are one employee of a bank; the database refuses
a number in any other form (``accounts_traineeprofile`` check ``trainee_employee_number_normalized``).

An employee number someone enters (the admin's forms and model validation through :class:`EmployeeNumberField`,
the trainee and enrolment imports) also passes :func:`clean_employee_number`, the rule of what one may hold:
letters, digits and ``- _ . /`` as banks' HR systems write them, at most :data:`EMPLOYEE_NUMBER_MAX_LENGTH`
characters; a space, a ``!`` or a spreadsheet's date cell is refused, naming what was typed. Migration
``accounts 0020`` put the numbers stored before in this form with a copy of the rule frozen in it: a change
to the rule here leaves stored numbers as they are, so it needs a migration of its own.

The code of an employer or a cohort typed into an import passes :func:`normalize_code`: trimmed, full-width
forms folded (``ｂａｎｋ－ａ`` is ``bank-a``), as an address and a number are. A cohort's code keeps its case
(``A-STD-R``, compared as stored); an employer's and an institution's are lower-cased too
(``accounts.models.normalize_organisation_code``: ``BANK-A`` is ``bank-a``, and the database refuses two codes of
one kind that differ only in case).
"""

from __future__ import annotations

import unicodedata
from typing import Any

import idna
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from core.fields import NormalisedTextField
from core.forms import NormalisedCharField
from core.text_rules import refuse_control_characters

from .validators import refuse_date_cell

#: The column's length (``TraineeProfile.employee_number``).
EMPLOYEE_NUMBER_MAX_LENGTH = 50
#: What a number may hold once normalised: letters and digits (any script's; full-width ones are folded first),
#: and ``- _ . /`` between them.
_NUMBER_SEPARATORS = "-_./"


#: The column's length (``User.email``).
EMAIL_MAX_LENGTH = 254
#: The scripts one part of a domain may combine (UTS #39, "highly restrictive"): Latin with those of Chinese,
#: Japanese or Korean, whose letters look like no Latin one.
_SCRIPTS_TOGETHER = (
    frozenset({"LATIN", "HAN", "HIRAGANA", "KATAKANA"}),
    frozenset({"LATIN", "HAN", "BOPOMOFO"}),
    frozenset({"LATIN", "HAN", "HANGUL"}),
)


def normalize_email(value: object) -> str:
    """Trim, fold compatibility forms (full-width letters), case-fold, and write the domain in ASCII (IDNA).

    Never raises: a domain IDNA refuses stays as typed (:func:`clean_email` refuses it where an address is
    entered; a look-up of it finds nobody).
    """
    text = unicodedata.normalize("NFKC", str(value or "")).strip().casefold()
    local, at, domain = text.rpartition("@")
    if not at:
        return text
    return f"{local}@{'.'.join(_ascii_label(label) for label in domain.split('.'))}"


def _ascii_label(label: str) -> str:
    """One part of a domain in ASCII: an ASCII part stays as it is (IDNA would refuse some that Django takes,
    such as ``ab--cd``); another, and an ``xn--`` part (checked), in IDNA's form; as it is where IDNA refuses it."""
    if label.isascii() and not label.startswith("xn--"):
        return label
    try:
        # UTS #46 also reads an ideographic full stop (。) as a dot.
        return idna.encode(label, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        return label


def _script(char: str) -> str | None:
    """A letter's script, from its Unicode name (Python's unicodedata has no Script property); None for a digit,
    a hyphen or a mark, which go with any script. NFKC has folded full-width and letter-like forms before."""
    if not unicodedata.category(char).startswith("L"):
        return None
    name = unicodedata.name(char, "")
    if name.startswith(("CJK ", "IDEOGRAPHIC ")):
        return "HAN"
    if name.startswith("KATAKANA-HIRAGANA "):  # the prolonged sound mark, written in both
        return "KATAKANA"
    return name.split(" ", 1)[0]


def _scripts_go_together(scripts: set[str]) -> bool:
    return len(scripts) <= 1 or any(scripts <= allowed for allowed in _SCRIPTS_TOGETHER)


def _stray_letter(label: str) -> str | None:
    """The first letter of ``label`` (Unicode) whose script does not go with those before it, counting from the
    script most of its letters are in; None when its scripts go together."""
    scripts = [script for script in map(_script, label) if script is not None]
    if not scripts:
        return None
    seen = {max(scripts, key=lambda script: (scripts.count(script), script == "LATIN"))}
    for char in label:
        script = _script(char)
        if script is None:
            continue
        if not _scripts_go_together(seen | {script}):
            return char
        seen.add(script)
    return None


def _not_an_address(email: str) -> ValidationError:
    return ValidationError(_("%(email)s is not an e-mail address."), code="invalid", params={"email": email})


def clean_email(value: object) -> str:
    """The stored form of an address someone entered ("" for none); raises ``ValidationError``.

    Refused, with the code: a control or format character (``control_character``), more than
    :data:`EMAIL_MAX_LENGTH` characters (``max_length``), a part of the domain that mixes scripts
    (``mixed_scripts``), a quoted part before the @ (``quoted``: the mailbox of the unquoted one), and anything
    else that is not an address (``invalid``).
    """
    typed = "" if value is None else str(value).strip()
    refuse_control_characters(typed)
    email = normalize_email(typed)
    if not email:
        return ""
    local, _at, domain = email.rpartition("@")
    if local.startswith('"'):
        # RFC 5322 allows a quoted local part, and "ann"@bank.example reaches ann@bank.example's mailbox: two
        # accounts on one mailbox. No mail provider hands such addresses out, so none is taken.
        raise ValidationError(
            _("Type the address without quotation marks before the @."), code="quoted", params={"email": typed}
        )
    if stray := next((char for char in local if not char.isascii()), None):
        raise ValidationError(
            _(
                "Before the @, an e-mail address holds only Latin letters (a–z), digits and signs such as . _ - +; "
                "“%(char)s” (%(code)s) is not one of them."
            ),
            code="invalid",
            params={"char": stray, "code": f"U+{ord(stray):04X}"},
        )
    try:
        # Each ``xn--`` part as people read it (_ascii_label checked those it wrote; one typed so may be junk).
        shown = [idna.decode(label) if label.startswith("xn--") else label for label in domain.split(".")]
    except (idna.IDNAError, UnicodeError):
        raise _not_an_address(typed) from None
    for label in shown:
        if stray := _stray_letter(label):
            raise ValidationError(
                _(
                    "In the domain “%(domain)s”, the letter “%(char)s” (%(code)s) is of another script than the "
                    "letters beside it, as in an address made to look like another. Type the address again in one "
                    "script."
                ),
                code="mixed_scripts",
                params={"domain": ".".join(shown), "char": stray, "code": f"U+{ord(stray):04X}"},
            )
    if not domain.isascii():
        raise _not_an_address(typed)
    try:
        validate_email(email)
    except ValidationError:
        raise _not_an_address(typed) from None
    if len(email) > EMAIL_MAX_LENGTH:
        raise ValidationError(
            _("An e-mail address has at most %(limit)s characters."),
            code="max_length",
            params={"limit": EMAIL_MAX_LENGTH},
        )
    return email


def normalize_employee_number(value: object) -> str:
    """Trim, fold compatibility forms (full-width letters and digits) and upper-case an employee number."""
    return unicodedata.normalize("NFKC", str(value or "")).strip().upper()


def _is_letter_or_digit(char: str) -> bool:
    return unicodedata.category(char).startswith("L") or unicodedata.category(char) == "Nd"


def clean_employee_number(value: object) -> str:
    """The stored form of an employee number someone entered ("" for none); raises ``ValidationError``.

    Refused, naming what was typed: a spreadsheet's date or time cell (code ``date_cell``), a control character
    (``control_character``), more than :data:`EMPLOYEE_NUMBER_MAX_LENGTH` characters (``max_length``), and
    anything but letters and digits with ``- _ . /`` between them (``employee_number``), a space included.
    """
    refuse_date_cell(value)
    typed = "" if value is None else str(value)
    refuse_control_characters(typed)
    number = normalize_employee_number(typed)
    if not number:
        return ""
    if len(number) > EMPLOYEE_NUMBER_MAX_LENGTH:
        raise ValidationError(
            _("An employee number has at most %(limit)s characters."),
            code="max_length",
            params={"limit": EMPLOYEE_NUMBER_MAX_LENGTH},
        )
    well_formed = (
        all(_is_letter_or_digit(char) or char in _NUMBER_SEPARATORS for char in number)
        and _is_letter_or_digit(number[0])
        and _is_letter_or_digit(number[-1])
    )
    if not well_formed:
        raise ValidationError(
            _(
                "“%(value)s” is not an employee number: use letters and digits, with hyphens (-), underscores (_), "
                "full stops (.) or slashes (/) between them, and no spaces."
            ),
            code="employee_number",
            params={"value": typed.strip()},
        )
    return number


def normalize_code(value: object) -> str:
    """An employer's or a cohort's code as typed into an import, in the form codes are stored in: trimmed, and
    full-width letters, digits and hyphens folded (NFKC: ``ＰＲＯＢＥ－Ｒ－２０２６`` is ``PROBE-R-2026``).
    The case is kept (codes are compared as stored)."""
    return unicodedata.normalize("NFKC", "" if value is None else str(value)).strip()


class EmployeeNumberFormField(NormalisedCharField):
    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**{"normaliser": clean_employee_number, **kwargs})


class EmployeeNumberField(NormalisedTextField):
    """An employee number column; its admin and model forms normalise what is typed and refuse what
    :func:`clean_employee_number` refuses."""

    normaliser = staticmethod(clean_employee_number)
    form_class = EmployeeNumberFormField


def lockout_username(request: object, credentials: dict[str, Any] | None) -> str:
    """The lock-out's key (``AXES_USERNAME_CALLABLE``): the normalised address, however it was typed.

    django-axes counts failures per this string; without it each case variant of an address
    (``Chen@``, ``CHEN@``, `` chen@``) would get its own six guesses.
    """
    if credentials:
        # Django's ModelBackend also takes the address under the user model's USERNAME_FIELD.
        raw = credentials.get("username") or credentials.get("email")
    else:
        data = getattr(request, "data", None) or getattr(request, "POST", None) or {}
        raw = data.get("username")
    return normalize_email(raw)
