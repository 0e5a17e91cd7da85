"""How the audit log reads gateway changes (see `haat.core.audit_words`); secrets appear
only as "changed"."""

from __future__ import annotations

from collections.abc import Mapping

from django.urls import reverse

from haat.core.audit_words import AuditWords, Named, ObjectKind, Phrase
from haat.gateways.models import GatewayAccount


def _accounts(ids: list[str]) -> Mapping[str, Named]:
    rows = GatewayAccount.objects.filter(pk__in=[int(i) for i in ids if i.isdigit()])
    url = reverse("gateways:gateway_settings")
    return {
        str(pk): Named(
            GatewayAccount.Code(code).label if code in GatewayAccount.Code else code, url
        )
        for pk, code in rows.values_list("pk", "gateway")
    }


WORDS = AuditWords(
    phrases={
        "gateway.credentials_updated": Phrase(
            "changed the {object} credentials",
            fields={"key_id": "Key id", "webhook_secret": "Webhook secret", "mode": "Mode"},
        ),
    },
    kinds=(ObjectKind("gateways.gatewayaccount", "payment gateway", _accounts),),
)
