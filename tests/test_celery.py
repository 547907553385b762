import pytest

from accounts.tasks import ping


@pytest.mark.worker
def test_a_task_makes_a_round_trip_through_a_real_worker(celery_worker):
    result = ping.delay("你好")
    assert result.get(timeout=60) == "你好"
    assert celery_worker.poll() is None, "the worker process should still be running"


def test_a_channel_closing_after_its_connection_was_detached_raises_a_connection_error():
    """kombu's close path asks a detached connection for its address; the worker must see an outage
    (a connection error it reconnects after), not an AttributeError that ends it (config/broker.py)."""
    from types import SimpleNamespace

    from config.broker import Channel, Transport

    channel = Channel.__new__(Channel)
    channel.connection = SimpleNamespace(client=None)
    with pytest.raises(Transport.connection_errors) as raised:
        channel._connparams()
    assert not isinstance(raised.value, AttributeError)
