"""Print a JWK Set for CREDENTIAL_SIGNING_KEYS: a new signing key first, then the public parts of the
keys of the current set (``--current FILE``, ``-`` for standard input: a rotation), if any."""

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from certification.keys import rotated_set


class Command(BaseCommand):
    help = "Print a new CREDENTIAL_SIGNING_KEYS value; with --current, a rotation (old keys stay published)."

    def add_arguments(self, parser):
        parser.add_argument("--current", help="a file with the current JWK Set, or - for standard input")

    def handle(self, *args, **options):
        current = None
        if options["current"]:
            if options["current"] == "-":
                text = sys.stdin.read().strip()
            else:
                with open(options["current"]) as handle:
                    text = handle.read().strip()
            if text:
                try:
                    current = json.loads(text)
                    assert isinstance(current, dict) and isinstance(current.get("keys"), list)
                except (ValueError, AssertionError):
                    raise CommandError('Standard input must be the current JWK Set ({"keys": [...]}).') from None
        self.stdout.write(json.dumps(rotated_set(current), separators=(",", ":")))
