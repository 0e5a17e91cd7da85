"""Dashboard pages of the orders context, under /dashboard/orders/ as `orders:`
(orders/frontdoor.py)."""

from django.urls import path

from haat.orders import views

urlpatterns = [
    path("", views.order_list, name="order_list"),
    path("<str:number>/", views.order_detail, name="order_detail"),
    path("<str:number>/cancel/", views.order_cancel, name="order_cancel"),
    path("<str:number>/refund/", views.order_refund, name="order_refund"),
    path("<str:number>/cod-collected/", views.order_cod_collected, name="order_cod_collected"),
    path(
        "<str:number>/lines/<int:line_id>/availability/",
        views.order_line_availability,
        name="order_line_availability",
    ),
]
