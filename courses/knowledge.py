"""The knowledge areas a customer manager must master (DOMAIN.md, section D).

The syllabus topics of a course and the exam questions of its paper are tagged by the same areas,
so the exam's blueprint can point at the topics it covers. They live here, in the catalog, because
the exams build on the catalog and not the other way round; ``exams.models`` uses these choices.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class KnowledgeArea(models.TextChoices):
    ECONOMICS = "economics", _("economics")
    FINANCE = "finance", _("finance")
    ACCOUNTING = "accounting", _("accounting")
    LAW = "law", _("law")
    TAXATION = "taxation", _("taxation")
    MARKETING = "marketing", _("marketing")
    PUBLIC_RELATIONS = "public_relations", _("public relations")
    PSYCHOLOGY = "psychology", _("psychology")
