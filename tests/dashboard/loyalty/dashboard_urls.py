from django.urls import path

from tests.dashboard.loyalty import views

urlpatterns = [path("", views.overview, name="overview")]
