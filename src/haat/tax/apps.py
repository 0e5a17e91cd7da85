from django.apps import AppConfig


class TaxConfig(AppConfig):
    name = "haat.tax"
    label = "tax"
    verbose_name = "Tax"

    def ready(self) -> None:
        # Rates and the inclusive-pricing switch are read on every checkout through a
        # per-process copy; a change must move the settings stamp (core/settings_stamp.py).
        from haat.core import settings_stamp
        from haat.tax.models import GstRate, TaxSettings

        settings_stamp.track(GstRate, TaxSettings)
