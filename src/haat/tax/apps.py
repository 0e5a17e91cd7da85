from django.apps import AppConfig


class TaxConfig(AppConfig):
    name = "haat.tax"
    label = "tax"
    verbose_name = "Tax"

    def ready(self) -> None:
        # Rates, the category tree they follow and the inclusive-pricing switch are read
        # on every checkout through per-process copies (tax/rates.py, tax.selectors); a
        # change must move the settings stamp (core/settings_stamp.py).
        from haat.catalog.models import Category
        from haat.core import settings_stamp
        from haat.tax.models import GstRate, TaxSettings

        settings_stamp.track(GstRate, TaxSettings, Category)
