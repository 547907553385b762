# Webhook URLs with an internationalised host in their stored form. Migration 0006 put every URL's scheme and host
# in lower case, but left a Unicode host (https://HR.Bänk.example/hook, stored before the API took such a host in its
# IDNA form) as https://hr.bänk.example/hook, while the API now stores the same address as
# https://hr.xn--bnk-qla.example/hook (hr_api.webhooks.endpoints.stored_url): the constraint compares the stored
# strings, so the old active row let its twin through beside it, and every event went to the one host twice.
#
# The scheme and host of such a URL are rewritten exactly as the API stores them: the API's own IDNA step
# (hr_api.webhooks.endpoints.uri_form, a pure function of the string: the idna package, UTS 46 mapping), then lower
# case. What follows the host stays as it was: a URL that passed the rule has nothing there to change (its stored form
# is the API's, character for character), and one stored before the rule with a character no URI may hold there is
# not percent-encoded behind its employer's back (the API shows it encoded, and each delivery to it is refused with
# the reason). A host that is not an IDNA name (the rule refuses it: its deliveries are refused), or whose IDNA form
# would be longer than the column, stays as it is.
#
# Clashes are settled first, as 0006 settles them: of an employer's active endpoints with the same URL in that form,
# the oldest stays active and the later ones are deactivated, not deleted (their rows, secrets and delivery history
# stay, the employer's sync sees the change through ``updated_at``), and their pending deliveries fail with the
# reason (the oldest endpoint has the same events' own deliveries).

from django.db import migrations
from django.utils import timezone

from hr_api.webhooks.endpoints import uri_form


def _split(url):
    """``url`` as what comes before its host, its authority and the rest (0006's reading: up to the first ``/``,
    ``?`` or ``#`` after ``//``)."""
    start = url.find("//") + 2 if "//" in url else 0
    end = min((i for i in (url.find(c, start) for c in "/?#") if i >= 0), default=len(url))
    return url[:start], url[start:end], url[end:]


def stored_form(url, max_length):
    """``url`` with its scheme and host as the API stores them (IDNA, lower case), what follows as it is; ``url``
    itself when its host is ASCII (0006 stored it), no IDNA name, or too long in IDNA form."""
    head, authority, rest = _split(url)
    if authority.isascii():
        return url
    new_head, new_authority, _rest = _split(uri_form(head + authority))
    if "%" in new_authority:  # uri_form's answer to a host IDNA refuses: percent-encoded, not a host name
        return url
    stored = new_head.lower() + new_authority.lower() + rest
    return stored if len(stored) <= max_length else url


def deactivate_later_duplicates(apps, schema_editor):
    Endpoint = apps.get_model("hr_api", "WebhookEndpoint")
    Delivery = apps.get_model("hr_api", "WebhookDelivery")
    max_length = Endpoint._meta.get_field("url").max_length
    kept = {}
    later = []
    rows = Endpoint.objects.filter(is_active=True).order_by("employer_id", "created_at", "id")
    for pk, employer_id, url in rows.values_list("pk", "employer_id", "url"):
        key = (employer_id, stored_form(url, max_length))
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


def store_idna_hosts(apps, schema_editor):
    Endpoint = apps.get_model("hr_api", "WebhookEndpoint")
    max_length = Endpoint._meta.get_field("url").max_length
    now = timezone.now()
    for pk, url in Endpoint.objects.values_list("pk", "url"):
        stored = stored_form(url, max_length)
        if stored != url:
            Endpoint.objects.filter(pk=pk).update(url=stored, updated_at=now)


class Migration(migrations.Migration):
    dependencies = [
        ("hr_api", "0006_webhook_url_once_per_employer"),
    ]

    operations = [
        migrations.RunPython(deactivate_later_duplicates, migrations.RunPython.noop),
        migrations.RunPython(store_idna_hosts, migrations.RunPython.noop),
    ]
