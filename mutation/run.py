"""Mutation testing of the central rules, one module at a time (issue 23; README, "Mutation testing").

For each module below: a scratch copy of the project in var/mutation/<module>/, mutmut told to
mutate only that module and to run only the tests listed for it, then its verdicts appended to
mutation/RESULTS.md (module, mutants, killed, survived, and each survivor's diff). Survivors judged
equivalent are explained in mutation/EQUIVALENT.md, keyed by mutant name, and shown as such.

    .venv/bin/python mutation/run.py                       # every module below, smallest first
    .venv/bin/python mutation/run.py accounts/identifiers.py hr_api/webhooks/signing.py
    .venv/bin/python mutation/run.py exams/services/attempts.py \
        --only 'exams.services.attempts.x_do_save_answer*' --only 'exams.services.attempts.x_grace*'

``--only PATTERN`` (repeatable; ``make mutate MUTANTS="…"``) runs only the mutants whose names match
one of the patterns (mutmut's own filter: an exact name, or a glob where ``*`` matches anything; a
method's mutants are named ``module.xǁClassǁmethod__mutmut_N``), so that a large module can be done
function by function. With it, one module only, and its scratch copy is kept between runs (refreshed
but for mutmut's ``mutants/``): the verdicts of earlier runs stand, the matched mutants are run again
whatever their last verdict (a test written since counts), and the module's section in RESULTS.md
counts every mutant, those no run has reached yet as "not checked" (and the section as PARTIAL, with
the functions that remain). A run without ``--only`` starts the module afresh.

A mutant is stopped, and counted as killed by timeout, after about ``MUTATE_TIMEOUT_MULTIPLIER`` (5 by
default) times its tests' duration in the clean run, by the wall clock: on a loaded machine a survivor
can pass for killed so. The section names the mutants killed by timeout; a kept copy run again with a
larger multiplier (and ``--only``) has mutmut forget those verdicts, and only those, and check them again.

mutmut leaves every decorated function alone (its trampoline would run the decorator again), and the
central writes are ``@transaction.atomic``: in the scratch copy of the module under test only, such a
decorator is moved below the function as ``name = transaction.atomic(name)`` (``lift_atomic``), the
same function for every caller, so that their bodies are mutated too.
"""

from __future__ import annotations

import datetime
import fcntl
import fnmatch
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
    "exams/services/grading.py": [
        "tests/exams/test_grading.py",
        "tests/exams/test_interleavings.py",
        "tests/exams/test_essay_marking.py",
        "tests/exams/test_sweep.py",
        "tests/exams/test_score_display.py",
        "tests/fuzz/test_grading_properties.py",
        "tests/security/test_audit_grading.py",
    ],
    "exams/services/attempts.py": [
        "tests/exams/test_attempts.py",
        "tests/exams/test_attempt_rules.py",
        "tests/exams/test_interleavings.py",
        "tests/exams/test_instructions.py",
        "tests/exams/test_sweep.py",
        "tests/exams/test_grading.py",
        "tests/exams/test_essay_marking.py",
        "tests/exams/test_bank_and_admin.py",
        "tests/exams/test_demo_questions.py",
        "tests/exams/test_demo.py",
        "tests/test_beat.py",
        "tests/security/test_audit_grading.py",
        "tests/fuzz/test_grading_properties.py",
    ],
    "accounts/scoping.py": [
        "tests/accounts/test_scoping_forms.py",
        "tests/accounts/test_admin_isolation.py",
        "tests/accounts/test_roles.py",
        "tests/courses/test_teachers.py",
        "tests/career/test_privacy.py",
        "tests/career/test_evaluation_privacy.py",
    ],
    "certification/services.py": [
        "tests/certification/test_services.py",
        "tests/certification/test_issuance.py",
        "tests/certification/test_numbers.py",
        "tests/certification/test_ce_courses.py",
        "tests/certification/test_follow_ups.py",
        "tests/certification/test_reminders.py",
        "tests/certification/test_admin.py",
        "tests/certification/test_credentials.py",
        "tests/security/test_audit.py",
        "tests/api/test_sweep.py",
    ],
    "courses/services.py": [
        "tests/courses/test_services.py",
        "tests/courses/test_enrolment_states.py",
        "tests/courses/test_admin_enrol.py",
        "tests/courses/test_inactive_trainee.py",
        "tests/courses/test_decision_mail_sweep.py",
        "tests/courses/test_syllabus.py",
        "tests/courses/test_training_pages.py",
        "tests/courses/test_trainee_ways.py",
        "tests/courses/test_move_enrolments.py",
    ],
}

# module -> the functions of it that are mutated, when not all are: mutmut's name patterns. The employer
# scoping of the HR API is a one-line selector in each app's selectors module, among functions of other
# concerns; those functions alone are its central rule.
API_TESTS = [
    "tests/api/test_employees.py",
    "tests/api/test_employees_fields.py",
    "tests/api/test_employees_moving.py",
    "tests/api/test_enrolments.py",
    "tests/api/test_results_and_certificates.py",
    "tests/api/test_certificate_credential.py",
    "tests/api/test_managers.py",
    "tests/api/test_evaluations.py",
    "tests/api/test_employer_filters.py",
    "tests/isolation_sweep/test_every_url.py",
]
MODULES.update(
    {
        "accounts/selectors.py": API_TESTS,
        "courses/selectors.py": API_TESTS,
        "exams/selectors.py": API_TESTS,
        "certification/selectors.py": API_TESTS,
        "career/selectors.py": API_TESTS,
        "hr_api/views/base.py": API_TESTS,
    }
)
FOCUS: dict[str, list[str]] = {
    "accounts/selectors.py": ["accounts.selectors.x_employees_of__mutmut_*"],
    "courses/selectors.py": ["courses.selectors.x_enrolments_of_employer__mutmut_*"],
    "exams/selectors.py": ["exams.selectors.x_results_of_employer__mutmut_*"],
    "certification/selectors.py": ["certification.selectors.x_certificates_of_employer__mutmut_*"],
    "career/selectors.py": [
        "career.selectors.x_grades_of_employer__mutmut_*",
        "career.selectors.x_register_of_employer__mutmut_*",
        "career.selectors.x_evaluations_of_employer__mutmut_*",
    ],
    "hr_api/views/base.py": [
        "hr_api.views.base.xǁApiViewǁemployer_id__mutmut_*",
        "hr_api.views.base.xǁApiViewǁemployee_id_param__mutmut_*",
        "hr_api.views.base.x_get_owned_or_404__mutmut_*",
    ],
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


def scratch_copy(module: str, *, keep_mutants: bool = False) -> Path:
    """A fresh copy of the project for ``module``; with ``keep_mutants``, mutmut's ``mutants/`` (the
    mutated files, the verdicts so far, the tests each function reached) is left as it was."""
    work = ROOT / "var" / "mutation" / module.replace("/", "__").removesuffix(".py")
    if work.exists() and keep_mutants:
        for entry in work.iterdir():
            if entry.name == "mutants":
                continue
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
    elif work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    for entry in ROOT.iterdir():
        if entry.name in SKIP:
            continue
        target = work / entry.name
        if entry.is_dir():
            shutil.copytree(entry, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(entry, target)
    (work / ".venv").symlink_to(ROOT / ".venv")
    return work


ATOMIC = "@transaction.atomic"


def lift_atomic(path: Path) -> list[str]:
    """Rewrite each bare ``@transaction.atomic`` over a top-level ``def`` into an assignment after the
    module's last line (the scratch copy only: mutmut skips decorated functions); the names lifted."""
    lines = path.read_text("utf-8").splitlines()
    kept: list[str] = []
    lifted: list[str] = []
    for number, line in enumerate(lines):
        follows = lines[number + 1] if number + 1 < len(lines) else ""
        match = re.match(r"def (\w+)\(", follows)
        if line == ATOMIC and match:
            lifted.append(match.group(1))
            continue
        kept.append(line)
    if lifted:
        kept += ["", "", "# mutation/run.py: moved here from the decorators so that mutmut mutates these functions"]
        kept += [f"{name} = transaction.atomic({name})" for name in lifted]
        path.write_text("\n".join(kept) + "\n", "utf-8")
    return lifted


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
            f"timeout_multiplier = {float(os.environ.get('MUTATE_TIMEOUT_MULTIPLIER', '5'))}",
        ]
    )
    pyproject = work / "pyproject.toml"
    pyproject.write_text(pyproject.read_text("utf-8") + section + "\n", "utf-8")


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


def function_of(name: str) -> str:
    """``exams.services.attempts.x_do_save_answer__mutmut_12`` -> ``x_do_save_answer``."""
    return name.rsplit("__mutmut_", 1)[0].rsplit(".", 1)[-1]


class MutmutFailed(Exception):
    """mutmut ran no mutant: its clean run or its collection of which tests reach which function failed."""


def mutate(module: str, only: list[str] | None = None) -> str:
    tests = MODULES.get(module, [])
    started = time.monotonic()
    work = scratch_copy(module, keep_mutants=bool(only))
    lifted = lift_atomic(work / module)
    configure(work, module, tests)
    env = {**os.environ, "DJANGO_DEBUG": "true"}
    env.pop("CI", None)
    children = os.environ.get("MUTATE_CHILDREN") or str(os.cpu_count() or 1)
    focus = FOCUS.get(module, [])
    run = subprocess.run(
        [str(ROOT / ".venv/bin/mutmut"), "run", "--max-children", children, *(only or focus)],
        cwd=work, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    with (work / "mutmut-run.log").open("a", encoding="utf-8") as log:
        log.write(f"--- mutmut run {' '.join(only or [])}\n{run.stdout}{run.stderr}")
    if run.returncode != 0:
        # The tests failed unmutated (or no test reached the module): mutmut stops before checking any
        # mutant, and a run with --only would otherwise report the verdicts of the previous run as new.
        raise MutmutFailed(
            f"mutmut stopped before checking mutants (exit {run.returncode}); the end of its log "
            f"({work / 'mutmut-run.log'}):\n" + "\n".join((run.stdout + run.stderr).splitlines()[-20:])
        )
    found = verdicts(work)
    if focus:
        found = {n: v for n, v in found.items() if any(fnmatch.fnmatchcase(n, p) for p in focus)}
    killed = [n for n, v in found.items() if v in {"killed", "timeout"}]
    survived = [n for n, v in found.items() if v == "survived"]
    unchecked = [n for n, v in found.items() if v == "not checked"]
    other = [f"{n} ({v})" for n, v in found.items() if v not in {"killed", "timeout", "survived", "not checked"}]
    known = equivalents()
    minutes = (time.monotonic() - started) / 60
    # Minutes of every run of this scratch copy (a run with --only adds to the earlier ones).
    spent = work / "mutants" / "minutes-spent"
    total = minutes + (float(spent.read_text()) if only and spent.exists() else 0.0)
    if spent.parent.exists():
        spent.write_text(f"{total:.2f}")
    when = f"{datetime.date.today().isoformat()}, {total:.1f} min"
    if only:
        asked = ", ".join(f"`{p}`" for p in only) if len(only) <= 6 else f"{len(only)} patterns or names"
        when += f" over runs by function (this one {minutes:.1f} min: {asked})"
    if unchecked:
        remaining = sorted({function_of(n) for n in unchecked})
        when = (
            f"{when}, PARTIAL: {len(unchecked)} of {len(found)} mutants not checked yet, in "
            f"{', '.join(f'`{f}`' for f in remaining)}"
        )
    lines = [
        f"## {module}",
        "",
        f"{when}; tests: {', '.join(tests) or 'none'}",
        "",
        *([f"Only these functions are mutated: {', '.join(f'`{p}`' for p in focus)}.", ""] if focus else []),
        *(
            [f"Mutated with `@transaction.atomic` lifted (see run.py): {', '.join(f'`{n}`' for n in lifted)}.", ""]
            if lifted
            else []
        ),
        f"| mutants | killed | survived | not checked | other |\n|---|---|---|---|---|\n| {len(found)} "
        f"| {len(killed)} | {len(survived)} | {len(unchecked)} | {len(other)} |",
        "",
    ]
    timeouts = [n for n, v in found.items() if v == "timeout"]
    if timeouts:
        lines += [f"Killed by timeout ({len(timeouts)}): " + ", ".join(f"`{n}`" for n in timeouts), ""]
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
    only: list[str] = []
    modules: list[str] = []
    args = iter(argv)
    for arg in args:
        if arg == "--only":
            only.append(next(args, ""))
        elif arg.startswith("--only="):
            only.append(arg.removeprefix("--only="))
        else:
            modules.append(arg)
    if only and (len(modules) != 1 or not all(only)):
        print("--only PATTERN narrows the run of one module: name it, and give each --only a pattern", file=sys.stderr)
        return 2
    modules = modules or list(MODULES)
    for module in modules:
        if not (ROOT / module).exists():
            print(f"no such module: {module}", file=sys.stderr)
            return 2
        print(f"mutating {module} …", flush=True)
        try:
            section = mutate(module, only)
        except MutmutFailed as failure:
            print(failure, file=sys.stderr)
            return 1
        # Runs of other modules at once (separate scratch copies) each rewrite their own section.
        with (ROOT / "var" / "mutation-results.lock").open("w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            text = RESULTS.read_text("utf-8") if RESULTS.exists() else "# Mutation testing results (make mutate)\n\n"
            text = re.sub(rf"## {re.escape(module)}\n.*?(?=\n## |\Z)", "", text, flags=re.S).rstrip() + "\n\n"
            RESULTS.write_text(text + section + "\n", "utf-8")
        print(section, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
