"""關系 is not Traditional Chinese: the catalog says 關係 (BCM-201 《商業銀行客戶開發與客戶關係管理》 was loaded
by 0002 with the simplified form's 系). Only the Chinese titles and names of the catalog that contain 關系 change,
and only that character; nothing else is touched. Not undone: the old spelling was a typo."""

from typing import Any

from django.db import migrations
from django.db.models import Value
from django.db.models.functions import Replace

WRONG, RIGHT = "關系", "關係"

# The catalog's Chinese titles and names (model, field).
TITLES = [
    ("Tier", "name_zh"),
    ("Tier", "certificate_name_zh"),
    ("Track", "name_zh"),
    ("Course", "title_zh"),
    ("SyllabusVersion", "textbook_title_zh"),
    ("SyllabusTopic", "title_zh"),
    ("RemoteModule", "title_zh"),
]


def correct(apps: Any, schema_editor: Any) -> None:
    for model_name, field in TITLES:
        model = apps.get_model("courses", model_name)
        # A conditional UPDATE of the one column: no save(), so no other field (nor a timestamp) changes.
        model.objects.filter(**{f"{field}__contains": WRONG}).update(
            **{field: Replace(field, Value(WRONG), Value(RIGHT))}
        )


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0012_self_study_rejection_reason"),
    ]

    operations = [
        migrations.RunPython(correct, migrations.RunPython.noop, elidable=True),
    ]
