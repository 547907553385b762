"""The catalog loaded by the data migration is exactly DOMAIN.md's."""

from decimal import Decimal

import pytest

from courses.models import Course, Curriculum, Tier, Track

pytestmark = pytest.mark.django_db

COURSES = {
    "BCM-101": ("《銀行客戶經理概論》", "Introduction to Bank Customer Management"),
    "BCM-102": ("《銀行客戶經理理論基礎與政策法規》", "Theoretical Foundations, Policies and Regulations"),
    "BCM-103": ("《商業銀行營銷實務與策略》", "Commercial Bank Marketing Practice and Strategy"),
    "BCM-201": ("《商業銀行客戶開發與客戶關係管理》", "Customer Development and Relationship Management"),
    "BCM-211": ("《商業銀行對公業務營銷技巧與案例》", "Corporate Banking Marketing: Techniques and Cases"),
    "BCM-212": ("《商業銀行客戶財務分析與信用評估》", "Customer Financial Analysis and Credit Assessment"),
    "BCM-221": ("《商業銀行零售業務營銷技巧與案例》", "Retail Banking Marketing: Techniques and Cases"),
    "BCM-222": ("《商業銀行零售業務風險管理》", "Retail Banking Risk Management"),
    "BCM-301": ("《當前金融熱點與產業分析》", "Current Financial Issues and Industry Analysis"),
    "BCM-302": ("《財富管理》", "Wealth Management"),
    "BCM-303": ("《金融項目評估與管理》", "Financial Project Appraisal and Management"),
    "BCM-304": ("《商業銀行投資銀行業務》", "Investment Banking at Commercial Banks"),
}

CURRICULA = {
    ("assistant", None): {"BCM-101", "BCM-102", "BCM-103"},
    ("standard", "corporate"): {"BCM-101", "BCM-102", "BCM-103", "BCM-201", "BCM-211", "BCM-212"},
    ("standard", "retail"): {"BCM-101", "BCM-102", "BCM-103", "BCM-201", "BCM-221", "BCM-222"},
    ("senior", "corporate"): {
        "BCM-101",
        "BCM-102",
        "BCM-103",
        "BCM-201",
        "BCM-211",
        "BCM-212",
        "BCM-301",
        "BCM-302",
        "BCM-303",
        "BCM-304",
    },
    ("senior", "retail"): {
        "BCM-101",
        "BCM-102",
        "BCM-103",
        "BCM-201",
        "BCM-221",
        "BCM-222",
        "BCM-301",
        "BCM-302",
        "BCM-303",
        "BCM-304",
    },
}

HOURS = {  # teaching days, teaching hours, exam-prep days, exam-prep hours
    ("assistant", None): (2, 16, 1, 8),
    ("standard", "corporate"): (8, 64, 1, 8),
    ("standard", "retail"): (8, 64, 1, 8),
    ("senior", "corporate"): (12, 96, 1, 8),
    ("senior", "retail"): (12, 96, 1, 8),
}


def test_it_has_the_three_tiers_in_order_with_their_certificates():
    assert [(t.code, t.name_zh, t.certificate_name_zh) for t in Tier.objects.all()] == [
        ("assistant", "助理級", "助理級銀行客戶經理專業資格證書"),
        ("standard", "銀行客戶經理", "銀行客戶經理專業資格證書"),
        ("senior", "高級", "高級銀行客戶經理專業資格證書"),
    ]
    assert [t.has_tracks for t in Tier.objects.all()] == [False, True, True]


def test_it_has_the_two_tracks():
    assert {(t.code, t.name_zh) for t in Track.objects.all()} == {
        ("corporate", "對公業務方向"),
        ("retail", "個人業務方向"),
    }


def test_it_has_the_twelve_courses_with_both_titles():
    assert {c.code: (c.title_zh, c.title_en) for c in Course.objects.all()} == COURSES


def test_each_curriculum_has_exactly_its_courses():
    found = {
        (c.tier.code, c.track.code if c.track else None): {course.code for course in c.courses.all()}
        for c in Curriculum.objects.select_related("tier", "track").prefetch_related("courses")
    }
    assert found == CURRICULA
    assert [len(v) for v in found.values()] == [3, 6, 6, 10, 10]


def test_each_curriculum_has_the_hour_plan_of_the_program():
    found = {
        (c.tier.code, c.track.code if c.track else None): (
            c.teaching_days,
            c.teaching_hours,
            c.exam_prep_days,
            c.exam_prep_hours,
        )
        for c in Curriculum.objects.select_related("tier", "track")
    }
    assert found == {k: (Decimal(a), b, Decimal(c), d) for k, (a, b, c, d) in HOURS.items()}


def test_track_courses_are_marked_as_such():
    standard_retail = Curriculum.objects.get(tier__code="standard", track__code="retail")
    roles = dict(standard_retail.entries.values_list("course__code", "role"))
    assert roles["BCM-221"] == roles["BCM-222"] == "track"
    assert roles["BCM-101"] == "core"


def test_it_refuses_a_second_curriculum_for_a_trackless_tier():
    from django.db import IntegrityError, transaction

    assistant = Tier.objects.get(code="assistant")
    with pytest.raises(IntegrityError), transaction.atomic():
        Curriculum.objects.create(
            tier=assistant, teaching_days=1, teaching_hours=8, exam_prep_days=1, exam_prep_hours=8
        )
