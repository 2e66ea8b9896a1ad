"""Scopes on API keys. Keys made before keep what they could do: Open311 intake and public
read (each field is added as true for the existing rows, then defaults to false)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agencies", "0002_initial"),
        ("open311", "0001_api_clients_and_forwarding"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="apiclient",
            name="account",
            field=models.OneToOneField(
                blank=True,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="api_client",
                to=settings.AUTH_USER_MODEL,
                verbose_name="acts as",
            ),
        ),
        migrations.AddField(
            model_name="apiclient",
            name="agency",
            field=models.ForeignKey(
                blank=True,
                help_text="Set to let this key read the agency's complaints (the reporter of an anonymous one stays hidden) and accept, update, resolve or return them.",
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="api_clients",
                to="agencies.agency",
                verbose_name="agency",
            ),
        ),
        migrations.AddField(
            model_name="apiclient",
            name="scope_intake",
            field=models.BooleanField(
                default=True,
                help_text="Post complaints, through Open311 and /api/v1, as this key's application.",
                verbose_name="complaint intake",
            ),
        ),
        migrations.AlterField(
            model_name="apiclient",
            name="scope_intake",
            field=models.BooleanField(
                default=False,
                help_text="Post complaints, through Open311 and /api/v1, as this key's application.",
                verbose_name="complaint intake",
            ),
        ),
        migrations.AddField(
            model_name="apiclient",
            name="scope_public_read",
            field=models.BooleanField(
                default=True,
                help_text="Read what the public may read: complaints, categories, regions.",
                verbose_name="public read",
            ),
        ),
        migrations.AlterField(
            model_name="apiclient",
            name="scope_public_read",
            field=models.BooleanField(
                default=False,
                help_text="Read what the public may read: complaints, categories, regions.",
                verbose_name="public read",
            ),
        ),
    ]
