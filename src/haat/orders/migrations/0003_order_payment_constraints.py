"""Indexes and CHECKs for the order money fields, after the data migration in 0002 (a
separate migration so PostgreSQL never alters a table with pending row updates)."""

import django.db.models.expressions
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("orders", "0002_order_payments")]

    operations = [
        migrations.AddIndex(
            model_name="order",
            index=models.Index(
                fields=["payment_status", "-created_at"], name="orders_orde_payment_8bdf8b_idx"
            ),
        ),
        migrations.AddConstraint(
            model_name="order",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("subtotal_amount__gte", 0),
                    ("shipping_amount__gte", 0),
                    ("cod_fee_amount__gte", 0),
                    ("express_amount__gte", 0),
                    ("amount_due_online__gte", 0),
                    ("amount_due_on_delivery__gte", 0),
                    ("amount_paid__gte", 0),
                    ("amount_refunded__gte", 0),
                ),
                name="order_amounts_non_negative",
            ),
        ),
        migrations.AddConstraint(
            model_name="order",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "total_amount",
                        django.db.models.expressions.CombinedExpression(
                            django.db.models.expressions.CombinedExpression(
                                django.db.models.expressions.CombinedExpression(
                                    models.F("subtotal_amount"), "+", models.F("shipping_amount")
                                ),
                                "+",
                                models.F("cod_fee_amount"),
                            ),
                            "+",
                            models.F("express_amount"),
                        ),
                    )
                ),
                name="order_total_is_sum",
            ),
        ),
        migrations.AddConstraint(
            model_name="order",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "total_amount",
                        django.db.models.expressions.CombinedExpression(
                            models.F("amount_due_online"), "+", models.F("amount_due_on_delivery")
                        ),
                    )
                ),
                name="order_split_is_total",
            ),
        ),
        migrations.AddConstraint(
            model_name="order",
            constraint=models.CheckConstraint(
                condition=models.Q(("amount_refunded__lte", models.F("amount_paid"))),
                name="order_refunded_within_paid",
            ),
        ),
    ]
