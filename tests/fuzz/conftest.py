"""The API tests' cast (bank A's and bank B's HR clients) serves the fuzzers too."""

from tests.api.conftest import cast, fast_password_hashing, fresh_throttle_cache  # noqa: F401
