"""What the checkout context adds to the front doors: the storefront cart and checkout API."""

from haat.checkout import api, audit_words
from haat.core.registry import ApiRoutes, Contribution, register

register(
    Contribution(
        label="checkout",
        api=(ApiRoutes("/store/", api.store_router),),
        audit=audit_words.WORDS,
    )
)
