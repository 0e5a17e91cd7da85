"""Public webhooks of the notifications context, under /webhooks/ (notifications/frontdoor.py):
anymail's e-mail tracking views keep their own names (`anymail:<esp>_tracking_webhook`)."""

from anymail import urls as anymail_urls
from django.urls import include, path

from haat.notifications import sms_webhooks

urlpatterns = [
    path("anymail/", include(anymail_urls.urlpatterns)),
    path("sms/msg91/", sms_webhooks.msg91_report, name="sms_msg91_report"),
    path("sms/twilio/", sms_webhooks.twilio_status, name="sms_twilio_status"),
]
