"""Cash on delivery: recording cash the courier collected, and importing a courier's
remittance file (`order_number,amount,reference,remitted_on`).

The import is checked whole first: a file with a malformed row (missing column, amount
that is not a number in the order's currency, bad date, blank or repeated reference)
changes nothing and names every bad row. A well-formed file is then reconciled row by row:
`recorded`, `duplicate` (this reference was recorded before), `mismatch` (the amount is
not what the courier owes for that order; nothing recorded), `unknown_order`, `not_cod`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date

from django.conf import settings
from django.db import transaction

from haat.core import csv_files
from haat.core.audit import record_audit
from haat.core.errors import Conflict, ValidationError
from haat.core.money import Money, formatted
from haat.core.outbox import emit
from haat.orders import lifecycle, state
from haat.orders.models import Order, pk_from_number
from haat.payments.error_codes import PaymentError
from haat.payments.events import CodCollected
from haat.payments.ledger import record_transaction, refresh_payment_status
from haat.payments.models import PaymentTransaction

COD_GATEWAY = "cod"
COLUMNS = ("order_number", "amount", "reference", "remitted_on")
MAX_ROWS = 5000
COD_TYPES = (Order.PaymentType.COD, Order.PaymentType.PARTIAL_COD)
# A reconciled row's status in the merchant's words (the report and its summary).
STATUS_WORDS = {
    "recorded": "Recorded",
    "duplicate": "Already recorded",
    "mismatch": "Amount differs",
    "unknown_order": "Unknown order",
    "not_cod": "Not cash on delivery",
}


def can_collect(order: Order) -> bool:
    """Whether cash can be recorded for the order now (what `record_cod_collected`
    accepts; the order page shows its form only then)."""
    return (
        order.payment_type in COD_TYPES
        and order.status in state.CONFIRMED_OR_LATER
        and order.amount_paid < order.total_amount
    )


def record_cod_collected(
    *, order: Order, amount: Money, reference: str
) -> tuple[PaymentTransaction | None, bool]:
    """Record cash collected on delivery. Returns (ledger row, created); the same
    reference again returns (None, False) and changes nothing."""
    reference = (reference or "").strip()
    if not reference or len(reference) > 100:
        raise ValidationError(
            "A remittance reference (up to 100 characters) is required.",
            details={"field": "reference"},
        )
    if amount.currency != order.currency_id or amount.amount <= 0:
        raise ValidationError(
            f"The amount must be above zero, in {order.currency_id}.", details={"field": "amount"}
        )
    with transaction.atomic():
        locked = lifecycle.lock(order.pk)
        if locked.payment_type not in COD_TYPES:
            raise Conflict(
                f"{locked.number} is not a cash-on-delivery order.", code=PaymentError.NOT_COD
            )
        if PaymentTransaction.objects.filter(
            gateway=COD_GATEWAY,
            kind=PaymentTransaction.Kind.COD_COLLECTED,
            gateway_reference=reference,
        ).exists():
            return None, False
        if locked.status not in state.CONFIRMED_OR_LATER:
            raise Conflict(
                f"{locked.number} is {locked.status}; cash is collected for confirmed orders.",
                code=PaymentError.NOT_COLLECTABLE,
            )
        due = locked.total_amount - locked.amount_paid
        if amount.amount > due:
            raise Conflict(
                f"{locked.number} owes {Money(max(due, 0), locked.currency_id)} on delivery; "
                f"{amount} is more than that.",
                code=PaymentError.COD_AMOUNT_MISMATCH,
                details={"field": "amount", "due": due},
            )
        row = record_transaction(
            order=locked,
            kind=PaymentTransaction.Kind.COD_COLLECTED,
            amount=amount.amount,
            currency=amount.currency,
            gateway=COD_GATEWAY,
            reference=reference,
        )
        refresh_payment_status(locked)
        emit(
            CodCollected(
                number=locked.number,
                amount=amount.amount,
                currency=amount.currency,
                reference=reference,
            ),
            aggregate=locked,
        )
        record_audit(
            action="payments.cod_collected",
            obj=locked,
            changes={"amount": amount.amount, "reference": reference},
        )
    return row, True


@dataclass(frozen=True)
class RemittanceRow:
    row: int  # line number in the file (header is 1)
    order_number: str
    amount: int
    currency: str
    reference: str
    remitted_on: str
    status: str = ""
    message: str = ""

    def as_dict(self) -> dict:
        return asdict(self)

    @property
    def money(self) -> Money:
        return Money(self.amount, self.currency)

    @property
    def status_words(self) -> str:
        return STATUS_WORDS.get(self.status, self.status)

    @property
    def order_known(self) -> bool:
        """Whether `order_number` names an order (the report links to it)."""
        return bool(self.status) and self.status != "unknown_order"


@dataclass(frozen=True)
class RemittanceReport:
    rows: list[RemittanceRow]

    def count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def summary(self) -> dict[str, int]:
        return {s: self.count(s) for s in STATUS_WORDS}

    @property
    def summary_words(self) -> list[tuple[str, str, int]]:
        """(status, words, count) for each status, in the report's order."""
        return [(s, words, self.count(s)) for s, words in STATUS_WORDS.items()]

    def total(self, status: str) -> list[Money]:
        """The amounts of the rows with `status`, summed per currency."""
        sums: dict[str, int] = {}
        for r in self.rows:
            if r.status == status:
                sums[r.currency] = sums.get(r.currency, 0) + r.amount
        return [Money(amount, cur) for cur, amount in sorted(sums.items())]


def _parse(text: str) -> list[tuple[int, dict[str, str]]]:
    table = list(csv_files.records(text.lstrip("\ufeff")))
    header = [h.strip().lower() for h in (table[0][1] if table else [])]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise ValidationError(
            f"The file needs the columns {', '.join(COLUMNS)}; missing {', '.join(missing)}.",
            code=PaymentError.BAD_COLUMNS,
            details={"field": "file", "missing": missing},
        )
    rows = [
        (number, {k: v.strip() for k, v in zip(header, cells, strict=True) if k})
        for number, cells in table[1:]
    ]
    if not rows:
        raise ValidationError("The file has no rows.", details={"field": "file"})
    if len(rows) > MAX_ROWS:
        raise ValidationError(f"At most {MAX_ROWS} rows per file.", details={"field": "file"})
    return rows


def import_cod_remittance(*, csv_text: str) -> RemittanceReport:
    """Validate the whole file, then reconcile each row; see the module docstring."""
    parsed = _parse(csv_text)
    pks = {pk_from_number(r["order_number"]) for _, r in parsed} - {None}
    orders = {o.pk: o for o in Order.objects.filter(pk__in=pks)}
    errors: list[dict] = []
    seen: set[str] = set()
    checked: list[RemittanceRow] = []
    for line, r in parsed:
        order = orders.get(pk_from_number(r["order_number"]) or 0)
        currency = order.currency_id if order else "INR"
        problem, field, minor = "", "", 0
        try:
            minor = Money.from_decimal(r["amount"], currency).amount
            if minor <= 0:
                problem, field = "amount must be more than zero.", "amount"
        except ValidationError as exc:
            problem, field = f"amount: {exc.message}", "amount"
        if not problem:
            try:
                date.fromisoformat(r["remitted_on"])
            except ValueError:
                problem, field = "remitted_on must be a date like 2025-01-31.", "remitted_on"
        if not problem and not r["reference"]:
            problem, field = "reference is required.", "reference"
        if not problem and r["reference"] in seen:
            problem, field = f"reference {r['reference']} appears twice in the file.", "reference"
        if problem:
            errors.append({"row": line, "field": field, "message": problem})
            continue
        seen.add(r["reference"])
        checked.append(
            RemittanceRow(
                line, r["order_number"], minor, currency, r["reference"], r["remitted_on"]
            )
        )
    if errors:
        raise ValidationError(
            f"{len(errors)} row(s) need fixing; nothing was imported.",
            code=PaymentError.INVALID_ROWS,
            details={"field": "file", "rows": errors},
        )
    recorded = set(
        PaymentTransaction.objects.filter(
            gateway=COD_GATEWAY,
            kind=PaymentTransaction.Kind.COD_COLLECTED,
            gateway_reference__in=[row.reference for row in checked],
        ).values_list("gateway_reference", flat=True)
    )
    return RemittanceReport([_reconcile(row, orders, recorded) for row in checked])


def _words(amount: int, currency: str) -> str:
    return formatted(amount, currency, settings.HAAT_LOCALE)


def _reconcile(row: RemittanceRow, orders: dict[int, Order], recorded: set[str]) -> RemittanceRow:
    """One row against its order; `recorded`: references already in the ledger (read once
    for the whole file, so a re-uploaded file costs one query, not one per row)."""

    def done(status: str, message: str) -> RemittanceRow:
        return RemittanceRow(**{**row.as_dict(), "status": status, "message": message})

    order = orders.get(pk_from_number(row.order_number) or 0)
    if order is None:
        return done("unknown_order", f"No order numbered {row.order_number}.")
    row = RemittanceRow(**{**row.as_dict(), "order_number": order.number})
    if order.payment_type not in COD_TYPES:
        return done("not_cod", f"{order.number} was not cash on delivery.")
    if row.reference in recorded:
        return done("duplicate", f"Reference {row.reference} was recorded before.")
    due = order.total_amount - order.amount_paid
    if row.amount != due:
        remitted = _words(row.amount, row.currency)
        if due <= 0:
            return done("mismatch", f"Remitted {remitted}, but nothing is due: already paid.")
        return done("mismatch", f"Remitted {remitted}, but {_words(due, row.currency)} is due.")
    try:
        record_cod_collected(
            order=order, amount=Money(row.amount, row.currency), reference=row.reference
        )
    except (Conflict, ValidationError) as exc:
        return done("mismatch", exc.message)
    return done("recorded", "Recorded.")
