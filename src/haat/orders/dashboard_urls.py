"""Dashboard pages of the orders context, under /dashboard/orders/."""

from django.urls import path

from haat.orders import views

urlpatterns = [
    path("", views.order_list, name="order_list"),
    path("<str:number>/", views.order_detail, name="order_detail"),
    path("<str:number>/cancel/", views.order_cancel, name="order_cancel"),
]
