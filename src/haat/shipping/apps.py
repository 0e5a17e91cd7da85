from django.apps import AppConfig


class ShippingConfig(AppConfig):
    name = "haat.shipping"
    label = "shipping"
    verbose_name = "Shipping"

    def ready(self) -> None:
        # Quotes read zones and rates from a per-process copy (shipping/config.py): every
        # change to them moves the settings stamp so every process reloads.
        from haat.core.settings_stamp import track
        from haat.shipping.models import (
            Rate,
            ServiceablePin,
            ShiprocketAccount,
            WeightSlab,
            Zone,
        )

        track(Zone, Rate, WeightSlab, ServiceablePin, ShiprocketAccount)
