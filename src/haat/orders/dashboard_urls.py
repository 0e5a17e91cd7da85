"""Dashboard pages of the orders context, under /dashboard/orders/ as `orders:`
(orders/frontdoor.py). The money actions of the order page (`<number>/refund/`,
`<number>/cod-collected/`, `<number>/lines/<id>/availability/`) are payments'
(`payments/dashboard_urls.py`)."""

from django.urls import path

from haat.orders import views

urlpatterns = [
    path("", views.order_list, name="order_list"),
    path("<str:number>/", views.order_detail, name="order_detail"),
    path("<str:number>/cancel/", views.order_cancel, name="order_cancel"),
]
