"""Dashboard pages of the orders context, mounted at /dashboard/ as `orders:`
(orders/frontdoor.py): the orders under orders/, the customers seen through their orders
under customers/. The money actions of the order page (`orders/<number>/refund/`,
`orders/<number>/cod-collected/`, `orders/<number>/lines/<id>/availability/`) are
payments' (`payments/dashboard_urls.py`)."""

from django.urls import path

from haat.orders import customer_views, views

urlpatterns = [
    path("orders/", views.order_list, name="order_list"),
    path("orders/<str:number>/", views.order_detail, name="order_detail"),
    path("orders/<str:number>/cancel/", views.order_cancel, name="order_cancel"),
    path("orders/<str:number>/status/", views.order_advance, name="order_advance"),
    path("orders/<str:number>/notes/", views.order_note, name="order_note"),
    path("customers/", customer_views.customer_list, name="customer_list"),
    path("customers/<int:customer_id>/", customer_views.customer_detail, name="customer_detail"),
    path(
        "customers/<int:customer_id>/notes/",
        customer_views.customer_note_add,
        name="customer_note_add",
    ),
]
