"""Public gateway URLs. Mount with `path("", include("haat.gateways.urls"))` in haat/urls.py."""

from django.urls import path

from haat.gateways import views, webhooks

app_name = "gateways"

urlpatterns = [
    path("webhooks/razorpay", webhooks.razorpay_webhook, name="webhook_razorpay"),
    path("webhooks/stripe", webhooks.stripe_webhook, name="webhook_stripe"),
    path("pay/test/<str:token>", views.test_pay, name="test_pay"),
    path("pay/test/<str:token>/result", views.test_pay_result, name="test_pay_result"),
]
