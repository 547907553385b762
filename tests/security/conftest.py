import pytest


@pytest.fixture(autouse=True)
def fresh_cache():
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()
    yield
    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()
