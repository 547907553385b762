"""Demo people and organizations for `make run`; never loaded in production (load_demo refuses
without DEBUG). Idempotent: a second run finds what the first made and changes nothing."""

import datetime

from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from . import scoping
from .models import Employer, EmployerMembership, Institution, StaffMembership, TraineeProfile, User

DEMO_PASSWORD = "demo-pass-2026"
# Demo staff sign in with a second factor too: each has an authenticator with this fixed key
# (base32, the same on every machine; README lists them). `manage.py demo_totp <email>` prints
# the current code, or add the key to any authenticator app.
DEMO_TOTP_SECRETS = {
    "office@demo.test": "BCMDEMOOFFICETOTPSECRETAAAAAAAAA",
    "admin@inst-a.demo.test": "BCMDEMOADMINISTATOTPSECRETAAAAAA",
    "grader@inst-a.demo.test": "BCMDEMOGRADERISTATOTPSECRETAAAAA",
    "teacher@inst-a.demo.test": "BCMDEMOTEACHERISTATOTPSECRETAAAA",
    "admin@inst-b.demo.test": "BCMDEMOADMINISTBTOTPSECRETAAAAAA",
    "grader@inst-b.demo.test": "BCMDEMOGRADERISTBTOTPSECRETAAAAA",
    "teacher@inst-b.demo.test": "BCMDEMOTEACHERISTBTOTPSECRETAAAA",
    "hr@bank-a.demo.test": "BCMDEMOHRBANKATOTPSECRETAAAAAAAA",
    "hr@bank-b.demo.test": "BCMDEMOHRBANKBTOTPSECRETAAAAAAAA",
}

INSTITUTIONS = [
    ("inst-a", "臺北金融研訓中心", "Taipei Banking Training Centre", "BCM-AUTH-2024-001"),
    ("inst-b", "線上金融學院", "Online Finance Academy", "BCM-AUTH-2024-002"),
]
EMPLOYERS = [
    ("bank-a", "示範商業銀行", "Demo Commercial Bank"),
    ("bank-b", "範例儲蓄銀行", "Example Savings Bank"),
]
# Each institution's teacher, by the name the demo's sessions give (courses.demo links those sessions).
TEACHER_NAMES = {"inst-a": "陳志明", "inst-b": "林淑華"}
TRAINEE_NAMES = [
    "陳怡君", "林志明", "黃淑芬", "張家豪", "李雅婷", "王建宏",
    "吳佩珊", "劉冠廷", "蔡欣怡", "楊承恩", "許雅雯", "鄭宇軒",
]  # fmt: skip


def demo_logins() -> list[tuple[str, str]]:
    """(e-mail, who), in the order README lists them."""
    logins = [("office@demo.test", "program office")]
    for code, _zh, en, _number in INSTITUTIONS:
        logins.append((f"admin@{code}.demo.test", f"institution admin, {en}"))
        logins.append((f"grader@{code}.demo.test", f"institution grader, {en}"))
        logins.append((f"teacher@{code}.demo.test", f"teacher {TEACHER_NAMES[code]}, {en}"))
    for code, _zh, en in EMPLOYERS:
        logins.append((f"hr@{code}.demo.test", f"employer HR staff, {en}"))
    for n in range(1, 13):
        employer = "bank-a" if n <= 6 else "bank-b" if n <= 10 else "self-funded"
        logins.append((f"trainee{n:02d}@demo.test", f"trainee ({employer})"))
    return logins


def _person(email: str, name: str, *, group: str, is_staff: bool = False, language: str = "zh-hant") -> User:
    user, created = User.objects.get_or_create(
        email=email,
        defaults={
            "display_name": name,
            "is_staff": is_staff,
            "preferred_language": language,
            "email_verified_at": timezone.now(),
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get_or_create(name=group)[0])
    if email in DEMO_TOTP_SECRETS:
        from .second_factor.services import do_set_authenticator

        do_set_authenticator(user=user, secret=DEMO_TOTP_SECRETS[email])
    return user


@transaction.atomic
def load() -> None:
    today = timezone.localdate()
    _person("office@demo.test", "計畫辦公室", group=scoping.PROGRAM_OFFICE_GROUP, is_staff=True)

    institutions = []
    for code, name_zh, name_en, number in INSTITUTIONS:
        institution, _created = Institution.objects.get_or_create(
            code=code,
            defaults={
                "name_zh": name_zh,
                "name_en": name_en,
                "authorization_number": number,
                "authorized_from": today - datetime.timedelta(days=365),
                "authorized_until": today + datetime.timedelta(days=3 * 365),
            },
        )
        institutions.append(institution)
        for role, group, label in [
            (StaffMembership.Role.ADMIN, scoping.INSTITUTION_ADMIN_GROUP, "admin"),
            (StaffMembership.Role.GRADER, scoping.INSTITUTION_GRADER_GROUP, "grader"),
        ]:
            user = _person(f"{label}@{code}.demo.test", f"{name_zh} {label}", group=group, is_staff=True)
            StaffMembership.objects.get_or_create(user=user, defaults={"institution": institution, "role": role})
        teacher = _person(
            f"teacher@{code}.demo.test", TEACHER_NAMES[code], group=scoping.INSTITUTION_TEACHER_GROUP, is_staff=True
        )
        StaffMembership.objects.get_or_create(
            user=teacher, defaults={"institution": institution, "role": StaffMembership.Role.TEACHER}
        )

    employers = [
        Employer.objects.get_or_create(code=code, defaults={"name_zh": zh, "name_en": en})[0]
        for code, zh, en in EMPLOYERS
    ]
    for employer in employers:
        hr = _person(
            f"hr@{employer.code}.demo.test", f"{employer.name_zh} 人資", group=scoping.EMPLOYER_HR_GROUP, is_staff=True
        )
        EmployerMembership.objects.get_or_create(user=hr, defaults={"employer": employer})
    for n, name in enumerate(TRAINEE_NAMES, start=1):
        employer = employers[0] if n <= 6 else employers[1] if n <= 10 else None
        # The first employer's staff were registered by Taipei, the second's by the online
        # institution; the self-funded two signed up themselves.
        registered_by = institutions[0] if n <= 6 else institutions[1] if n <= 10 else None
        user = _person(
            f"trainee{n:02d}@demo.test", name, group=scoping.TRAINEE_GROUP, language="en" if n % 4 == 0 else "zh-hant"
        )
        TraineeProfile.objects.get_or_create(
            user=user,
            defaults={
                "employer": employer,
                "employee_number": f"{employer.code.upper()}-{n:04d}" if employer else "",
                "branch": "臺北分行" if employer else "",
                "manager_class": TraineeProfile.ManagerClass.PERSONAL
                if n % 2
                else TraineeProfile.ManagerClass.CORPORATE,
                "registered_by": registered_by,
            },
        )
