from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "balaikota.accounts"
    label = "accounts"
    verbose_name = _("Sign-in")

    def ready(self) -> None:
        from balaikota.accounts import sessions  # noqa: F401 - connects the log-in receiver
