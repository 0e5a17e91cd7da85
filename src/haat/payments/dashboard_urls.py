"""Payment pages, and the money actions of an order page, as `payments:`
(payments/frontdoor.py), mounted at /dashboard/ with no prefix: the paths carry theirs
(payments/, late-payments/, and orders/<number>/... since payments sits above orders and
adds its actions to the order pages)."""

from django.urls import path

from haat.payments import late_views, order_views, views

urlpatterns = [
    path("payments/", views.payment_settings, name="payment_settings"),
    path("payments/rules/", views.payment_rules, name="payment_rules"),
    path("payments/rules/targets/", views.rule_targets, name="rule_targets"),
    path("payments/cod-remittance/", views.cod_remittance, name="cod_remittance"),
    path("late-payments/", late_views.late_payments, name="late_payments"),
    path(
        "late-payments/<int:late_id>/retry/",
        late_views.late_payment_retry,
        name="late_payment_retry",
    ),
    path(
        "late-payments/<int:late_id>/handled/",
        late_views.late_payment_handled,
        name="late_payment_handled",
    ),
    path("orders/<str:number>/refund/", order_views.order_refund, name="order_refund"),
    path(
        "orders/<str:number>/cod-collected/",
        order_views.order_cod_collected,
        name="order_cod_collected",
    ),
    path(
        "orders/<str:number>/lines/<int:line_id>/availability/",
        order_views.order_line_availability,
        name="order_line_availability",
    ),
]
