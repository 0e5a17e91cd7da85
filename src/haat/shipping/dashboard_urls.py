"""Shipping pages of the staff dashboard, mounted at /dashboard/shipping/ as `shipping:`
(shipping/frontdoor.py)."""

from django.urls import path

from haat.shipping import views

urlpatterns = [
    path("", views.zone_list, name="zone_list"),
    path("zones/<int:pk>/", views.zone_edit, name="zone_edit"),
    path("pin-codes/", views.pin_list, name="pin_list"),
    path("shiprocket/", views.shiprocket_settings, name="shiprocket"),
]
