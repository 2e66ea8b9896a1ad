from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PerformanceConfig(AppConfig):
    name = "balaikota.performance"
    label = "performance"
    verbose_name = _("Performance auction (lelang kinerja)")

    def ready(self) -> None:
        from balaikota.core import replay
        from balaikota.performance import replay as performance_replay

        for replayer in performance_replay.replayers():
            replay.register(replayer)
