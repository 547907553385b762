from django.core.management.base import BaseCommand

from accounts.demo import DEMO_PASSWORD, demo_logins


class Command(BaseCommand):
    help = "Print the demo log-ins."

    def handle(self, *args, **options):
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS("BCM portal: http://127.0.0.1:8000/  (admin: http://127.0.0.1:8000/zh-hant/admin/)"))
        self.stdout.write(f"Demo log-ins, all with the password {DEMO_PASSWORD}:")
        for email, role in demo_logins():
            self.stdout.write(f"  {email:<28} {role}")
        self.stdout.write("")
