"""What the fulfilment context adds to the front doors: the couriers and shipments admin
API, the shipment actions of the order page (/dashboard/orders/<number>/shipments/...) and
the customer's tracking page at /track/<order token>."""

from haat.core.registry import ApiRoutes, Contribution, Pages, register
from haat.fulfillment import api, audit_words, dashboard_urls, tracking

register(
    Contribution(
        label="fulfillment",
        api=(ApiRoutes("/admin/", api.admin_router),),
        dashboard=Pages(dashboard_urls, namespace="fulfillment"),
        public=Pages(tracking, namespace="tracking"),
        audit=audit_words.WORDS,
    )
)
