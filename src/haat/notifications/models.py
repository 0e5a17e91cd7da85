"""Rules, templates and the record of every message sent to a customer or staff member.

A `Message` is created once per (event, channel, recipient address): its `key` is unique,
so a consumer re-run or two rules asking for the same message cannot make a second one.
Sending claims the row with a conditional UPDATE (`queued` -> `sending`) before the
provider is called, so two workers never send the same row (see `sending.py`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class Channel(models.TextChoices):
    EMAIL = "email", "E-mail"
    SMS = "sms", "SMS"
    WHATSAPP = "whatsapp", "WhatsApp"


class Language(models.TextChoices):
    ENGLISH = "en", "English"
    HINDI = "hi", "Hindi"


class Audience(models.TextChoices):
    CUSTOMER = "customer", "The customer"
    STAFF = "staff", "Staff"


class Template(models.Model):
    """What one kind of message says, per channel and language. `body` is plain text (the
    e-mail's HTML part is the store's layout around it). Every save bumps `version` and keeps
    the old text in `TemplateRevision`, so a message can say which words it was sent with."""

    key = models.CharField(max_length=60)  # "order_placed"
    event_type = models.CharField(max_length=100)  # its variables are this event's
    channel = models.CharField(max_length=20, choices=Channel.choices)
    language = models.CharField(max_length=5, choices=Language.choices)
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    # What the provider needs besides the words. SMS: {"dlt_template_id", "sender_id",
    # "msg91_template_id"} (validated on save: `sms_channel.check_provider_template`).
    # WhatsApp: the template as approved at Meta, {"name", "language", "body": [the
    # variables filling {{1}}, {{2}}... in order], "buttons": [variables of the quick-reply
    # payloads in order]} (validated on save: `whatsapp_channel.check_mapping`).
    provider_template = models.JSONField(default=dict, blank=True)
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["key", "channel", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "channel", "language"], name="notify_template_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.channel}, {self.language})"


class TemplateRevision(models.Model):
    template = models.ForeignKey(Template, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    subject = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["template", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["template", "version"], name="notify_revision_unique")
        ]

    def __str__(self) -> str:
        return f"{self.template_id} v{self.version}"


class Rule(models.Model):
    """When `event_type` happens, send `template_key` over `channel` to `audience`, if the
    conditions hold (empty condition: any)."""

    event_type = models.CharField(max_length=100)
    name = models.CharField(max_length=200)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    audience = models.CharField(max_length=20, choices=Audience.choices)
    staff_role = models.CharField(max_length=20, blank=True)  # audience staff: whose role
    template_key = models.CharField(max_length=60)
    payment_types = models.JSONField(default=list, blank=True)  # [] = every payment type
    min_total_amount = models.BigIntegerField(null=True, blank=True)  # minor units
    language = models.CharField(max_length=5, choices=Language.choices, blank=True)
    enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["event_type", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["event_type", "channel", "audience", "staff_role", "template_key"],
                name="notify_rule_unique",
            ),
            models.CheckConstraint(
                condition=Q(audience="customer", staff_role="") | Q(audience="staff"),
                name="notify_rule_role_for_staff_only",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Message(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to be sent"
        SENDING = "sending", "Being sent"
        SENT = "sent", "Sent"
        DELIVERED = "delivered", "Delivered"
        READ = "read", "Read"
        FAILED = "failed", "Failed"

    key = models.CharField(max_length=255, unique=True)  # "<event id>:<channel>:<address>"
    event_id = models.BigIntegerField(null=True, blank=True)
    event_type = models.CharField(max_length=100)
    rule = models.ForeignKey(Rule, null=True, blank=True, on_delete=models.SET_NULL)
    channel = models.CharField(max_length=20, choices=Channel.choices)
    audience = models.CharField(max_length=20, choices=Audience.choices)
    recipient = models.CharField(max_length=254)  # e-mail address or E.164 phone
    recipient_name = models.CharField(max_length=200, blank=True)
    order_number = models.CharField(max_length=32, blank=True, db_index=True)
    language = models.CharField(max_length=5, choices=Language.choices)
    template = models.ForeignKey(Template, null=True, blank=True, on_delete=models.SET_NULL)
    template_key = models.CharField(max_length=60)
    template_version = models.PositiveIntegerField()
    subject = models.CharField(max_length=300, blank=True)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    # What the provider call carries besides the text (SMS: the DLT and MSG91 template ids
    # and the values of the template's slots; WhatsApp: the template name, language and the
    # filled-in parameters), fixed when the message is written.
    provider_payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.QUEUED)
    provider = models.CharField(max_length=60, blank=True)
    provider_id = models.CharField(max_length=255, blank=True, db_index=True)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)
    failed_at = models.DateTimeField(null=True, blank=True)
    resent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="notify_msg_due"),
            models.Index(fields=["claim_token"], name="notify_msg_claim"),
        ]

    def __str__(self) -> str:
        return f"{self.template_key} to {self.recipient}"


class Suppression(models.Model):
    """An address that bounced or complained: no more messages on that channel."""

    channel = models.CharField(max_length=20, choices=Channel.choices)
    address = models.CharField(max_length=254)
    reason = models.CharField(max_length=30)  # bounced, complained
    detail = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["channel", "address"], name="notify_suppress_unique")
        ]

    def __str__(self) -> str:
        return f"{self.address} ({self.reason})"


class SmsStatusReport(models.Model):
    """A delivery report from the SMS provider (MSG91 or Twilio), stored before it is
    applied; the hash of its body makes a repeat a no-op."""

    provider = models.CharField(max_length=20)
    digest = models.CharField(max_length=64, unique=True)  # sha256 of provider + raw body
    provider_id = models.CharField(max_length=255, blank=True)
    status = models.CharField(max_length=40, blank=True)  # the provider's word
    body = models.TextField()
    outcome = models.CharField(max_length=300, blank=True)  # what it did, in words
    received_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.provider} {self.provider_id}: {self.status}"


class Purpose(models.TextChoices):
    TRANSACTIONAL = "transactional", "Order updates"
    MARKETING = "marketing", "Offers and news"


class Consent(models.Model):
    """Whether a customer's address (an e-mail or an E.164 phone) may get messages of a
    purpose over a channel. No row: transactional allowed, marketing not (opt-in)."""

    channel = models.CharField(max_length=20, choices=Channel.choices)
    address = models.CharField(max_length=254)  # lower-cased e-mail or E.164 phone
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    granted = models.BooleanField()
    source = models.CharField(max_length=40)  # whatsapp_stop, checkout, staff, unsubscribe_link
    changed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["channel", "address", "purpose"], name="notify_consent_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.address} {self.channel} {self.purpose}: {self.granted}"


class ConsentChange(models.Model):
    """Every change of consent, with when and where it came from (kept forever)."""

    channel = models.CharField(max_length=20, choices=Channel.choices)
    address = models.CharField(max_length=254, db_index=True)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    granted = models.BooleanField()
    source = models.CharField(max_length=40)
    detail = models.CharField(max_length=300, blank=True)
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["-changed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.address} {self.purpose} -> {self.granted} ({self.source})"


class WhatsAppCallback(models.Model):
    """A signed callback from Meta, stored before it is applied; its body's hash makes a
    replay a no-op."""

    class Status(models.TextChoices):
        RECEIVED = "received", "Received"
        PROCESSED = "processed", "Processed"
        FAILED = "failed", "Could not be applied"

    digest = models.CharField(max_length=64, unique=True)  # sha256 of the raw body
    body = models.BinaryField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.RECEIVED)
    outcome = models.TextField(blank=True)  # what it did, in words
    received_at = models.DateTimeField(auto_now_add=True)
    processed_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.digest[:12]


class CodConfirmation(models.Model):
    """A cash-on-delivery order asked to confirm (the rule `cod_confirmation`). Notifications
    owns this row: the order's own status does not change until the customer cancels (then
    `orders.lifecycle.cancel`), so the confirmation outcome lives here."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting for the customer"
        CONFIRMED = "confirmed", "Confirmed by the customer"
        CANCELLED = "cancelled", "Cancelled by the customer"
        NO_ANSWER = "no_answer", "No answer: call the customer"
        CALLED = "called", "Handled by phone"

    order_id = models.BigIntegerField(unique=True)
    order_number = models.CharField(max_length=32, db_index=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.WAITING)
    answer_by = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=40, blank=True)  # whatsapp_button, email_link, staff
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["answer_by", "id"]
        indexes = [models.Index(fields=["status", "answer_by"], name="notify_cod_due")]

    def __str__(self) -> str:
        return f"{self.order_number}: {self.status}"
