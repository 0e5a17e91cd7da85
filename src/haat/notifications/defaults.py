"""The rules and templates a store starts with (English and Hindi): e-mail enabled, SMS
off until a provider is set up and the templates are registered on DLT, WhatsApp off until
the Cloud API is set up (the COD confirmation goes by e-mail link meanwhile).

Seeded by the `0002` data migration and by `ensure_defaults()` (tests, the demo, a store
whose rows were removed): both only add what is missing, never overwrite a merchant's edit.
Wiring a new event later is one entry in `RULES` and its templates in `TEMPLATES`.
"""

from __future__ import annotations

from typing import Any

# (event type, rule name, audience, staff role, template key, payment types)
RULES: list[tuple[str, str, str, str, str, list[str]]] = [
    ("order.placed", "Thank the customer for their order", "customer", "", "order_placed", []),
    ("order.placed", "Tell the owner about a new order", "staff", "owner", "new_order_staff", []),
    (
        "order.confirmed",
        "Tell the customer their order is confirmed",
        "customer",
        "",
        "order_confirmed",
        # A cash-on-delivery order is placed confirmed: its "placed" message says it all.
        ["prepaid", "partial_cod", "reserve_and_pay"],
    ),
    (
        "payment.captured",
        "Tell the customer their payment arrived",
        "customer",
        "",
        "payment_received",
        ["reserve_and_pay"],
    ),
    ("payment.link_created", "Send the payment link", "customer", "", "payment_link", []),
    (
        "payment.late_refunded",
        "Tell the customer their late payment was refunded",
        "customer",
        "",
        "late_payment_refunded",
        [],
    ),
    (
        "order.cancelled",
        "Tell the customer their order was cancelled",
        "customer",
        "",
        "order_cancelled",
        [],
    ),
    (
        "inventory.back_in_stock_notice_due",
        "Tell subscribers a product is back in stock",
        "customer",
        "",
        "back_in_stock",
        [],
    ),
]

_LINES_EN = """{% for line in lines %}- {{ line.title }} × {{ line.quantity }}: {{ line.amount }}
{% endfor %}Total: {{ order_total }} ({{ payment_type }})"""
_LINES_HI = """{% for line in lines %}- {{ line.title }} × {{ line.quantity }}: {{ line.amount }}
{% endfor %}कुल: {{ order_total }} ({{ payment_type }})"""
_SIGN_EN = (
    "\n\n{{ store_name }}{% if store_support_email %}"
    "\nQuestions? Write to {{ store_support_email }}{% endif %}"
)
_SIGN_HI = (
    "\n\n{{ store_name }}{% if store_support_email %}"
    "\nकोई सवाल? {{ store_support_email }} पर लिखें{% endif %}"
)

# (key, language) -> (subject, body); every template is an e-mail for now.
TEMPLATES: dict[tuple[str, str], tuple[str, str]] = {
    ("order_placed", "en"): (
        "Your order {{ order_number }} at {{ store_name }}",
        "Hello {{ customer_name }},\n\nThank you for your order {{ order_number }}.\n\n"
        + _LINES_EN
        + "\n\nSee your order: {{ order_url }}"
        + _SIGN_EN,
    ),
    ("order_placed", "hi"): (
        "{{ store_name }} पर आपका ऑर्डर {{ order_number }}",
        "नमस्ते {{ customer_name }},\n\nआपके ऑर्डर {{ order_number }} के लिए धन्यवाद।\n\n"
        + _LINES_HI
        + "\n\nअपना ऑर्डर देखें: {{ order_url }}"
        + _SIGN_HI,
    ),
    ("new_order_staff", "en"): (
        "New order {{ order_number }}: {{ order_total }}",
        "{{ customer_name }} placed order {{ order_number }}.\n\n" + _LINES_EN,
    ),
    ("new_order_staff", "hi"): (
        "नया ऑर्डर {{ order_number }}: {{ order_total }}",
        "{{ customer_name }} ने ऑर्डर {{ order_number }} दिया है।\n\n" + _LINES_HI,
    ),
    ("order_confirmed", "en"): (
        "Order {{ order_number }} is confirmed",
        "Hello {{ customer_name }},\n\nYour order {{ order_number }} is confirmed and we are "
        "getting it ready.\n\n" + _LINES_EN + "\n\nSee your order: {{ order_url }}" + _SIGN_EN,
    ),
    ("order_confirmed", "hi"): (
        "ऑर्डर {{ order_number }} की पुष्टि हो गई है",
        "नमस्ते {{ customer_name }},\n\nआपके ऑर्डर {{ order_number }} की पुष्टि हो गई है और हम "
        "इसे तैयार कर रहे हैं।\n\n" + _LINES_HI + "\n\nअपना ऑर्डर देखें: {{ order_url }}" + _SIGN_HI,
    ),
    ("payment_received", "en"): (
        "Payment received for {{ order_number }}",
        "Hello {{ customer_name }},\n\nWe received your payment of {{ amount }} for order "
        "{{ order_number }}. Thank you!" + _SIGN_EN,
    ),
    ("payment_received", "hi"): (
        "{{ order_number }} का भुगतान मिल गया",
        "नमस्ते {{ customer_name }},\n\nऑर्डर {{ order_number }} के लिए आपका {{ amount }} का "
        "भुगतान मिल गया है। धन्यवाद!" + _SIGN_HI,
    ),
    ("payment_link", "en"): (
        "Pay {{ amount }} for order {{ order_number }}",
        "Hello {{ customer_name }},\n\nYour order {{ order_number }} is ready for payment. "
        "Pay {{ amount }} here: {{ link_url }}"
        "{% if pay_by %}\n\nPlease pay by {{ pay_by }}, after which the order is released."
        "{% endif %}" + _SIGN_EN,
    ),
    ("payment_link", "hi"): (
        "ऑर्डर {{ order_number }} के लिए {{ amount }} का भुगतान करें",
        "नमस्ते {{ customer_name }},\n\nआपका ऑर्डर {{ order_number }} भुगतान के लिए तैयार है। "
        "{{ amount }} का भुगतान यहाँ करें: {{ link_url }}"
        "{% if pay_by %}\n\nकृपया {{ pay_by }} तक भुगतान करें, उसके बाद ऑर्डर रद्द हो जाएगा।{% endif %}"
        + _SIGN_HI,
    ),
    ("late_payment_refunded", "en"): (
        "Your payment for {{ order_number }} was refunded",
        "Hello {{ customer_name }},\n\nYour payment of {{ amount }} for order {{ order_number }} "
        "{{ why }}, so we refunded it in full. It reaches your account in a few working days."
        + _SIGN_EN,
    ),
    ("late_payment_refunded", "hi"): (
        "{{ order_number }} का आपका भुगतान वापस कर दिया गया",
        "नमस्ते {{ customer_name }},\n\nऑर्डर {{ order_number }} के लिए आपका {{ amount }} का "
        "भुगतान समय पर नहीं पहुँचा ({{ why }}), इसलिए हमने पूरी राशि वापस कर दी है। यह कुछ कार्य "
        "दिवसों में आपके खाते में आ जाएगी।" + _SIGN_HI,
    ),
    ("order_cancelled", "en"): (
        "Order {{ order_number }} was cancelled",
        "Hello {{ customer_name }},\n\nYour order {{ order_number }} was cancelled"
        "{% if reason %}: {{ reason }}{% endif %}. Any money paid for it is refunded." + _SIGN_EN,
    ),
    ("order_cancelled", "hi"): (
        "ऑर्डर {{ order_number }} रद्द कर दिया गया",
        "नमस्ते {{ customer_name }},\n\nआपका ऑर्डर {{ order_number }} रद्द कर दिया गया है"
        "{% if reason %} ({{ reason }}){% endif %}। इसके लिए किया गया कोई भी भुगतान वापस कर दिया "
        "जाएगा।" + _SIGN_HI,
    ),
    ("back_in_stock", "en"): (
        "{{ product_name }} is back in stock",
        "Good news: {{ product_name }} is back in stock at {{ store_name }}."
        "{% if product_url %}\n\nGet it here: {{ product_url }}{% endif %}\n\n"
        "Stocks are limited, so don't wait too long." + _SIGN_EN,
    ),
    ("back_in_stock", "hi"): (
        "{{ product_name }} फिर से उपलब्ध है",
        "खुशखबरी: {{ product_name }} {{ store_name }} पर फिर से उपलब्ध है।"
        "{% if product_url %}\n\nयहाँ से खरीदें: {{ product_url }}{% endif %}\n\n"
        "स्टॉक सीमित है, जल्दी करें।" + _SIGN_HI,
    ),
}


# SMS: off until the store sets up a provider and registers each template on DLT (its text
# must then match the registered one exactly, so each is fixed text with variables).
# (event type, rule name, template key, payment types)
SMS_RULES: list[tuple[str, str, str, list[str]]] = [
    ("order.placed", "Text the customer their order is placed", "order_placed", []),
    ("payment.link_created", "Text the customer the payment link", "payment_link", []),
    ("order.cancelled", "Text the customer their order was cancelled", "order_cancelled", []),
]

SMS_TEMPLATES: dict[tuple[str, str], str] = {
    ("order_placed", "en"): (
        "Thank you! Your order {{ order_number }} of {{ order_total }} is placed at "
        "{{ store_name }}. Details: {{ order_url }}"
    ),
    ("order_placed", "hi"): (
        "धन्यवाद! {{ store_name }} पर आपका ऑर्डर {{ order_number }} ({{ order_total }}) मिल "
        "गया है। विवरण: {{ order_url }}"
    ),
    ("payment_link", "en"): (
        "Pay {{ amount }} for order {{ order_number }} at {{ store_name }}: {{ link_url }}"
    ),
    ("payment_link", "hi"): (
        "{{ store_name }}: ऑर्डर {{ order_number }} के लिए {{ amount }} का भुगतान करें: {{ link_url }}"
    ),
    ("order_cancelled", "en"): (
        "Your order {{ order_number }} at {{ store_name }} was cancelled. Any money paid is "
        "refunded."
    ),
    ("order_cancelled", "hi"): (
        "{{ store_name }} पर आपका ऑर्डर {{ order_number }} रद्द कर दिया गया है। किया गया भुगतान "
        "वापस किया जाएगा।"
    ),
}


def seed(rule_model: Any, template_model: Any) -> None:
    """Add missing default rules and templates (models given, so migrations can pass their
    historical ones)."""
    rule_model.objects.bulk_create(
        [
            rule_model(
                event_type=event_type,
                name=name,
                channel="email",
                audience=audience,
                staff_role=role,
                template_key=key,
                payment_types=payment_types,
            )
            for event_type, name, audience, role, key, payment_types in RULES
        ],
        ignore_conflicts=True,
    )
    template_model.objects.bulk_create(
        [
            template_model(
                key=key,
                event_type=event_of(key),
                channel="email",
                language=lang,
                subject=subject,
                body=body,
            )
            for (key, lang), (subject, body) in TEMPLATES.items()
        ],
        ignore_conflicts=True,
    )
    rule_model.objects.bulk_create(
        [
            rule_model(
                event_type=event_type,
                name=name,
                channel="sms",
                audience="customer",
                template_key=key,
                payment_types=payment_types,
                enabled=False,
            )
            for event_type, name, key, payment_types in SMS_RULES
        ],
        ignore_conflicts=True,
    )
    template_model.objects.bulk_create(
        [
            template_model(
                key=key, event_type=event_of(key), channel="sms", language=lang, body=body
            )
            for (key, lang), body in SMS_TEMPLATES.items()
        ],
        ignore_conflicts=True,
    )


def event_of(template_key: str) -> str:
    """The event a default template is written for ('' for a key no rule uses)."""
    return next((r[0] for r in RULES if r[4] == template_key), "")


# --- WhatsApp and the COD confirmation (added by migration 0005, `seed_whatsapp`). The
# WhatsApp rules ship off, like SMS: on a store that never set WhatsApp up they would only
# fill the failed list with "not set up" (and they cannot be switched on until it is). The
# e-mail COD confirmation ships on: it asks by e-mail link whenever no WhatsApp
# confirmation is on its way, WhatsApp off included. ------------------------------------

# (event type, rule name, channel, template key, payment types)
CHANNEL_RULES: list[tuple[str, str, str, str, list[str]]] = [
    ("order.placed", "Thank the customer on WhatsApp", "whatsapp", "order_placed", []),
    (
        "order.placed",
        "Ask a cash-on-delivery customer to confirm on WhatsApp",
        "whatsapp",
        "cod_confirmation",
        ["cod"],
    ),
    (
        "order.placed",
        "Ask a cash-on-delivery customer to confirm by e-mail (when WhatsApp cannot)",
        "email",
        "cod_confirmation",
        ["cod"],
    ),
]

# (key, channel, language) -> (subject, body, approved WhatsApp template or {})
CHANNEL_TEMPLATES: dict[tuple[str, str, str], tuple[str, str, dict[str, Any]]] = {
    ("order_placed", "whatsapp", "en"): (
        "",
        "Hello {{ customer_name }}, thank you for your order {{ order_number }} "
        "({{ order_total }}) at {{ store_name }}.",
        {
            "name": "order_placed",
            "language": "en",
            "body": ["customer_name", "order_number", "order_total", "store_name"],
            "buttons": [],
        },
    ),
    ("order_placed", "whatsapp", "hi"): (
        "",
        "नमस्ते {{ customer_name }}, {{ store_name }} पर आपके ऑर्डर {{ order_number }} "
        "({{ order_total }}) के लिए धन्यवाद।",
        {
            "name": "order_placed",
            "language": "hi",
            "body": ["customer_name", "store_name", "order_number", "order_total"],
            "buttons": [],
        },
    ),
    ("cod_confirmation", "whatsapp", "en"): (
        "",
        "Hello {{ customer_name }}, please confirm your cash-on-delivery order "
        "{{ order_number }} of {{ order_total }} at {{ store_name }}. [Confirm] [Cancel]",
        {
            "name": "cod_confirmation",
            "language": "en",
            "body": ["customer_name", "order_number", "order_total", "store_name"],
            "buttons": ["confirm_reply", "cancel_reply"],
        },
    ),
    ("cod_confirmation", "whatsapp", "hi"): (
        "",
        "नमस्ते {{ customer_name }}, कृपया {{ store_name }} पर अपने कैश-ऑन-डिलीवरी ऑर्डर "
        "{{ order_number }} ({{ order_total }}) की पुष्टि करें। [पुष्टि करें] [रद्द करें]",
        {
            "name": "cod_confirmation",
            "language": "hi",
            "body": ["customer_name", "store_name", "order_number", "order_total"],
            "buttons": ["confirm_reply", "cancel_reply"],
        },
    ),
    ("cod_confirmation", "email", "en"): (
        "Please confirm your order {{ order_number }}",
        "Hello {{ customer_name }},\n\nYou chose to pay {{ order_total }} in cash on delivery "
        "for order {{ order_number }}. Please confirm it (or cancel it) here, so we can ship "
        "it:\n\n{{ confirm_url }}" + _SIGN_EN,
        {},
    ),
    ("cod_confirmation", "email", "hi"): (
        "कृपया अपने ऑर्डर {{ order_number }} की पुष्टि करें",
        "नमस्ते {{ customer_name }},\n\nआपने ऑर्डर {{ order_number }} के {{ order_total }} "
        "डिलीवरी पर नकद देना चुना है। कृपया यहाँ पुष्टि करें (या रद्द करें), ताकि हम इसे भेज सकें:"
        "\n\n{{ confirm_url }}" + _SIGN_HI,
        {},
    ),
}


def seed_whatsapp(rule_model: Any, template_model: Any) -> None:
    """Add the missing WhatsApp and COD-confirmation rules and templates."""
    rule_model.objects.bulk_create(
        [
            rule_model(
                event_type=event_type,
                name=name,
                channel=channel,
                audience="customer",
                staff_role="",
                template_key=key,
                payment_types=payment_types,
                enabled=channel != "whatsapp",
            )
            for event_type, name, channel, key, payment_types in CHANNEL_RULES
        ],
        ignore_conflicts=True,
    )
    template_model.objects.bulk_create(
        [
            template_model(
                key=key,
                event_type="order.placed",
                channel=channel,
                language=lang,
                subject=subject,
                body=body,
                provider_template=mapping,
            )
            for (key, channel, lang), (subject, body, mapping) in CHANNEL_TEMPLATES.items()
        ],
        ignore_conflicts=True,
    )
