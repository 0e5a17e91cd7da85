"""Shipment actions of the order page, as `fulfillment:` (fulfillment/frontdoor.py),
mounted at /dashboard/ with no prefix: fulfilment sits above orders and adds its actions
to the order pages at orders/<number>/shipments/..."""

from django.urls import path

from haat.fulfillment import views

urlpatterns = [
    path("orders/<str:number>/shipments/", views.shipment_create, name="shipment_create"),
    path(
        "orders/<str:number>/shipments/<int:shipment_id>/status/",
        views.shipment_status,
        name="shipment_status",
    ),
]
