"""Message pages as `notifications:` (notifications/frontdoor.py), under /dashboard/messages/."""

from django.urls import path

from haat.notifications import views

urlpatterns = [
    path("", views.message_list, name="message_list"),
    path("<int:message_id>/", views.message_detail, name="message_detail"),
    path("<int:message_id>/resend/", views.message_resend, name="message_resend"),
    path("cod/", views.cod_queue, name="cod_queue"),
    path("cod/<int:confirmation_id>/called/", views.cod_called, name="cod_called"),
    path("rules/", views.rule_list, name="rule_list"),
    path("templates/", views.template_list, name="template_list"),
    path("templates/<int:template_id>/", views.template_edit, name="template_edit"),
    path("templates/<int:template_id>/preview/", views.template_preview, name="template_preview"),
]
