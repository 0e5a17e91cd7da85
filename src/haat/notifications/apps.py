from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "haat.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # Provider tracking (delivered, bounced, complained) arrives through anymail's
        # signal, from its webhook views: the receiver updates the message record.
        from haat.core import settings_stamp
        from haat.notifications import tracking
        from haat.notifications.models import Rule, Template

        tracking.connect()
        # Rules and templates are settings: the consumer keeps them per process under the
        # settings stamp (queueing.Setup), so every save or delete must move it.
        settings_stamp.track(Rule, Template)
