from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

import accounts.demo
import career.demo
import certification.demo
import courses.demo
import exams.demo
import exchange.demo
import hr_api.demo
import supervision.demo
import supervision.services


def load_named() -> None:
    """The demo of every app but the simulated year: its named institutions, employers, people and their story.

    Lowest app first: each app's demo builds on the ones below it (the HR API's clients last, at the top; this
    command lives there because it is the one app that may import every other). The courses demo is handed the
    exams its trainees sit before their training is marked complete (``exams.demo.pass_the_exams``), so that the
    certificates that training earns come from published results."""
    accounts.demo.load()
    courses.demo.load(sit_exams=exams.demo.pass_the_exams)
    for module in (exams.demo, certification.demo, career.demo, exchange.demo, hr_api.demo):
        module.load()


class Command(BaseCommand):
    help = "Load the demo institutions, employers, people and training (idempotent; development only)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="load even with DEBUG off")

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Demo data is for development: DJANGO_DEBUG is off (use --force to insist).")
        load_named()
        # The simulated year last: it builds on every app's demo (supervision.demo); then the figures, so
        # that the supervision pages show them at once rather than after the nightly recomputation.
        supervision.demo.load()
        supervision.services.do_recompute_nightly()
        self.stdout.write(self.style.SUCCESS("Demo data is loaded."))
