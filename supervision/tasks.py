from celery import shared_task

from . import services


@shared_task
def run_recompute(run_id: int) -> None:
    services.do_run_recompute(run_id)


@shared_task
def recompute_nightly() -> None:
    services.do_recompute_nightly()
