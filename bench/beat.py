"""One daily beat job over the whole data set: its time and the process's peak memory.

``python -m bench.beat expire_lapsed|daily_reminders``; prints JSON. The job runs inside a
transaction that is rolled back at the end, so the data set stays reusable and every run has
the same work (mail goes to Django's dummy backend). Peak memory is the process's maximum
resident set size; the baseline (Django loaded, nothing run) is reported beside it.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    import django

    django.setup()

from django.db import transaction


class Rollback(Exception):
    pass


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(job: str) -> dict:
    from certification import reminders, services
    from certification.models import Certificate

    jobs = {"expire_lapsed": services.do_expire_lapsed, "daily_reminders": reminders.send_daily}
    Certificate.objects.first()  # connect and load the models before the baseline
    baseline = peak_rss_mb()
    started = time.monotonic()
    outcome = None
    try:
        with transaction.atomic():
            outcome = jobs[job]()
            seconds = time.monotonic() - started
            raise Rollback
    except Rollback:
        pass
    return {"seconds": seconds, "peak_rss_mb": peak_rss_mb(), "baseline_rss_mb": baseline, "result": outcome}


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[1]), default=str))
