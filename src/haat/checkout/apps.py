from django.apps import AppConfig


class CheckoutConfig(AppConfig):
    name = "haat.checkout"
    label = "checkout"
    verbose_name = "Checkout"

    def ready(self) -> None:
        # Checkout caches the payment settings COD depends on; drop them on any change.
        from django.db.models.signals import post_delete, post_save

        from haat.checkout.payment import forget_digest
        from haat.payments.models import PaymentMethodRule, PaymentSettings

        for model in (PaymentSettings, PaymentMethodRule):
            post_save.connect(forget_digest, sender=model, dispatch_uid=f"cod-digest-{model}")
            post_delete.connect(forget_digest, sender=model, dispatch_uid=f"cod-del-{model}")
