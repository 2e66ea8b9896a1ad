from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    name = "balaikota.open311"
    label = "open311"
    verbose_name = _("Open311 and integrations")

    def ready(self) -> None:
        from balaikota.open311 import receivers  # noqa: F401 - connects the signal receivers
