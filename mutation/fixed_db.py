"""A pytest plugin for the mutation run only (mutation/run.py passes ``-p mutation.fixed_db``).

mutmut starts a pytest session per mutant; the test database is named after the process id
(config/settings.py), so a session in a new process would build it again from the migrations. Under
this plugin it has one name and pytest-django reuses it (``--reuse-db``): built once per module, by
mutmut's clean run and its collection of which tests reach which function.

A mutant's session works on a copy of its own (``MUTATE_CHILDREN`` sessions run at once, and two
sessions writing one SQLite file make each other wait, then fail with "database is locked": a
mutant counted as killed by a test that never saw it). The file is about 2 MB; copying it costs
milliseconds, building it from the migrations tens of seconds.
"""

import os
import shutil
from pathlib import Path

import pytest

_COPY_KEY = pytest.StashKey[Path]()


def _under_a_mutant() -> bool:
    return "__mutmut_" in os.environ.get("MUTANT_UNDER_TEST", "")


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    name = Path.cwd() / "var" / "mutation-test-db.sqlite3"
    name.parent.mkdir(exist_ok=True)
    if _under_a_mutant() and name.exists():
        copy = name.with_name(f"mutation-test-db-{os.getpid()}.sqlite3")
        shutil.copyfile(name, copy)
        config.stash[_COPY_KEY] = copy
        name = copy
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = str(name)


def pytest_unconfigure(config: pytest.Config) -> None:
    copy = config.stash.get(_COPY_KEY, None)
    if copy is not None:
        for path in (copy, copy.with_name(copy.name + "-journal")):
            path.unlink(missing_ok=True)
