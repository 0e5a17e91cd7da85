from django.apps import AppConfig


class GatewaysConfig(AppConfig):
    name = "haat.gateways"
    label = "gateways"
    verbose_name = "Payment gateways"

    def ready(self) -> None:
        # Gateway accounts are store settings (which gateway can take a currency): a change
        # moves the settings stamp that per-process copies of settings are checked against.
        from haat.core.settings_stamp import track
        from haat.gateways.models import GatewayAccount

        track(GatewayAccount)
