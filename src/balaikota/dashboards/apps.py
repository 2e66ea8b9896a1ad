from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "balaikota.dashboards"
    label = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self) -> None:
        from balaikota.dashboards import panels, performance

        panels.register(
            panels.Panel("performance", "performance/_dashboard_panel.html", performance.context)
        )
