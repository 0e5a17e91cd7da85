"""Public gateway URLs, mounted at the site root as `gateways_public:` (gateways/frontdoor.py)."""

from django.urls import path

from haat.gateways import views, webhooks

urlpatterns = [
    path("webhooks/razorpay", webhooks.razorpay_webhook, name="webhook_razorpay"),
    path("webhooks/stripe", webhooks.stripe_webhook, name="webhook_stripe"),
    path("pay/test/<str:token>", views.test_pay, name="test_pay"),
    path("pay/test/<str:token>/result", views.test_pay_result, name="test_pay_result"),
]
