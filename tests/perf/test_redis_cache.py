"""config.redis_cache: Django's Redis cache with one redis-py client per connection pool (issue 20) behaves as
Django's own, and builds no client per operation."""

import os

import pytest
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache

from config.redis_cache import RedisCache
from tests.conftest import redis_reachable, service_missing

REDIS = os.environ.get("TEST_REDIS_CACHE_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture
def caches():
    if not redis_reachable(REDIS):
        service_missing(f"Redis is not reachable at {REDIS}")
    ours = RedisCache(REDIS, {"KEY_PREFIX": "perf-test-ours"})
    django = DjangoRedisCache(REDIS, {"KEY_PREFIX": "perf-test-django"})
    yield ours, django
    ours.clear()


def test_every_operation_answers_as_djangos_backend(caches):
    answers = []
    for cache in caches:
        answers.append(
            [
                cache.add("a", 1, 60),
                cache.add("a", 2, 60),
                cache.get("a"),
                cache.incr("a"),
                cache.set("b", {"x": [1, "2"]}, 60),
                cache.get_many(["a", "b", "missing"]),
                cache.set_many({"c": "three", "d": 4.5}, 60),
                cache.get_or_set("e", "five", 60),
                cache.touch("c", 120),
                cache.delete("d"),
                cache.has_key("d"),
                cache.get("d", "gone"),
                cache.delete_many(["a", "b"]),
                cache.get_many(["a", "b", "c", "e"]),
            ]
        )
        with pytest.raises(ValueError):
            cache.incr("never-set")
    assert answers[0] == answers[1]


def test_one_client_serves_every_operation(caches, monkeypatch):
    ours, _django = caches
    ours.set("warm", 1, 60)
    client = ours._cache.get_client(None, write=True)
    import redis

    def no_new_client(*args, **kwargs):
        raise AssertionError("a redis client built for one operation")

    monkeypatch.setattr(redis.Redis, "__init__", no_new_client)
    ours.set("x", 1, 60)
    assert ours.get("x") == 1 and ours.incr("x") == 2 and ours.get_many(["x", "warm"]) == {"x": 2, "warm": 1}
    assert ours._cache.get_client("x") is client
