from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP

from accounts.identifiers import normalize_email
from accounts.models import User
from accounts.second_factor.services import authenticator_of


class Command(BaseCommand):
    help = "Print the current second-factor code of a demo staff account (development only)."

    def add_arguments(self, parser):
        parser.add_argument("email", help="a demo staff address, e.g. admin@inst-a.demo.test")

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("demo_totp is for development (DJANGO_DEBUG=true): it prints a live code.")
        email = normalize_email(options["email"])
        user = User.objects.filter(email=email).first()
        device = authenticator_of(user) if user is not None else None
        if device is None:
            raise CommandError(
                f"{email} has no authenticator (run `make run` to load the demo, or log in to set one up)."
            )
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
