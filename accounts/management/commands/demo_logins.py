from django.core.management.base import BaseCommand

from accounts.demo import DEMO_PASSWORD, DEMO_TOTP_SECRETS, demo_logins


class Command(BaseCommand):
    help = "Print the demo log-ins."

    def handle(self, *args, **options):
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS("BCM portal: http://127.0.0.1:8000/  (admin: http://127.0.0.1:8000/zh-hant/admin/)")
        )
        self.stdout.write(f"Demo log-ins, all with the password {DEMO_PASSWORD}:")
        for email, role in demo_logins():
            self.stdout.write(f"  {email:<28} {role}")
        self.stdout.write(
            "Staff also enter a code from an authenticator with their demo key (or `python manage.py demo_totp EMAIL`):"
        )
        for email, secret in DEMO_TOTP_SECRETS.items():
            self.stdout.write(f"  {email:<28} {secret}")
        self.stdout.write("")
