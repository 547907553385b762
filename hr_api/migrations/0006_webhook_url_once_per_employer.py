# An active webhook URL once per employer (an integrator registered one URL sixty times: each event became sixty
# deliveries to one host). Before the constraint, the rows that break it are settled: of an employer's active
# endpoints with the same URL (scheme and host compared in any case, as hr_api.webhooks.endpoints.stored_url keeps
# them from now on), the oldest stays active and the later ones are deactivated, not deleted: their rows, secrets
# and delivery history stay, the employer's sync sees the change (``updated_at``), and it removes them or points them
# elsewhere itself. Deliveries still pending for a deactivated duplicate are failed with the reason (the oldest
# endpoint has the same events' own deliveries): otherwise each would go on being retried to the same host. Then
# every row's URL, active or not, is rewritten in that form (scheme and host in lower case): the constraint compares
# the stored strings, so an old active https://HR.Bank/hook left as it was would let a new https://hr.bank/hook
# through beside it.

from django.db import migrations, models
from django.utils import timezone


def _address(url):
    """The URL with its scheme and host in lower case (RFC 3986: neither tells two URLs apart)."""
    start = url.find("//") + 2 if "//" in url else 0
    ends = [i for i in (url.find(c, start) for c in "/?#") if i >= 0]
    end = min(ends, default=len(url))
    return url[:end].lower() + url[end:]


def deactivate_later_duplicates(apps, schema_editor):
    Endpoint = apps.get_model("hr_api", "WebhookEndpoint")
    Delivery = apps.get_model("hr_api", "WebhookDelivery")
    kept = {}
    later = []
    rows = Endpoint.objects.filter(is_active=True).order_by("employer_id", "created_at", "id")
    for pk, employer_id, url in rows.values_list("pk", "employer_id", "url"):
        key = (employer_id, _address(url))
        if key in kept:
            later.append((pk, kept[key]))
        else:
            kept[key] = pk
    now = timezone.now()
    for pk, oldest in later:
        Endpoint.objects.filter(pk=pk).update(is_active=False, updated_at=now)
        Delivery.objects.filter(endpoint_id=pk, status="pending").update(
            status="failed",
            next_attempt_at=None,
            last_error=f"Refused: the endpoint was deactivated as a later duplicate of endpoint {oldest} (same URL)",
        )


def store_addresses(apps, schema_editor):
    Endpoint = apps.get_model("hr_api", "WebhookEndpoint")
    max_length = Endpoint._meta.get_field("url").max_length
    now = timezone.now()
    for pk, url in Endpoint.objects.values_list("pk", "url"):
        stored = _address(url)
        if stored != url and len(stored) <= max_length:  # a host whose lower case is longer keeps its case
            Endpoint.objects.filter(pk=pk).update(url=stored, updated_at=now)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0025_audit_question_revised"),
        ("hr_api", "0005_evaluations_scope"),
    ]

    operations = [
        migrations.RunPython(deactivate_later_duplicates, migrations.RunPython.noop),
        migrations.RunPython(store_addresses, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="webhookendpoint",
            constraint=models.UniqueConstraint(
                condition=models.Q(("is_active", True)),
                fields=("employer", "url"),
                name="webhook_endpoint_url_once_per_employer",
                violation_error_message="Another active webhook endpoint of this employer has this URL.",
            ),
        ),
    ]
