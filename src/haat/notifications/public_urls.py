"""Everything notifications serves outside the dashboard and the API, as
`notifications_public:` (frontdoor.py): the providers' webhooks under /webhooks/ (anymail's
e-mail tracking, nested as `notifications_public:anymail:<esp>_tracking_webhook`; the SMS
delivery reports; WhatsApp) and the customer's COD confirmation and one-click unsubscribe
pages."""

from anymail import urls as anymail_urls
from django.urls import include, path

from haat.notifications import public_views, sms_webhooks, whatsapp_webhook

urlpatterns = [
    path("webhooks/anymail/", include((anymail_urls.urlpatterns, "anymail"))),
    path("webhooks/sms/msg91/", sms_webhooks.msg91_report, name="webhook_sms_msg91"),
    path("webhooks/sms/twilio/", sms_webhooks.twilio_status, name="webhook_sms_twilio"),
    path("webhooks/whatsapp", whatsapp_webhook.whatsapp_webhook, name="webhook_whatsapp"),
    path("cod/<str:token>", public_views.cod_page, name="cod_page"),
    path("unsubscribe/<str:token>", public_views.unsubscribe, name="unsubscribe"),
]
