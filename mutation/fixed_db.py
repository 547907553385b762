"""A pytest plugin for the mutation run only (mutation/run.py passes ``-p mutation.fixed_db``).

mutmut starts a pytest session per mutant; the test database is named after the process id
(config/settings.py), so a session in a new process would build it again from the migrations. Under
this plugin it has one name and pytest-django reuses it (``--reuse-db``): built once per module.
"""

from pathlib import Path

import pytest


@pytest.hookimpl(trylast=True)
def pytest_configure(config: pytest.Config) -> None:
    from django.conf import settings

    name = Path.cwd() / "var" / "mutation-test-db.sqlite3"
    name.parent.mkdir(exist_ok=True)
    settings.DATABASES["default"].setdefault("TEST", {})["NAME"] = str(name)
