"""The CI vulnerability audit's decisions (.ci/audit_pins.py), on fake PyPI answers: no network here."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / ".ci" / "audit_pins.py"
spec = importlib.util.spec_from_file_location("audit_pins", SCRIPT)
assert spec is not None and spec.loader is not None
audit_pins = importlib.util.module_from_spec(spec)
sys.modules["audit_pins"] = audit_pins  # dataclasses look their module up while the class is made
spec.loader.exec_module(audit_pins)
Pin = audit_pins.Pin


def project(version: str, *vulns: Mapping[str, Any]) -> dict[str, Any]:
    return {"info": {"version": version}, "releases": {version: []}, "vulnerabilities": list(vulns)}


def vuln(id_: str, *, fixed_in: list[str] | None = None, withdrawn: str | None = None) -> dict[str, Any]:
    return {"id": id_, "aliases": [], "fixed_in": fixed_in or [], "withdrawn": withdrawn, "summary": "", "details": ""}


def fake_pypi(projects: Mapping[str, Any]):
    """A fetch answering from ``projects``: a dict is the JSON, an exception class is raised, absent is 404."""
    asked: list[str] = []

    def fetch(name: str) -> Mapping[str, Any]:
        asked.append(name)
        answer = projects.get(name)
        if answer is None:
            raise audit_pins.UnknownProject(name)
        if isinstance(answer, type) and issubclass(answer, Exception):
            raise answer("URLError: [Errno -2] Name or service not known")
        return answer

    fetch.asked = asked  # type: ignore[attr-defined]
    return fetch


# --- requirements ---------------------------------------------------------------------------


def test_it_parses_pins_with_comments_extras_markers_hashes_and_options():
    text = (
        "# a comment line\n"
        "\n"
        "Django==5.2.19  # the framework\n"
        "celery[redis]==5.7.0\n"
        "python_dateutil==2.9.0.post0 ; python_version >= '3.11'\n"
        "Zope.Interface == 8.0\n"
        "certifi==2026.1.1 \\\n"
        "    --hash=sha256:abc\n"
        "--index-url https://pypi.org/simple\n"
        "-c constraints.txt\n"
        "requests>=2\n"
    )
    assert audit_pins.parse_requirements(text) == [
        Pin("django", "5.2.19"),
        Pin("celery", "5.7.0"),
        Pin("python-dateutil", "2.9.0.post0"),
        Pin("zope-interface", "8.0"),
        Pin("certifi", "2026.1.1"),
        Pin("requests", ""),  # not an exact pin: nothing can audit it
    ]


def test_it_follows_includes_once_and_lists_each_pin_once(tmp_path):
    (tmp_path / "requirements.txt").write_text("amqp==5.4.2\nDjango==5.2.19\n")
    (tmp_path / "requirements-dev.txt").write_text("-r requirements.txt\npytest==9.2.0\ndjango==5.2.19\n")
    pins = audit_pins.read_requirements([tmp_path / "requirements.txt", tmp_path / "requirements-dev.txt"])
    assert pins == [Pin("amqp", "5.4.2"), Pin("django", "5.2.19"), Pin("pytest", "9.2.0")]


# --- decisions ------------------------------------------------------------------------------


def test_a_pin_that_is_the_latest_release_is_audited_by_pypis_project_data():
    fetch = fake_pypi({"amqp": project("5.4.2")})
    verdict = audit_pins.audit([Pin("amqp", "5.4.2")], pip_audit_report=None, fetch=fetch)
    assert verdict.by_pypi_latest == [Pin("amqp", "5.4.2")]
    assert not verdict.not_audited and not verdict.findings
    assert verdict.exit_status(required=True) == 0


def test_a_pin_older_than_the_latest_release_is_not_audited_and_named():
    fetch = fake_pypi({"django": project("6.1.3", vuln("PYSEC-2026-1"))})
    verdict = audit_pins.audit([Pin("django", "5.2.19")], pip_audit_report=None, fetch=fetch)
    # The latest release's vulnerabilities say nothing about 5.2.19, neither clean nor vulnerable.
    assert not verdict.findings and not verdict.by_pypi_latest
    assert verdict.not_audited == {Pin("django", "5.2.19"): ("not the latest release", "latest 6.1.3")}
    assert verdict.exit_status(required=False) == 0
    assert verdict.exit_status(required=True) == 1
    assert "  not audited, not the latest release: django 5.2.19 (latest 6.1.3)" in audit_pins.report(
        verdict, required=False
    )


def test_a_vulnerability_of_the_latest_release_fails_with_id_package_version_and_fix():
    fetch = fake_pypi({"gunicorn": project("27.0.1", vuln("GHSA-xxxx-yyyy-zzzz", fixed_in=["27.0.2"]))})
    verdict = audit_pins.audit([Pin("gunicorn", "27.0.1")], pip_audit_report=None, fetch=fetch)
    assert verdict.exit_status(required=False) == 1
    assert audit_pins.report(verdict, required=False)[0] == (
        "VULNERABLE gunicorn 27.0.1: GHSA-xxxx-yyyy-zzzz (fixed in 27.0.2; found by pypi-latest)"
    )


def test_a_vulnerability_without_a_fixed_release_yet_still_counts():
    # fixed_in names a release PyPI does not have: the latest release is still affected.
    fetch = fake_pypi({"gunicorn": project("27.0.1", vuln("PYSEC-2026-7", fixed_in=["28.0.0"]))})
    verdict = audit_pins.audit([Pin("gunicorn", "27.0.1")], pip_audit_report=None, fetch=fetch)
    assert [f.id for f in verdict.findings] == ["PYSEC-2026-7"]
    assert verdict.exit_status(required=False) == 1


def test_a_withdrawn_vulnerability_is_ignored():
    fetch = fake_pypi({"gunicorn": project("27.0.1", vuln("PYSEC-2026-8", withdrawn="2026-10-01T00:00:00Z"))})
    verdict = audit_pins.audit([Pin("gunicorn", "27.0.1")], pip_audit_report=None, fetch=fetch)
    assert not verdict.findings and verdict.by_pypi_latest == [Pin("gunicorn", "27.0.1")]
    assert verdict.exit_status(required=True) == 0


def test_unreachable_pypi_leaves_every_pin_not_audited_and_says_so():
    fetch = fake_pypi({"amqp": audit_pins.Unreachable, "celery": audit_pins.Unreachable})
    verdict = audit_pins.audit([Pin("amqp", "5.4.2"), Pin("celery", "5.7.0")], pip_audit_report=None, fetch=fetch)
    assert set(verdict.not_audited) == {Pin("amqp", "5.4.2"), Pin("celery", "5.7.0")}
    assert not verdict.findings
    lines = audit_pins.report(verdict, required=False)
    assert any(line.startswith("audit: PyPI is unreachable (URLError") for line in lines)
    assert "audit: NOTHING COULD BE AUDITED" in lines
    assert verdict.exit_status(required=False) == 0
    assert verdict.exit_status(required=True) == 1


def test_a_project_pypi_does_not_know_is_not_audited():
    verdict = audit_pins.audit([Pin("in-house", "1.0")], pip_audit_report=None, fetch=fake_pypi({}))
    assert verdict.not_audited == {Pin("in-house", "1.0"): ("PyPI does not know the project", "")}


def test_pip_audit_rules_where_it_looked_and_the_fallback_takes_only_what_it_skipped():
    pip_audit = {
        "dependencies": [
            {"name": "django", "version": "5.2.19", "vulns": [{"id": "PYSEC-2026-3", "fix_versions": ["5.2.20"]}]},
            {"name": "amqp", "version": "5.4.2", "vulns": []},
            {"name": "celery", "skip_reason": "Dependency not found on PyPI and could not be audited: celery (5.7.0)"},
        ]
    }
    # PyPI's project data would call django and amqp clean and amqp vulnerable: pip-audit's word stands.
    fetch = fake_pypi({"amqp": project("5.4.2", vuln("X-1")), "celery": project("5.7.0")})
    pins = [Pin("django", "5.2.19"), Pin("amqp", "5.4.2"), Pin("celery", "5.7.0")]
    verdict = audit_pins.audit(pins, pip_audit_report=pip_audit, fetch=fetch)
    assert fetch.asked == ["celery"]
    assert verdict.by_pip_audit == [Pin("django", "5.2.19"), Pin("amqp", "5.4.2")]
    assert verdict.by_pypi_latest == [Pin("celery", "5.7.0")]
    assert [f.line() for f in verdict.findings] == [
        "VULNERABLE django 5.2.19: PYSEC-2026-3 (fixed in 5.2.20; found by pip-audit)"
    ]


# --- the command ----------------------------------------------------------------------------


def test_the_command_reads_pip_audits_file_and_exits_on_findings(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("PIP_AUDIT_REQUIRED", raising=False)
    (tmp_path / "requirements.txt").write_text("amqp==5.4.2\ncelery==5.7.0\n")
    report = tmp_path / "pip-audit.json"
    report.write_text(json.dumps({"dependencies": [{"name": "amqp", "skip_reason": "not found"},
                                                   {"name": "celery", "skip_reason": "not found"}]}))  # fmt: skip
    clean = fake_pypi({"amqp": project("5.4.2"), "celery": project("5.7.0")})
    args = ["--pip-audit-json", str(report), str(tmp_path / "requirements.txt")]
    assert audit_pins.main(args, fetch=clean) == 0
    assert "2 pinned packages, 0 audited by pip-audit, 2 by PyPI's data" in capsys.readouterr().out

    bad = fake_pypi({"amqp": project("5.4.2"), "celery": project("5.7.0", vuln("CVE-2026-1234", fixed_in=["5.7.1"]))})
    assert audit_pins.main(args, fetch=bad) == 1
    assert "VULNERABLE celery 5.7.0: CVE-2026-1234 (fixed in 5.7.1" in capsys.readouterr().out


def test_the_command_falls_back_for_every_pin_when_pip_audit_did_not_finish(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("PIP_AUDIT_REQUIRED", "true")
    (tmp_path / "requirements.txt").write_text("amqp==5.4.2\n")
    missing = tmp_path / "missing.json"
    args = ["--pip-audit-json", str(missing), "--pip-audit-rc", "1", str(tmp_path / "requirements.txt")]
    assert audit_pins.main(args, fetch=fake_pypi({"amqp": project("5.4.2")})) == 0
    assert "pip-audit did not run to the end" in capsys.readouterr().out


def test_the_command_fails_when_pip_audit_failed_without_saying_why(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("PIP_AUDIT_REQUIRED", raising=False)
    (tmp_path / "requirements.txt").write_text("amqp==5.4.2\n")
    report = tmp_path / "pip-audit.json"
    report.write_text(json.dumps({"dependencies": [{"name": "amqp", "version": "5.4.2", "vulns": []}]}))
    args = ["--pip-audit-json", str(report), "--pip-audit-rc", "2", str(tmp_path / "requirements.txt")]
    assert audit_pins.main(args, fetch=fake_pypi({})) == 1
    assert "pip-audit exited 2 without a finding" in capsys.readouterr().out


def test_the_network_fetch_turns_a_refused_connection_into_unreachable(monkeypatch):
    def refuse(*args, **kwargs):
        raise audit_pins.urllib.error.URLError(ConnectionRefusedError(111, "Connection refused"))

    monkeypatch.setattr(audit_pins.urllib.request, "urlopen", refuse)
    with pytest.raises(audit_pins.Unreachable, match="URLError"):
        audit_pins.fetch_project("amqp")
