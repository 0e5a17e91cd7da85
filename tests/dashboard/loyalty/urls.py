from django.urls import path

from tests.dashboard.loyalty import views

urlpatterns = [path("loyalty/<str:code>", views.card, name="card")]
