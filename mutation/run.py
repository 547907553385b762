"""Mutation testing of the central rules, one module at a time (issue 23; README, "Mutation testing").

For each module below: a scratch copy of the project in var/mutation/<module>/, mutmut told to
mutate only that module and to run only the tests listed for it, then its verdicts appended to
mutation/RESULTS.md (module, mutants, killed, survived, and each survivor's diff). Survivors judged
equivalent are explained in mutation/EQUIVALENT.md, keyed by mutant name, and shown as such.

    .venv/bin/python mutation/run.py                       # every module below, smallest first
    .venv/bin/python mutation/run.py accounts/identifiers.py hr_api/webhooks/signing.py

Two environment variables narrow a run of one module (``make mutate MODULES=… MUTANTS=…`` passes them):

- ``MUTANTS``: mutant names or globs, space-separated, as mutmut names them
  (``accounts.scoping.x_employer_of__mutmut_1``, ``"accounts.scoping.xǁRowScopedAdminǁdelete_view*"``):
  only these are run (again, even if they have a verdict). The scratch copy of an earlier run is kept
  (its files refreshed from the checkout, its verdicts kept), so the section written counts every
  verdict of the scratch copy, old and new; the mutants no run has reached are "not checked".
- ``MUTATE_RESUME=1``: keep the scratch copy of an earlier, interrupted run and run only the mutants
  it has no verdict for (mutmut skips the others), e.g. after a run stopped at a deadline.

A change to the mutated module itself makes mutmut generate its mutants again (their verdicts go).
``MUTATE_CHILDREN`` sets mutmut's ``--max-children`` (1 by default: the run is not alone on the machine).
"""

from __future__ import annotations

import datetime
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "mutation" / "RESULTS.md"
EQUIVALENT = ROOT / "mutation" / "EQUIVALENT.md"

# module -> the tests that cover it (only these run against its mutants). No transactional tests: they
# flush the reused test database, and the catalog of its data migration is gone for the next session.
MODULES: dict[str, list[str]] = {
    "accounts/identifiers.py": ["tests/security/test_identifier_normalisation.py"],
    "hr_api/webhooks/signing.py": [
        "tests/api/test_webhook_signing.py",
        "tests/api/test_webhook_standard.py",
        "tests/api/test_webhooks.py",
    ],
    "accounts/client_address.py": ["tests/security/test_client_address.py"],
    "courses/hours.py": ["tests/fuzz/test_hours_properties.py", "tests/courses/test_hours.py"],
    "hr_api/idempotency.py": [
        "tests/api/test_idempotency.py",
        "tests/api/test_enrolments.py",
        "tests/api/test_employees.py",
        "tests/api/test_evaluations.py",
    ],
    "exams/services/grading.py": ["tests/exams/test_grading.py", "tests/exams/test_interleavings.py"],
    "exams/services/attempts.py": ["tests/exams/test_attempts.py", "tests/exams/test_interleavings.py"],
    "accounts/scoping.py": [
        "tests/accounts/test_scoping_forms.py",
        "tests/accounts/test_admin_isolation.py",
        "tests/accounts/test_roles.py",
        "tests/courses/test_teachers.py",
        "tests/career/test_privacy.py",
        "tests/career/test_evaluation_privacy.py",
    ],
    "certification/services.py": ["tests/certification/test_services.py", "tests/certification/test_issuance.py"],
    "courses/services.py": ["tests/courses/test_services.py", "tests/courses/test_enrolment_states.py"],
}

# The fixed, reused test database (mutation/fixed_db.py); tests that start processes of their own, and the
# PostgreSQL-only ones (transactional: their flush would empty the reused database), stay out.
PYTEST_ARGS = [
    "-p",
    "mutation.fixed_db",
    "--reuse-db",
    "-q",
    "-x",
    "-m",
    "not (worker or browser or drill or slow or postgres)",
]

SKIP = {".git", ".venv", "node_modules", "var", "mutants", "__pycache__", "staticfiles"}


def scratch_copy(module: str, keep: bool = False) -> Path:
    """A fresh copy of the checkout to mutate in; with ``keep``, an earlier one refreshed in place
    (mutmut's own directory, ``mutants/``, with its verdicts, is left as it is)."""
    work = ROOT / "var" / "mutation" / module.replace("/", "__").removesuffix(".py")
    if work.exists() and not keep:
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    for entry in ROOT.iterdir():
        if entry.name in SKIP:
            continue
        target = work / entry.name
        if entry.is_dir():
            shutil.copytree(entry, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"), dirs_exist_ok=True)
        else:
            shutil.copy2(entry, target)
    if not (work / ".venv").exists():
        (work / ".venv").symlink_to(ROOT / ".venv")
    if keep and (work / "mutants").exists():
        # mutmut copies the sources into mutants/ once (the tests every run): bring the modules it does
        # not mutate up to date; the mutated one it generates again itself when it is newer.
        mutated = (ROOT / module).resolve()

        def stale(directory: str, names: list[str]) -> set[str]:
            return {
                n for n in names
                if n == "__pycache__" or n.endswith(".pyc") or (Path(directory) / n).resolve() == mutated
            }  # fmt: skip

        for entry in ROOT.iterdir():
            if entry.name not in SKIP and entry.name != "tests" and (entry / "__init__.py").exists():
                shutil.copytree(entry, work / "mutants" / entry.name, ignore=stale, dirs_exist_ok=True)
    return work


def configure(work: Path, module: str, tests: list[str]) -> None:
    packages = sorted(
        p.name for p in ROOT.iterdir() if p.is_dir() and (p / "__init__.py").exists() and p.name not in {"tests"}
    )
    others = sorted(
        p.name for p in ROOT.iterdir() if p.name not in SKIP and p.name not in packages and p.name != "tests"
    )
    existing = [t for t in tests if (ROOT / t).exists()]
    section = "\n[tool.mutmut]\n" + "\n".join(
        [
            f"source_paths = {json.dumps(packages)}",
            f"only_mutate = {json.dumps([module])}",
            f"also_copy = {json.dumps(others)}",
            f"pytest_add_cli_args_test_selection = {json.dumps(existing)}",
            f"pytest_add_cli_args = {json.dumps(PYTEST_ARGS)}",
            "use_git_change_detection = false",
            "timeout_multiplier = 5.0",
        ]
    )
    pyproject = work / "pyproject.toml"
    pyproject.write_text((ROOT / "pyproject.toml").read_text("utf-8") + section + "\n", "utf-8")


def verdicts(work: Path) -> dict[str, str]:
    out = subprocess.run(
        [str(ROOT / ".venv/bin/mutmut"), "results", "--all", "true"],
        cwd=work,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    found = {}
    for line in out.splitlines():
        match = re.match(r"\s*(\S+):\s*(.+)$", line)
        if match:
            found[match.group(1)] = match.group(2).strip()
    return found


def diff_of(work: Path, name: str) -> str:
    return subprocess.run(
        [str(ROOT / ".venv/bin/mutmut"), "show", name], cwd=work, capture_output=True, text=True, check=False
    ).stdout.strip()


def equivalents() -> dict[str, str]:
    if not EQUIVALENT.exists():
        return {}
    found = {}
    for line in EQUIVALENT.read_text("utf-8").splitlines():
        match = re.match(r"- `([^`]+)`: (.+)", line)
        if match:
            found[match.group(1)] = match.group(2)
    return found


def mutate(module: str, names: list[str], keep: bool) -> str:
    tests = MODULES.get(module, [])
    started = time.monotonic()
    work = scratch_copy(module, keep=keep)
    configure(work, module, tests)
    env = {**os.environ, "DJANGO_DEBUG": "true"}
    env.pop("CI", None)
    run = subprocess.run(
        [str(ROOT / ".venv/bin/mutmut"), "run", "--max-children", os.environ.get("MUTATE_CHILDREN", "1"), *names],
        cwd=work, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    (work / "mutmut-run.log").write_text(run.stdout + run.stderr, "utf-8")
    found = verdicts(work)
    killed = [n for n, v in found.items() if v in {"killed", "timeout"}]
    survived = [n for n, v in found.items() if v == "survived"]
    other = [f"{n} ({v})" for n, v in found.items() if v not in {"killed", "timeout", "survived"}]
    known = equivalents()
    minutes = (time.monotonic() - started) / 60
    scope = f" (this run: {' '.join(names)})" if names else " (resumed)" if keep else ""
    lines = [
        f"## {module}",
        "",
        f"{datetime.date.today().isoformat()}, {minutes:.1f} min{scope}; tests: {', '.join(tests) or 'none'}",
        "",
        f"| mutants | killed | survived | other |\n|---|---|---|---|\n| {len(found)} | {len(killed)} "
        f"| {len(survived)} | {len(other)} |",
        "",
    ]
    if not found:
        lines += ["mutmut reported no mutants; the end of its log:", "", "```", *run.stdout.splitlines()[-15:],
                  *run.stderr.splitlines()[-15:], "```", ""]  # fmt: skip
    for name in survived:
        reason = known.get(name)
        verdict = f" — equivalent: {reason}" if reason else " — not shown equivalent: needs a test"
        lines += [f"- survived `{name}`{verdict}", "", "```diff", diff_of(work, name), "```", ""]
    if other:
        lines += ["Other verdicts: " + ", ".join(other), ""]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    modules = argv or list(MODULES)
    names = os.environ.get("MUTANTS", "").split()
    keep = bool(names) or os.environ.get("MUTATE_RESUME", "") not in {"", "0"}
    if (names or keep) and len(modules) != 1:
        print("MUTANTS and MUTATE_RESUME narrow the run of one module: name it", file=sys.stderr)
        return 2
    for module in modules:
        if not (ROOT / module).exists():
            print(f"no such module: {module}", file=sys.stderr)
            return 2
        print(f"mutating {module} …", flush=True)
        section = mutate(module, names, keep)
        text = RESULTS.read_text("utf-8") if RESULTS.exists() else "# Mutation testing results (make mutate)\n\n"
        text = re.sub(rf"## {re.escape(module)}\n.*?(?=\n## |\Z)", "", text, flags=re.S).rstrip() + "\n\n"
        RESULTS.write_text(text + section + "\n", "utf-8")
        print(section, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
