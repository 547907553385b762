#!/usr/bin/env python3
"""Known vulnerabilities of every pinned requirement: pip-audit's verdict, else PyPI's latest-release data.

pip-audit asks PyPI about each pinned version (/pypi/<name>/<version>/json, or OSV). Where it could
not look at a pin (it skipped it, or did not run to the end) this script asks PyPI's project JSON
(/pypi/<name>/json), whose ``vulnerabilities`` are the known ones of the project's *latest* release:
a pin that is that release is audited by it; any other pin is reported "not audited", by name.

Exit status: 1 on any known vulnerability (either source), or when pip-audit failed without saying
why; 1 when a pin stays not audited and PIP_AUDIT_REQUIRED=true; else 0. Standard library only, so
it runs before (and without) the project's dependencies.

    audit_pins.py [--pip-audit-json FILE] [--pip-audit-rc N] requirements.txt [more.txt ...]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PYPI_PROJECT_URL = "https://pypi.org/pypi/{name}/json"
TIMEOUT_SECONDS = 10.0
PARALLEL_REQUESTS = 8

PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*===?\s*(?P<version>[^\s;,]+)\s*$")
NAME = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)")
INCLUDE = re.compile(r"^(?:-r|--requirement)(?:\s*|=)(?P<path>\S+)$")


def canonical(name: str) -> str:
    """PEP 503: pip-audit reports names this way, and PyPI answers to it."""
    return re.sub(r"[-_.]+", "-", name).lower()


@dataclass(frozen=True)
class Pin:
    name: str  # canonical
    version: str  # "" when the line is not an exact pin


@dataclass(frozen=True)
class Finding:
    id: str
    name: str
    version: str
    fixed_in: tuple[str, ...]
    source: str  # "pip-audit" or "pypi-latest"

    def line(self) -> str:
        fixed = ", ".join(self.fixed_in) or "no fixed release"
        return f"VULNERABLE {self.name} {self.version}: {self.id} (fixed in {fixed}; found by {self.source})"


@dataclass
class Verdict:
    pins: list[Pin]
    by_pip_audit: list[Pin] = field(default_factory=list)
    by_pypi_latest: list[Pin] = field(default_factory=list)
    not_audited: dict[Pin, tuple[str, str]] = field(default_factory=dict)  # pin -> (why, detail)
    findings: list[Finding] = field(default_factory=list)
    pypi_unreachable: str = ""  # the error, when PyPI answered none of our requests

    def exit_status(self, *, required: bool, pip_audit_failed_silently: bool = False) -> int:
        if self.findings or pip_audit_failed_silently:
            return 1
        return 1 if (required and self.not_audited) else 0


class Unreachable(Exception):
    """PyPI did not answer (network, DNS, timeout, a 5xx)."""


class UnknownProject(Exception):
    """PyPI answered 404 for the project."""


Fetch = Callable[[str], Mapping[str, Any]]


# --- requirements ---------------------------------------------------------------------------


def parse_requirements(text: str, *, base: Path | None = None, seen: set[Path] | None = None) -> list[Pin]:
    """The requirements in ``text``: comments, blank lines, options, extras and markers dropped.

    ``-r other.txt`` is followed relative to ``base`` (once per file). A requirement that is not an
    exact ``==`` pin comes back with an empty version: nothing can audit "whatever pip picks".
    """
    seen = set() if seen is None else seen
    pins: list[Pin] = []
    for raw in re.sub(r"\\\n", " ", text).splitlines():
        line = re.sub(r"(^|\s)#.*$", "", raw).strip()
        if not line:
            continue
        include = INCLUDE.match(line)
        if include:
            if base is not None:
                path = (base / include["path"]).resolve()
                if path not in seen and path.is_file():
                    seen.add(path)
                    pins += parse_requirements(path.read_text(encoding="utf-8"), base=path.parent, seen=seen)
            continue
        if line.startswith("-"):
            continue  # -c, --index-url, -e …: not a requirement of a named release
        requirement = line.split(";", 1)[0].split(" --hash", 1)[0].strip()
        match = PIN.match(requirement)
        if match:
            pins.append(Pin(canonical(match["name"]), match["version"]))
        elif name := NAME.match(requirement):
            pins.append(Pin(canonical(name["name"]), ""))
    return pins


def read_requirements(paths: Iterable[Path]) -> list[Pin]:
    """Every pin of the given files (following ``-r``), each (name, version) once, in order."""
    seen: set[Path] = set()
    pins: list[Pin] = []
    for path in paths:
        resolved = path.resolve()
        if resolved in seen:
            continue
        seen.add(resolved)
        pins += parse_requirements(resolved.read_text(encoding="utf-8"), base=resolved.parent, seen=seen)
    return list(dict.fromkeys(pins))


# --- the two sources ------------------------------------------------------------------------


def apply_pip_audit(verdict: Verdict, report: Mapping[str, Any] | None) -> list[Pin]:
    """Take pip-audit's verdict where it has one; return the pins it did not audit."""
    if report is None:
        return list(verdict.pins)
    audited: dict[tuple[str, str], Mapping[str, Any]] = {}
    for dep in report.get("dependencies", []):
        if "skip_reason" not in dep and dep.get("version"):
            audited[(canonical(dep["name"]), str(dep["version"]))] = dep
    rest = []
    for pin in verdict.pins:
        dep = audited.get((pin.name, pin.version))
        if dep is None:
            rest.append(pin)
            continue
        verdict.by_pip_audit.append(pin)
        for vuln in dep.get("vulns") or []:
            fixed = tuple(str(v) for v in vuln.get("fix_versions") or [])
            verdict.findings.append(Finding(str(vuln.get("id")), pin.name, pin.version, fixed, "pip-audit"))
    return rest


def apply_pypi_latest(verdict: Verdict, pins: Sequence[Pin], fetch: Fetch) -> None:
    """Audit each pin that is its project's latest release by PyPI's project JSON."""
    todo = [pin for pin in pins if pin.version]
    for pin in pins:
        if not pin.version:
            verdict.not_audited[pin] = ("not an exact == pin", "")

    def look(pin: Pin) -> tuple[Pin, Mapping[str, Any] | Exception]:
        try:
            return pin, fetch(pin.name)
        except (Unreachable, UnknownProject) as error:
            return pin, error

    with ThreadPoolExecutor(max_workers=PARALLEL_REQUESTS) as pool:
        answers = list(pool.map(look, todo))

    unreachable = [str(a) for _pin, a in answers if isinstance(a, Unreachable)]
    if todo and len(unreachable) == len(todo):
        verdict.pypi_unreachable = unreachable[0]
    for pin, answer in answers:
        if isinstance(answer, Unreachable):
            verdict.not_audited[pin] = (f"PyPI unreachable ({answer})", "")
            continue
        if isinstance(answer, UnknownProject):
            verdict.not_audited[pin] = ("PyPI does not know the project", "")
            continue
        latest = str((answer.get("info") or {}).get("version") or "")
        if latest != pin.version:
            verdict.not_audited[pin] = ("not the latest release", f"latest {latest or 'unknown'}")
            continue
        verdict.by_pypi_latest.append(pin)
        for vuln in answer.get("vulnerabilities") or []:
            if vuln.get("withdrawn"):
                continue
            # Listed on the latest release means it affects it, even when ``fixed_in`` names a
            # release that is not out yet.
            fixed = tuple(str(v) for v in vuln.get("fixed_in") or [])
            verdict.findings.append(Finding(str(vuln.get("id")), pin.name, pin.version, fixed, "pypi-latest"))


def audit(pins: Sequence[Pin], *, pip_audit_report: Mapping[str, Any] | None, fetch: Fetch) -> Verdict:
    verdict = Verdict(pins=list(pins))
    rest = apply_pip_audit(verdict, pip_audit_report)
    if rest:
        apply_pypi_latest(verdict, rest, fetch)
    return verdict


def fetch_project(name: str) -> Mapping[str, Any]:
    """PyPI's project JSON, or :class:`UnknownProject` / :class:`Unreachable`."""
    request = urllib.request.Request(
        PYPI_PROJECT_URL.format(name=name), headers={"Accept": "application/json", "User-Agent": "bcm-ci-audit"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return json.load(response)
    except urllib.error.HTTPError as error:
        if error.code == 404:
            raise UnknownProject(name) from None
        raise Unreachable(f"HTTP {error.code} for {name}") from None
    except (urllib.error.URLError, TimeoutError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise Unreachable(f"{type(error).__name__}: {reason}") from None


# --- report ---------------------------------------------------------------------------------


def report(verdict: Verdict, *, required: bool) -> list[str]:
    lines = [finding.line() for finding in verdict.findings]
    lines.append(
        f"audit: {len(verdict.pins)} pinned packages, {len(verdict.by_pip_audit)} audited by pip-audit, "
        f"{len(verdict.by_pypi_latest)} by PyPI's data on their latest release, "
        f"{len(verdict.not_audited)} not audited"
    )
    if verdict.pypi_unreachable:
        lines.append(f"audit: PyPI is unreachable ({verdict.pypi_unreachable}); the fallback could look at nothing")
    by_reason: dict[str, list[str]] = {}
    for pin, (why, detail) in sorted(verdict.not_audited.items(), key=lambda item: item[0].name):
        named = f"{pin.name} {pin.version}".strip()
        by_reason.setdefault(why, []).append(f"{named} ({detail})" if detail else named)
    for why, names in by_reason.items():
        lines.append(f"  not audited, {why}: " + ", ".join(names))
    if verdict.not_audited and not verdict.by_pip_audit and not verdict.by_pypi_latest:
        lines.append("audit: NOTHING COULD BE AUDITED")
    if verdict.not_audited:
        lines.append(
            "audit: PIP_AUDIT_REQUIRED=true: a pin not audited fails the run"
            if required
            else "audit: pins not audited are reported, not faked (PIP_AUDIT_REQUIRED=true makes them fail the run)"
        )
    return lines


def load_pip_audit_report(path: Path | None) -> Mapping[str, Any] | None:
    if path is None:
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("dependencies"), list) else None


def main(argv: Sequence[str] | None = None, *, fetch: Fetch = fetch_project) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("requirements", nargs="+", type=Path)
    parser.add_argument("--pip-audit-json", type=Path, help="pip-audit's -f json output, if it ran")
    parser.add_argument("--pip-audit-rc", type=int, default=0, help="pip-audit's exit status")
    args = parser.parse_args(argv)
    required = os.environ.get("PIP_AUDIT_REQUIRED") == "true"

    pip_audit_report = load_pip_audit_report(args.pip_audit_json)
    if args.pip_audit_json is not None and pip_audit_report is None:
        print("audit: pip-audit did not run to the end (its log above); asking PyPI's project JSON for every pin")
    verdict = audit(read_requirements(args.requirements), pip_audit_report=pip_audit_report, fetch=fetch)
    # pip-audit exits 1 on a finding or when it skipped a pin; failing while reporting neither is an
    # error of its own, which must not pass as clean.
    skipped_any = pip_audit_report is not None and any("skip_reason" in d for d in pip_audit_report["dependencies"])
    failed_silently = (
        pip_audit_report is not None
        and args.pip_audit_rc != 0
        and not skipped_any
        and not any(f.source == "pip-audit" for f in verdict.findings)
    )
    for line in report(verdict, required=required):
        print(line)
    if failed_silently:
        print(f"audit: pip-audit exited {args.pip_audit_rc} without a finding or a skipped pin (its log above)")
    return verdict.exit_status(required=required, pip_audit_failed_silently=failed_silently)


if __name__ == "__main__":
    sys.exit(main())
