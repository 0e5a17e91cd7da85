from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "haat.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        # Provider tracking (delivered, bounced, complained) arrives through anymail's
        # signal, from its webhook views: the receiver updates the message record.
        from haat.notifications import tracking

        tracking.connect()
