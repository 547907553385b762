import pytest

from accounts.tasks import ping


@pytest.mark.worker
def test_a_task_makes_a_round_trip_through_a_real_worker(celery_worker):
    result = ping.delay("你好")
    assert result.get(timeout=60) == "你好"
    assert celery_worker.poll() is None, "the worker process should still be running"
