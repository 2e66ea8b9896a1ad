from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    name = "balaikota.open311"
    label = "open311"
    verbose_name = _("Open311 and integrations")

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from balaikota.core.models import User
        from balaikota.open311 import keys, receivers  # noqa: F401 - connects the receivers
        from balaikota.open311.models import ApiClient

        for model in (ApiClient, User):
            post_save.connect(keys.forget_clients, sender=model, dispatch_uid=f"keys:{model}")
            post_delete.connect(keys.forget_clients, sender=model, dispatch_uid=f"keys-d:{model}")
