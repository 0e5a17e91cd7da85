"""Admin catalog API, part two: categories, collections and the CSV round trip.

Same rule as `api_admin`: permission, strict schema, one service call, shape the result.
"""

import tempfile
from collections.abc import Iterator
from typing import IO, Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate
from pydantic import Field

from haat.accounts.roles import Perm
from haat.api.auth import StaffAuth, require
from haat.api.pagination import Paginated
from haat.catalog import csv_import, csv_io, selectors, taxonomy
from haat.catalog.api_admin import READ_ERRORS, WRITE_ERRORS, get_or_404
from haat.catalog.error_codes import CatalogError
from haat.catalog.models import Category, Collection, CollectionProduct
from haat.catalog.schemas import (
    AdminCategoryOut,
    AdminCollectionOut,
    CategoryCreateIn,
    CategoryUpdateIn,
    CollectionCreateIn,
    CollectionUpdateIn,
    ImportInvalidOut,
    ImportReportOut,
    ProductIdsIn,
)
from haat.core.errors import ValidationError
from haat.core.schemas import CSV_REPLY, ErrorOut

taxonomy_router = Router(auth=StaffAuth, tags=["admin: catalog"])


# --- categories -----------------------------------------------------------------------
def category_out(c: Category, product_count: int | None = None) -> dict[str, Any]:
    return {
        "id": c.id,
        "slug": c.slug,
        "name": c.name,
        "description": c.description,
        "parent_id": c.parent_id,
        "position": c.position,
        "product_count": product_count,
        "children": [],
    }


def _flatten(nodes: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Depth-first, parents before children, each without its nested children."""
    for node in nodes:
        yield {**node, "children": []}
        yield from _flatten(node["children"])


class CategoryQuery(Schema):
    flat: bool = Field(False, description="1 for a flat list with parent_id instead of a tree")


@taxonomy_router.get(
    "categories",
    response={200: list[AdminCategoryOut], **READ_ERRORS},
    summary="List categories",
    description="The category tree (children nested) with product counts; `?flat=1` "
    "gives every category at the top level with its `parent_id`. Not paginated: trees "
    "are small.",
)
def list_categories(request: HttpRequest, params: Query[CategoryQuery]) -> Any:
    require(request, Perm.CATALOG_VIEW)
    tree = selectors.category_tree()
    return list(_flatten(tree)) if params.flat else tree


@taxonomy_router.post(
    "categories",
    response={201: AdminCategoryOut, **WRITE_ERRORS},
    summary="Create a category",
    description="Slug from the name when not given; a duplicate slug is 409.",
)
def create_category(request: HttpRequest, payload: CategoryCreateIn) -> Any:
    require(request, Perm.CATALOG_EDIT)
    return Status(201, category_out(taxonomy.create_category(**payload.changes()), 0))


@taxonomy_router.get(
    "categories/{category_id}",
    response={200: AdminCategoryOut, **READ_ERRORS},
    summary="Get a category",
    description="One category with its product count (children not included).",
)
def get_category(request: HttpRequest, category_id: int) -> Any:
    require(request, Perm.CATALOG_VIEW)
    category = get_or_404(Category, category_id)
    return category_out(category, category.products.count())


@taxonomy_router.patch(
    "categories/{category_id}",
    response={200: AdminCategoryOut, **WRITE_ERRORS},
    summary="Update a category",
    description="Changes only the fields sent; moving under its own descendant is refused.",
)
def update_category(request: HttpRequest, category_id: int, payload: CategoryUpdateIn) -> Any:
    require(request, Perm.CATALOG_EDIT)
    category = taxonomy.update_category(
        category=get_or_404(Category, category_id), **payload.changes()
    )
    return category_out(category, category.products.count())


@taxonomy_router.delete(
    "categories/{category_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Delete a category",
    description="Refused (409) while it has child categories.",
)
def delete_category(request: HttpRequest, category_id: int) -> Any:
    require(request, Perm.CATALOG_EDIT)
    taxonomy.delete_category(category=get_or_404(Category, category_id))
    return Status(204, None)


# --- collections ----------------------------------------------------------------------
def collection_out(c: Collection) -> dict[str, Any]:
    ids = CollectionProduct.objects.filter(collection=c).order_by("position", "id")
    return {**collection_out_base(c), "product_ids": list(ids.values_list("product_id", flat=True))}


class _CollectionPage:
    """Shapes one page of collections with their ordered product ids in one extra query."""

    def __init__(self) -> None:
        self.queryset = Collection.objects.order_by("name", "id")

    def __len__(self) -> int:
        return self.queryset.count()

    def __getitem__(self, page: slice) -> list[dict[str, Any]]:
        rows = list(self.queryset[page])
        members: dict[int, list[int]] = {c.id: [] for c in rows}
        links = CollectionProduct.objects.filter(collection_id__in=members).order_by(
            "position", "id"
        )
        for cid, pid in links.values_list("collection_id", "product_id"):
            members[cid].append(pid)
        return [{**collection_out_base(c), "product_ids": members[c.id]} for c in rows]


def collection_out_base(c: Collection) -> dict[str, Any]:
    return {
        "id": c.id,
        "slug": c.slug,
        "name": c.name,
        "description": c.description,
        "is_published": c.is_published,
    }


@taxonomy_router.get(
    "collections",
    response={200: list[AdminCollectionOut], **READ_ERRORS},
    summary="List collections",
    description="Published and unpublished, by name, with their ordered product ids.",
)
@paginate(Paginated)
def list_collections(request: HttpRequest) -> Any:
    require(request, Perm.CATALOG_VIEW)
    return _CollectionPage()


@taxonomy_router.post(
    "collections",
    response={201: AdminCollectionOut, **WRITE_ERRORS},
    summary="Create a collection",
    description="Optionally with its ordered `product_ids`; a duplicate slug is 409.",
)
def create_collection(request: HttpRequest, payload: CollectionCreateIn) -> Any:
    require(request, Perm.CATALOG_EDIT)
    return Status(201, collection_out(taxonomy.create_collection(**payload.changes())))


@taxonomy_router.get(
    "collections/{collection_id}",
    response={200: AdminCollectionOut, **READ_ERRORS},
    summary="Get a collection",
    description="One collection with its ordered product ids.",
)
def get_collection(request: HttpRequest, collection_id: int) -> Any:
    require(request, Perm.CATALOG_VIEW)
    return collection_out(get_or_404(Collection, collection_id))


@taxonomy_router.patch(
    "collections/{collection_id}",
    response={200: AdminCollectionOut, **WRITE_ERRORS},
    summary="Update a collection",
    description="Changes only the fields sent.",
)
def update_collection(request: HttpRequest, collection_id: int, payload: CollectionUpdateIn) -> Any:
    require(request, Perm.CATALOG_EDIT)
    collection = taxonomy.update_collection(
        collection=get_or_404(Collection, collection_id), **payload.changes()
    )
    return collection_out(collection)


@taxonomy_router.delete(
    "collections/{collection_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Delete a collection",
    description="The products stay; only the collection goes.",
)
def delete_collection(request: HttpRequest, collection_id: int) -> Any:
    require(request, Perm.CATALOG_EDIT)
    taxonomy.delete_collection(collection=get_or_404(Collection, collection_id))
    return Status(204, None)


@taxonomy_router.put(
    "collections/{collection_id}/products",
    response={200: AdminCollectionOut, **WRITE_ERRORS},
    summary="Set a collection's products",
    description="Replaces the members with `product_ids`, in that order.",
)
def set_collection_products(request: HttpRequest, collection_id: int, payload: ProductIdsIn) -> Any:
    require(request, Perm.CATALOG_EDIT)
    collection = get_or_404(Collection, collection_id)
    taxonomy.set_collection_products(collection=collection, product_ids=list(payload.product_ids))
    return collection_out(collection)


# --- CSV ------------------------------------------------------------------------------
def _chunks(spool: IO[str], size: int = 64 * 1024) -> Iterator[str]:
    try:
        while chunk := spool.read(size):
            yield chunk
    finally:
        spool.close()


@taxonomy_router.get(
    "catalog/export.csv",
    response={200: None, 401: ErrorOut, 403: ErrorOut},
    summary="Export the catalog as CSV",
    description="One row per variant with a price and compare-at column per enabled "
    "currency (major units). The same columns are accepted by the import.",
    openapi_extra=CSV_REPLY,
)
def export_csv(request: HttpRequest) -> HttpResponse:
    require(request, Perm.CATALOG_IMPORT)
    # Spooled: small catalogs stay in memory, big ones go to a temp file, never both.
    # Closed by `_chunks` once the response has been sent, hence no `with` block.
    spool = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024, mode="w+", newline="")  # noqa: SIM115
    csv_io.export_catalog_csv(out=spool)
    spool.seek(0)
    response = StreamingHttpResponse(_chunks(spool), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="catalog.csv"'
    return response


@taxonomy_router.post(
    "catalog/import",
    response={200: ImportReportOut, **WRITE_ERRORS, 422: ImportInvalidOut | ErrorOut},
    summary="Import the catalog from CSV",
    description="Multipart `file` (the export's columns) and `partial`. A blank cell or a "
    "missing column keeps the current value; a single `-` in a cell removes it (docs/api.md, "
    "CSV imports). Every row is validated first. 200 with the report when rows were "
    "applied; 422 with the report in "
    "`error.details` when nothing was applied because of errors (with `partial=true`, "
    "valid rows are applied and the bad ones reported).",
)
def import_csv(request: HttpRequest, file: File[UploadedFile], partial: Form[bool] = False) -> Any:
    require(request, Perm.CATALOG_IMPORT)
    if file.size and file.size > settings.HAAT_MAX_CSV_BYTES:
        raise ValidationError(
            f"The file is larger than {settings.HAAT_MAX_CSV_BYTES} bytes.",
            code=CatalogError.FILE_TOO_LARGE,
            details={"field": "file"},
        )
    report = csv_import.import_catalog_csv(file=file, partial=partial)
    body = {
        "rows": report.rows,
        "created_products": report.created_products,
        "updated_products": report.updated_products,
        "created_variants": report.created_variants,
        "updated_variants": report.updated_variants,
        "applied": report.applied,
        "errors": [{"row": e.row, "column": e.column, "message": e.message} for e in report.errors],
    }
    if not report.applied and report.errors:
        raise ValidationError(
            f"{len(report.errors)} error(s) in the file; nothing was imported.",
            code=CatalogError.IMPORT_INVALID,
            details=body,
        )
    return body
