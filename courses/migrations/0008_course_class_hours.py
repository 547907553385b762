"""Each course's class hours: its share of the teaching plans of seed section C(二).

The notes give hours per curriculum, not per course; our split makes every curriculum's courses add
up to its teaching hours exactly, and respects the credit rule (the lower tier's hours are the
higher tier's first part):

* assistant, 16 h over its three courses: BCM-101 5 h, BCM-102 6 h, BCM-103 5 h;
* standard, 64 h: those 16 h, then BCM-201 and the two track courses 16 h each (2 days apiece);
* senior, 96 h: the standard 64 h, then BCM-301 to 304 8 h each (a day apiece).
"""

from decimal import Decimal

from django.db import migrations

CLASS_HOURS = {
    "BCM-101": 5, "BCM-102": 6, "BCM-103": 5,
    "BCM-201": 16, "BCM-211": 16, "BCM-212": 16, "BCM-221": 16, "BCM-222": 16,
    "BCM-301": 8, "BCM-302": 8, "BCM-303": 8, "BCM-304": 8,
}  # fmt: skip


def load(apps, schema_editor):
    Course = apps.get_model("courses", "Course")
    for code, hours in CLASS_HOURS.items():
        Course.objects.filter(code=code).update(class_hours=Decimal(hours))


class Migration(migrations.Migration):
    dependencies = [("courses", "0007_syllabus_and_course_hours")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
