"""The shipping settings a quote needs, kept per process until the settings stamp moves
(`core.settings_stamp`): the zones with their rates and slabs, whether the merchant's PIN
list has rows, whether Shiprocket is on. Checkout reads the stamp with its cart lines, so a
checkout whose shipping settings did not change reads no shipping table for them; a change
made in any process shows on the next request of every other.

Zones, rates, slabs and the Shiprocket account move the stamp when saved or deleted
(`apps.py`); the PIN upload, which writes in bulk, moves it itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from haat.core.settings_stamp import NOT_READ, Stamped
from haat.shipping import shiprocket, sql
from haat.shipping.models import ServiceablePin


@dataclass(frozen=True)
class ShippingConfig:
    zones: tuple[sql.ZoneRow, ...]
    pin_list: bool  # the merchant's list has rows: PINs off it are refused (Shiprocket aside)
    shiprocket: bool

    @property
    def configured(self) -> bool:
        """The store has set up shipping (at least one active zone)."""
        return bool(self.zones)


def _load() -> ShippingConfig:
    return ShippingConfig(
        zones=tuple(sql.zone_rates()),
        pin_list=ServiceablePin.objects.exists(),
        shiprocket=shiprocket.account() is not None,
    )


_config = Stamped(_load)


def shipping_config(*, stamp: int | None = NOT_READ) -> ShippingConfig:
    """The current config. Pass `stamp=` when the settings stamp was read already: no
    query then unless it moved (four: zones, the PIN list, Shiprocket, the stamp again)."""
    return _config.get(stamp=stamp)
