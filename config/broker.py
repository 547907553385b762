"""The Redis transport of kombu, with one guard that keeps a worker alive through a Redis outage.

When Redis dies under a worker, kombu 5.7 closes the consumer's connection and, while closing a
channel, tries to hand its unacknowledged messages back through a connection it has already
detached; the ``AttributeError`` that follows is not a connection error, so Celery calls it
unrecoverable and the worker exits (seen in the Redis-kill drill, 2026-12). Raising a connection
error instead lets Celery treat it as the outage it is: the worker reconnects once Redis is back.
Nothing is lost by skipping that hand-back: the messages stay in Redis's unacked index and come back
after the visibility timeout, and the database sweeps enqueue the work again anyway.
"""

from __future__ import annotations

from typing import Any

from kombu.transport import redis
from redis.exceptions import ConnectionError as RedisConnectionError


class Channel(redis.Channel):
    def _connparams(self, asynchronous: bool = False) -> dict[str, Any]:
        if self.connection.client is None:
            raise RedisConnectionError("the broker connection was closed while a channel was still closing")
        return super()._connparams(asynchronous=asynchronous)


class Transport(redis.Transport):
    Channel = Channel
