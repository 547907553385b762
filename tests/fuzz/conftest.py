"""The API tests' view of the cast (bank A's and bank B's HR clients) serves the fuzzers too."""

from tests.api.conftest import cast  # noqa: F401
