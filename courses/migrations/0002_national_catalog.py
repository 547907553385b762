"""The national catalog exactly as DOMAIN.md gives it: tiers, tracks, courses, curricula, hours."""

from decimal import Decimal

from django.db import migrations

TIERS = [
    ("assistant", 1, "助理級", "Assistant", "助理級銀行客戶經理專業資格證書",
     "Assistant Bank Customer Manager Professional Qualification Certificate", False),
    ("standard", 2, "銀行客戶經理", "Standard", "銀行客戶經理專業資格證書",
     "Bank Customer Manager Professional Qualification Certificate", True),
    ("senior", 3, "高級", "Senior", "高級銀行客戶經理專業資格證書",
     "Senior Bank Customer Manager Professional Qualification Certificate", True),
]

TRACKS = [
    ("corporate", "對公業務方向", "Corporate banking", 1),
    ("retail", "個人業務方向", "Retail banking", 2),
]

COURSES = [
    ("BCM-101", "《銀行客戶經理概論》", "Introduction to Bank Customer Management"),
    ("BCM-102", "《銀行客戶經理理論基礎與政策法規》", "Theoretical Foundations, Policies and Regulations"),
    ("BCM-103", "《商業銀行營銷實務與策略》", "Commercial Bank Marketing Practice and Strategy"),
    ("BCM-201", "《商業銀行客戶開發與客戶關係管理》", "Customer Development and Relationship Management"),
    ("BCM-211", "《商業銀行對公業務營銷技巧與案例》", "Corporate Banking Marketing: Techniques and Cases"),
    ("BCM-212", "《商業銀行客戶財務分析與信用評估》", "Customer Financial Analysis and Credit Assessment"),
    ("BCM-221", "《商業銀行零售業務營銷技巧與案例》", "Retail Banking Marketing: Techniques and Cases"),
    ("BCM-222", "《商業銀行零售業務風險管理》", "Retail Banking Risk Management"),
    ("BCM-301", "《當前金融熱點與產業分析》", "Current Financial Issues and Industry Analysis"),
    ("BCM-302", "《財富管理》", "Wealth Management"),
    ("BCM-303", "《金融項目評估與管理》", "Financial Project Appraisal and Management"),
    ("BCM-304", "《商業銀行投資銀行業務》", "Investment Banking at Commercial Banks"),
]

ASSISTANT_CORE = ["BCM-101", "BCM-102", "BCM-103"]
STANDARD_CORE = ASSISTANT_CORE + ["BCM-201"]
TRACK_COURSES = {"corporate": ["BCM-211", "BCM-212"], "retail": ["BCM-221", "BCM-222"]}
SENIOR_CORE = ["BCM-301", "BCM-302", "BCM-303", "BCM-304"]

# (tier, track, teaching days, teaching hours, exam-prep days, exam-prep hours, core, track courses)
CURRICULA = [
    ("assistant", None, 2, 16, 1, 8, ASSISTANT_CORE, []),
    ("standard", "corporate", 8, 64, 1, 8, STANDARD_CORE, TRACK_COURSES["corporate"]),
    ("standard", "retail", 8, 64, 1, 8, STANDARD_CORE, TRACK_COURSES["retail"]),
    ("senior", "corporate", 12, 96, 1, 8, STANDARD_CORE + SENIOR_CORE, TRACK_COURSES["corporate"]),
    ("senior", "retail", 12, 96, 1, 8, STANDARD_CORE + SENIOR_CORE, TRACK_COURSES["retail"]),
]


def load(apps, schema_editor):
    Tier = apps.get_model("courses", "Tier")
    Track = apps.get_model("courses", "Track")
    Course = apps.get_model("courses", "Course")
    Curriculum = apps.get_model("courses", "Curriculum")
    CurriculumCourse = apps.get_model("courses", "CurriculumCourse")

    tiers = {}
    for code, level, name_zh, name_en, cert_zh, cert_en, has_tracks in TIERS:
        tiers[code], _ = Tier.objects.update_or_create(
            code=code,
            defaults=dict(level=level, name_zh=name_zh, name_en=name_en, certificate_name_zh=cert_zh,
                          certificate_name_en=cert_en, has_tracks=has_tracks),
        )
    tracks = {}
    for code, name_zh, name_en, position in TRACKS:
        tracks[code], _ = Track.objects.update_or_create(
            code=code, defaults=dict(name_zh=name_zh, name_en=name_en, position=position)
        )
    courses = {}
    for code, title_zh, title_en in COURSES:
        courses[code], _ = Course.objects.update_or_create(
            code=code, defaults=dict(title_zh=title_zh, title_en=title_en)
        )
    for tier, track, t_days, t_hours, p_days, p_hours, core, track_courses in CURRICULA:
        curriculum, _ = Curriculum.objects.update_or_create(
            tier=tiers[tier], track=tracks.get(track),
            defaults=dict(teaching_days=Decimal(t_days), teaching_hours=t_hours,
                          exam_prep_days=Decimal(p_days), exam_prep_hours=p_hours),
        )
        for code in core:
            CurriculumCourse.objects.update_or_create(
                curriculum=curriculum, course=courses[code], defaults=dict(role="core")
            )
        for code in track_courses:
            CurriculumCourse.objects.update_or_create(
                curriculum=curriculum, course=courses[code], defaults=dict(role="track")
            )


class Migration(migrations.Migration):
    dependencies = [("courses", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
