"""The HR API's models, moved from the accounts app (issue 16): state only, the tables stay.

accounts 0005 created the tables ``accounts_apiclient``, ``accounts_idempotencyrecord``,
``accounts_webhookendpoint`` and ``accounts_webhookdelivery``; the models name them in
``db_table``, so this migration only tells Django's state that they are hr_api's now, and
accounts 0011 removes them from accounts' state. No table, column, index or constraint changes.
"""

import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("accounts", "0010_webhook_secrets_standard_base64"),
        migrations.swappable_dependency(settings.OAUTH2_PROVIDER_APPLICATION_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='ApiClient',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('can_read', models.BooleanField(default=True, verbose_name='scope: read')),
                        ('can_enroll', models.BooleanField(default=False, verbose_name='scope: enroll')),
                        ('can_webhooks', models.BooleanField(default=False, verbose_name='scope: webhooks')),
                        ('revoked_at', models.DateTimeField(blank=True, null=True, verbose_name='revoked at')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('application', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='api_client', to=settings.OAUTH2_PROVIDER_APPLICATION_MODEL, verbose_name='OAuth2 application')),
                        ('employer', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='api_clients', to='accounts.employer', verbose_name='employer')),
                    ],
                    options={
                        'verbose_name': 'API client',
                        'verbose_name_plural': 'API clients',
                        'db_table': 'accounts_apiclient',
                        'ordering': ['employer_id', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='WebhookEndpoint',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('url', models.URLField(max_length=500, verbose_name='URL')),
                        ('events', models.JSONField(default=list, verbose_name='events')),
                        ('secret', models.CharField(max_length=100, verbose_name='signing secret')),
                        ('is_active', models.BooleanField(default=True, verbose_name='active')),
                        ('description', models.CharField(blank=True, max_length=200, verbose_name='description')),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True, db_index=True)),
                        ('employer', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='webhook_endpoints', to='accounts.employer', verbose_name='employer')),
                    ],
                    options={
                        'verbose_name': 'webhook endpoint',
                        'verbose_name_plural': 'webhook endpoints',
                        'db_table': 'accounts_webhookendpoint',
                        'ordering': ['employer_id', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='IdempotencyRecord',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.CharField(max_length=255)),
                        ('fingerprint', models.CharField(help_text='SHA-256 of method, path and body', max_length=64)),
                        ('status_code', models.PositiveSmallIntegerField()),
                        ('body', models.JSONField()),
                        ('location', models.CharField(blank=True, max_length=500)),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('client', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='idempotency_records', to='hr_api.apiclient')),
                    ],
                    options={
                        'verbose_name': 'idempotency record',
                        'verbose_name_plural': 'idempotency records',
                        'db_table': 'accounts_idempotencyrecord',
                        'constraints': [models.UniqueConstraint(fields=('client', 'key'), name='idempotency_key_unique_per_client')],
                    },
                ),
                migrations.CreateModel(
                    name='WebhookDelivery',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('event_id', models.UUIDField(default=uuid.uuid4, editable=False, verbose_name='event id')),
                        ('event', models.CharField(choices=[('certificate.issued', 'certificate.issued'), ('certificate.status_changed', 'certificate.status_changed'), ('exam.result_published', 'exam.result_published'), ('enrollment.status_changed', 'enrollment.status_changed')], max_length=50, verbose_name='event')),
                        ('payload', models.JSONField(verbose_name='payload')),
                        ('status', models.CharField(choices=[('pending', 'pending'), ('delivered', 'delivered'), ('failed', 'failed')], db_index=True, default='pending', max_length=20, verbose_name='status')),
                        ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='attempts')),
                        ('last_status_code', models.PositiveSmallIntegerField(blank=True, null=True, verbose_name='last HTTP status')),
                        ('last_error', models.CharField(blank=True, max_length=500, verbose_name='last error')),
                        ('next_attempt_at', models.DateTimeField(blank=True, null=True, verbose_name='next attempt')),
                        ('delivered_at', models.DateTimeField(blank=True, null=True, verbose_name='delivered at')),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('endpoint', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='hr_api.webhookendpoint', verbose_name='endpoint')),
                    ],
                    options={
                        'verbose_name': 'webhook delivery',
                        'verbose_name_plural': 'webhook deliveries',
                        'db_table': 'accounts_webhookdelivery',
                        'ordering': ['-created_at', '-id'],
                        'constraints': [models.UniqueConstraint(fields=('endpoint', 'event_id'), name='webhook_delivery_event_once_per_endpoint')],
                    },
                ),
            ],
        ),
    ]
