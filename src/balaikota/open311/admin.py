from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from balaikota.open311 import services
from balaikota.open311.models import ApiClient, Forward, ForwardingTarget, ForwardState, Scope


class ApiClientForm(forms.ModelForm):
    class Meta:
        model = ApiClient
        fields = ("scope_public_read", "scope_intake", "agency")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("scope_public_read") or data.get("scope_intake") or data.get("agency")):
            raise forms.ValidationError(
                _("Give the key at least one scope: public read, complaint intake or an agency.")
            )
        return data


@admin.register(ApiClient)
class ApiClientAdmin(admin.ModelAdmin):
    form = ApiClientForm
    list_display = (
        "name",
        "organisation",
        "key_prefix",
        "scope_list",
        "agency",
        "rate_limit",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    list_filter = ("revoked_at", "scope_public_read", "scope_intake", "agency")
    search_fields = ("name", "organisation")
    readonly_fields = ("key_prefix", "account", "created_at", "last_used_at", "revoked_at")
    fields = (
        "name",
        "organisation",
        "contact_email",
        "scope_public_read",
        "scope_intake",
        "agency",
        "account",
        "rate_limit",
        "webhook_url",
        "webhook_secret",
        "webhook_scope",
        "key_prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
    )
    actions = ["revoke"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A key is shown once, when it is made: `balaikota create-api-key --name NAME`.
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description=_("scopes"))
    def scope_list(self, obj: ApiClient) -> str:
        return ", ".join(str(scope.label) for scope in Scope if scope in obj.scopes)

    def save_model(self, request: HttpRequest, obj: ApiClient, form: Any, change: bool) -> None:
        # The scopes as they were, read afresh: `obj` already carries the edited values.
        before = services.scopes_record(ApiClient.objects.get(pk=obj.pk))
        services.save_client(obj, request.user, before=before)  # type: ignore[arg-type]

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        for client in queryset:
            services.revoke_client(client, actor=request.user)  # type: ignore[arg-type]
        self.message_user(request, _("Revoked."), messages.SUCCESS)


@admin.register(ForwardingTarget)
class ForwardingTargetAdmin(admin.ModelAdmin):
    list_display = ("name", "endpoint", "agency", "category", "is_active")
    list_filter = ("is_active",)


@admin.register(Forward)
class ForwardAdmin(admin.ModelAdmin):
    list_display = (
        "complaint",
        "target",
        "state",
        "remote_id",
        "remote_status",
        "attempts",
        "polled_at",
    )
    list_filter = ("state", "target", "remote_status")
    readonly_fields = [f.name for f in Forward._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("Send again now"))
    def send_again(self, request: HttpRequest, queryset: QuerySet[Forward]) -> None:
        from balaikota.open311 import tasks

        pending = list(queryset.exclude(state=ForwardState.SENT).values_list("pk", flat=True))
        Forward.objects.filter(pk__in=pending).update(state=ForwardState.PENDING)
        for forward_id in pending:
            tasks.send_forward(forward_id)
