"""The default certificate rule (issue 19): junior → assistant; intermediate → standard in the matching
track (personal → retail, corporate → corporate, comprehensive → either); senior → senior, either track.
The program office changes them in admin; a rule already there is left as it is."""

from django.db import migrations

TRACK_OF_CLASS = {"personal": "retail", "corporate": "corporate", "comprehensive": None}
TIER_OF_LEVEL = {"junior": "assistant", "intermediate": "standard", "senior": "senior"}


def create_rules(apps, schema_editor):
    Tier = apps.get_model("courses", "Tier")
    Track = apps.get_model("courses", "Track")
    CertificateRule = apps.get_model("career", "CertificateRule")
    for manager_class, track_code in TRACK_OF_CLASS.items():
        for level, tier_code in TIER_OF_LEVEL.items():
            tier = Tier.objects.get(code=tier_code)
            track = Track.objects.get(code=track_code) if track_code and level == "intermediate" else None
            CertificateRule.objects.get_or_create(
                manager_class=manager_class, level=level, defaults={"min_tier": tier, "track": track}
            )


class Migration(migrations.Migration):
    dependencies = [("career", "0001_register"), ("courses", "0002_national_catalog")]

    operations = [migrations.RunPython(create_rules, migrations.RunPython.noop)]
