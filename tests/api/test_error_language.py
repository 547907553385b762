"""``title``, ``detail`` and ``errors[].message`` are in the language the HR system asked for
(``Accept-Language``), whatever made the error: our views, DRF's defaults, the OAuth2 layer
(issue 15, item 11).

Three walks keep the class closed: a sample of every kind of error over HTTP in both languages;
every error text DRF can produce has a zh-Hant translation in the catalog; no API module
translates a text at import time (it would stay in the language of the process's start).
"""

import ast
import inspect
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from rest_framework import exceptions, fields, pagination, relations, serializers, validators
from rest_framework.test import APIClient

from hr_api.auth import ClientRateThrottle

from .conftest import assert_problem, http

CJK = re.compile(r"[\u3400-\u9fff]")
ROOT = Path(settings.BASE_DIR)
# The HR API, and the services whose refusals it passes on (the employee endpoints').
API_MODULES = ["hr_api/**/*.py", "accounts/employees.py"]


def bad_request(cast, h):
    return cast.api_a.post("/api/v1/employees/", {"email": "nope", "display_name": ""}, format="json", **h)


def malformed_json(cast, h):
    return cast.api_a.post("/api/v1/employees/", data='{"email": ', content_type="application/json", **h)


def no_token(cast, h):
    return APIClient().get("/api/v1/employees/", **h)


def bad_token(cast, h):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Bearer not-a-token-we-issued")
    return api.get("/api/v1/employees/", **h)


def no_scope(cast, h):
    return http(cast.hr_a, ["read"]).post("/api/v1/employees/", {}, format="json", **h)


def not_found(cast, h):
    return cast.api_a.get("/api/v1/employees/999999/", **h)


def no_such_path(cast, h):
    return cast.api_a.get("/api/v1/no-such-thing/", **h)


def wrong_method(cast, h):
    return cast.api_a.delete("/api/v1/catalog/tiers/", **h)


def conflict(cast, h):
    from courses import services
    from tests.factories import CohortFactory, TraineeProfileFactory

    cohort = CohortFactory(capacity=1)
    services.do_enrol(trainee=TraineeProfileFactory().user, cohort=cohort)
    employee = TraineeProfileFactory(employer=cast.hr_a.employer)
    return cast.api_a.post("/api/v1/enrollments/", {"employee": employee.pk, "cohort": cohort.pk}, format="json", **h)


def too_large(cast, h, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 200
    return cast.api_a.post("/api/v1/employees/bulk/", {"employees": [{"branch": "x" * 500}]}, format="json", **h)


def wrong_media_type(cast, h):
    return cast.api_a.post("/api/v1/employees/", data="a=b", content_type="application/x-www-form-urlencoded", **h)


def not_acceptable(cast, h):
    return cast.api_a.get("/api/v1/catalog/tiers/", HTTP_ACCEPT="text/csv", **h)


def throttled(cast, h, monkeypatch):
    monkeypatch.setattr(ClientRateThrottle, "THROTTLE_RATES", {"api_client": "1/min"})
    cast.api_a.get("/api/v1/catalog/tiers/", **h)
    return cast.api_a.get("/api/v1/catalog/tiers/", **h)


KINDS = {
    "validation": (bad_request, 400),
    "malformed_json": (malformed_json, 400),
    "no_token": (no_token, 401),
    "bad_token": (bad_token, 401),
    "no_scope": (no_scope, 403),
    "not_found": (not_found, 404),
    "no_such_path": (no_such_path, 404),
    "wrong_method": (wrong_method, 405),
    "not_acceptable": (not_acceptable, 406),
    "conflict": (conflict, 409),
    "too_large": (too_large, 413),
    "wrong_media_type": (wrong_media_type, 415),
    "throttled": (throttled, 429),
}


@pytest.mark.parametrize("language", ["zh-Hant", "en"])
@pytest.mark.parametrize("kind", sorted(KINDS))
def test_title_detail_and_messages_are_in_the_asked_language(cast, kind, language, settings, monkeypatch):
    make, status = KINDS[kind]
    extra = (
        {"settings": settings} if kind == "too_large" else {"monkeypatch": monkeypatch} if kind == "throttled" else {}
    )
    body = assert_problem(make(cast, {"HTTP_ACCEPT_LANGUAGE": language}, **extra), status)
    texts = [body["title"], body["detail"], *(e["message"] for e in body.get("errors", []))]
    for text in texts:
        if language == "zh-Hant":
            assert CJK.search(text), (kind, text)
        else:
            assert not CJK.search(text), (kind, text)


def drf_error_texts() -> dict[str, str]:
    """Every text DRF can put in ``detail`` or ``errors[].message``, with where it comes from."""
    texts: dict[str, str] = {}
    with translation.override(None):  # the msgid
        for module in (exceptions, fields, serializers, relations, validators, pagination):
            for cls in vars(module).values():
                if not inspect.isclass(cls) or not cls.__module__.startswith("rest_framework"):
                    continue
                for name in ("default_detail", "message", "invalid_cursor_message"):
                    if name in vars(cls):
                        texts[str(vars(cls)[name])] = f"{cls.__name__}.{name}"
                for key, text in vars(cls).get("default_error_messages", {}).items():
                    texts[str(text)] = f"{cls.__name__}.{key}"
    return texts


def test_every_drf_error_text_has_a_chinese_translation():
    """DRF's own zh_Hant catalog lacks about half its texts; the project's catalog carries them."""
    with translation.override("zh-hant"):
        untranslated = {
            where: text for text, where in drf_error_texts().items() if not CJK.search(translation.gettext(text))
        }
    assert not untranslated


def api_modules() -> list[Path]:
    return sorted(path for pattern in API_MODULES for path in ROOT.glob(pattern) if "migrations" not in path.parts)


def eager_translations(tree: ast.Module, eager: set[str]) -> list[int]:
    """Lines outside any function that call an eager gettext, or format a lazy one with ``%``
    (which makes it eager): both fix the text in the language active at import."""
    found = []

    def walk(node, in_function):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            in_function = True
        if not in_function:
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in eager:
                found.append(node.lineno)
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod) and isinstance(node.left, ast.Call):
                found.append(node.lineno)
        for child in ast.iter_child_nodes(node):
            walk(child, in_function)

    walk(tree, False)
    return found


def eager_names(tree: ast.Module) -> set[str]:
    names = {"gettext", "ngettext", "pgettext"}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "django.utils.translation":
            for alias in node.names:
                if alias.name in ("gettext", "ngettext", "pgettext"):
                    names.add(alias.asname or alias.name)
    return names


def untranslated_messages(tree: ast.Module) -> list[int]:
    """Class attributes that DRF shows as a detail (``message``, ``default_detail``) given as a
    plain string: never translated."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef):
            for statement in node.body:
                if (
                    isinstance(statement, ast.Assign)
                    and any(
                        isinstance(t, ast.Name) and t.id in ("message", "default_detail") for t in statement.targets
                    )
                    and isinstance(statement.value, ast.Constant)
                ):
                    found.append(statement.lineno)
    return found


def test_no_api_module_translates_at_import_time_or_leaves_a_detail_untranslated():
    offenders = []
    for path in api_modules():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        lines = eager_translations(tree, eager_names(tree)) + untranslated_messages(tree)
        offenders += [f"{path.relative_to(ROOT)}:{line}" for line in lines]
    assert not offenders
