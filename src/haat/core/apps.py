from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "haat.core"
    label = "core"
    verbose_name = "Core"

    def ready(self) -> None:
        # Event classes (<app>/events.py), periodic tasks (`@periodic` in <app>/tasks.py)
        # and outbox consumers (`@consumer` in <app>/consumers.py) register on import;
        # import them in every process, so a worker can read every stored event,
        # schedules and dispatches to all of them.
        from django.utils.module_loading import autodiscover_modules

        from haat.core import mail_delivery  # noqa: F401  (registers its deploy check)
        from haat.core.models import Currency, StoreDetails
        from haat.core.settings_stamp import track

        autodiscover_modules("events", "tasks", "consumers")
        # Which currencies the store sells in, and the store's own details, are store
        # settings: a change moves the settings stamp (haat.core.settings_stamp).
        track(Currency, StoreDetails)
