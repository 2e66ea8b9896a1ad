from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenDataConfig(AppConfig):
    name = "balaikota.opendata"
    label = "opendata"
    verbose_name = _("Open data, feeds and alerts")

    def ready(self) -> None:
        from balaikota.opendata import receivers  # noqa: F401 - connects the signal receivers
