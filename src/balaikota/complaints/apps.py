from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "balaikota.complaints"
    label = "complaints"
    verbose_name = _("Complaints (SAMBAT)")

    def ready(self) -> None:
        from balaikota.complaints import (
            announce,  # noqa: F401  (its receiver)
            following,  # noqa: F401  (its receiver)
            public_changes,
            relocation,  # noqa: F401  (its receivers: new kelurahan boundaries)
        )
        from balaikota.complaints.replay import ComplaintReplayer
        from balaikota.core import replay

        replay.register(ComplaintReplayer())
        public_changes.connect()
