from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotspotsConfig(AppConfig):
    name = "balaikota.hotspots"
    label = "hotspots"
    verbose_name = _("Hotspots and planned work")

    def ready(self) -> None:
        from balaikota.core import replay
        from balaikota.hotspots import lifecycle

        replay.register(lifecycle.replayer())
