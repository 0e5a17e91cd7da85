"""Admin catalog API, images: upload (checked, WebP renditions), alt text, order, delete."""

from typing import Any

from django.http import HttpRequest
from ninja import File, Form, Router, Status
from ninja.files import UploadedFile

from haat.accounts.roles import Perm
from haat.api.auth import StaffAuth, require
from haat.catalog import images
from haat.catalog.api_admin import WRITE_ERRORS, get_or_404
from haat.catalog.api_store import image_out
from haat.catalog.models import Product, ProductImage
from haat.catalog.schemas import ImageOrderIn, ImageOut, ImageUpdateIn

images_router = Router(auth=StaffAuth, tags=["admin: catalog"])


@images_router.post(
    "products/{product_id}/images",
    response={201: ImageOut, **WRITE_ERRORS},
    summary="Upload a product image",
    description="Multipart `file` (JPEG, PNG, WebP or GIF, at most HAAT_MAX_IMAGE_BYTES) and "
    "optional `alt_text`. WebP renditions at 160, 480 and 960 px are made on upload.",
)
def upload_image(
    request: HttpRequest,
    product_id: int,
    file: File[UploadedFile],
    alt_text: Form[str] = "",
) -> Any:
    require(request, Perm.CATALOG_EDIT)
    product = get_or_404(Product, product_id)
    image = images.add_product_image(product=product, upload=file, alt_text=alt_text)
    return Status(201, image_out(image))


@images_router.patch(
    "images/{image_id}",
    response={200: ImageOut, **WRITE_ERRORS},
    summary="Update an image",
    description="Change the alt text and/or position.",
)
def update_image(request: HttpRequest, image_id: int, payload: ImageUpdateIn) -> Any:
    require(request, Perm.CATALOG_EDIT)
    images.update_product_image(image=get_or_404(ProductImage, image_id), **payload.changes())
    return image_out(ProductImage.objects.get(pk=image_id))


@images_router.delete(
    "images/{image_id}",
    response={204: None, **WRITE_ERRORS},
    summary="Delete an image",
    description="Removes the image and its renditions.",
)
def delete_image(request: HttpRequest, image_id: int) -> Any:
    require(request, Perm.CATALOG_EDIT)
    images.delete_product_image(image=get_or_404(ProductImage, image_id))
    return Status(204, None)


@images_router.put(
    "products/{product_id}/images/order",
    response={200: list[ImageOut], **WRITE_ERRORS},
    summary="Reorder a product's images",
    description="`image_ids` in the new order; the first is the primary image.",
)
def reorder_images(request: HttpRequest, product_id: int, payload: ImageOrderIn) -> Any:
    require(request, Perm.CATALOG_EDIT)
    product = get_or_404(Product, product_id)
    images.reorder_product_images(product=product, image_ids=list(payload.image_ids))
    return [image_out(i) for i in ProductImage.objects.filter(product=product)]
