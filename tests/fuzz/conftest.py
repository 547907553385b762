"""The API tests' view of the cast (bank A's and bank B's HR clients) serves the fuzzers too."""

from tests.api.conftest import cast, fresh_throttle_cache  # noqa: F401
