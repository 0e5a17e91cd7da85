"""Product images: checked uploads, WebP renditions, ordering.

Files go through `default_storage` (local disk or S3). Storage is not transactional,
so files written for a failed upload are removed at once, and files of deleted
images are removed only after the deletion commits.
"""

from __future__ import annotations

import io
import uuid
import warnings
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from PIL import Image, ImageOps, UnidentifiedImageError

from haat.catalog import validators as v
from haat.catalog.error_codes import CatalogError
from haat.catalog.events import ProductUpdated
from haat.catalog.models import Product, ProductImage
from haat.core.audit import record_audit
from haat.core.error_codes import ErrorCode
from haat.core.errors import ValidationError
from haat.core.outbox import emit

# 40 megapixels: larger than any product photo, small enough to decode safely.
MAX_PIXELS = 40_000_000
Image.MAX_IMAGE_PIXELS = MAX_PIXELS
RENDITION_WIDTHS = (160, 480, 960)
ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}


def _bad_image(message: str, code: ErrorCode = CatalogError.INVALID_IMAGE) -> ValidationError:
    return ValidationError(message, code=code, details={"field": "image"})


def open_checked(upload: UploadedFile) -> tuple[Image.Image, str]:
    """Size, format and pixel-count checks; returns the decoded image and its format."""
    limit = settings.HAAT_MAX_IMAGE_BYTES
    if upload.size is None or upload.size > limit:
        raise _bad_image(
            f"The image is larger than {limit // (1024 * 1024)} MB.",
            code=CatalogError.FILE_TOO_LARGE,
        )
    upload.seek(0)
    data = upload.read()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data))
            fmt = img.format or ""
            if fmt not in ALLOWED_FORMATS:
                raise _bad_image("Upload a JPEG, PNG, WebP or GIF image.")
            if img.width * img.height > MAX_PIXELS:
                raise _bad_image(
                    "The image has more than 40 megapixels.", CatalogError.IMAGE_TOO_LARGE
                )
            img.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _bad_image(
            "The image has more than 40 megapixels.", CatalogError.IMAGE_TOO_LARGE
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _bad_image("This file is not an image we can read.") from None
    upload.seek(0)
    return img, fmt


def _renditions(img: Image.Image, stem: str) -> dict[str, str]:
    """WebP copies at each width (never upscaled; equal sizes share one file)."""
    img = ImageOps.exif_transpose(img)
    has_alpha = img.mode in ("RGBA", "LA", "PA") or "transparency" in img.info
    img = img.convert("RGBA" if has_alpha else "RGB")
    paths: dict[str, str] = {}
    made: dict[int, str] = {}
    for width in RENDITION_WIDTHS:
        actual = min(width, img.width)
        if actual not in made:
            height = max(1, round(img.height * actual / img.width))
            copy = (
                img
                if actual == img.width
                else img.resize((actual, height), Image.Resampling.LANCZOS)
            )
            buf = io.BytesIO()
            copy.save(buf, "WEBP", quality=82, method=4)
            name = f"products/renditions/{stem}-{actual}.webp"
            made[actual] = default_storage.save(name, ContentFile(buf.getvalue()))
        paths[str(width)] = made[actual]
    return paths


def delete_files(names: list[str]) -> None:
    for name in names:
        if name:
            default_storage.delete(name)


def delete_files_on_commit(names: list[str]) -> None:
    names = [n for n in names if n]
    if names:
        transaction.on_commit(lambda: delete_files(names))


def _files_of(image: ProductImage) -> list[str]:
    return [image.image.name, *image.renditions.values()]


def add_product_image(
    *, product: Product, upload: UploadedFile, alt_text: str = ""
) -> ProductImage:
    alt = v.clean_text(alt_text, field="alt_text", max_length=200)
    img, fmt = open_checked(upload)
    stem = f"{product.slug[:60]}-{uuid.uuid4().hex[:10]}"
    written: list[str] = []
    try:
        renditions = _renditions(img, stem)
        written.extend(renditions.values())
        with transaction.atomic():
            top = product.images.aggregate(top=Max("position"))["top"]
            image = ProductImage(
                product=product,
                alt_text=alt,
                position=0 if top is None else top + 1,
                renditions=renditions,
            )
            image.image.save(f"{stem}.{ALLOWED_FORMATS[fmt]}", upload, save=False)
            written.append(image.image.name)
            image.save()
            record_audit(
                action="product.image_add",
                obj=product,
                changes={"images": [None, {"id": image.pk, "name": image.image.name}]},
            )
            _emit_images_changed(product)
    except BaseException:
        delete_files(written)
        raise
    return image


def _emit_images_changed(product: Product) -> None:
    emit(ProductUpdated(id=product.pk, slug=product.slug, fields=["images"]), aggregate=product)


def _renumber(product: Product, ordered: list[ProductImage]) -> None:
    for pos, im in enumerate(ordered):
        im.position = pos
    ProductImage.objects.bulk_update(ordered, ["position"])


def update_product_image(
    *, image: ProductImage, alt_text: str | None = None, position: int | None = None
) -> ProductImage:
    """Change alt text and/or move the image to `position` (0 = first)."""
    changes: dict[str, Any] = {}
    alt = None if alt_text is None else v.clean_text(alt_text, field="alt_text", max_length=200)
    pos = v.clean_int(position, field="position", minimum=0, maximum=10_000)
    with transaction.atomic():
        image = ProductImage.objects.select_related("product").get(pk=image.pk)
        product = image.product
        if alt is not None and alt != image.alt_text:
            changes["alt_text"] = [image.alt_text, alt]
            image.alt_text = alt
            image.save(update_fields=["alt_text"])
        if pos is not None:
            ordered = list(ProductImage.objects.filter(product=product).order_by("position", "id"))
            old_index = next(i for i, im in enumerate(ordered) if im.pk == image.pk)
            moving = ordered.pop(old_index)
            ordered.insert(min(pos, len(ordered)), moving)
            new_index = ordered.index(moving)
            if new_index != old_index:
                changes["position"] = [old_index, new_index]
                _renumber(product, ordered)
                image.position = new_index
        if changes:
            record_audit(
                action="product.image_update", obj=product, changes={"image": image.pk, **changes}
            )
            _emit_images_changed(product)
    return image


def delete_product_image(*, image: ProductImage) -> None:
    with transaction.atomic():
        image = ProductImage.objects.select_related("product").get(pk=image.pk)
        product, files, pk = image.product, _files_of(image), image.pk
        image.delete()
        _renumber(product, list(product.images.order_by("position", "id")))
        record_audit(
            action="product.image_delete", obj=product, changes={"images": [{"id": pk}, None]}
        )
        _emit_images_changed(product)
        delete_files_on_commit(files)


def reorder_product_images(*, product: Product, image_ids: list[int]) -> None:
    """`image_ids` must list every image of the product exactly once, in the new order."""
    ids = v.clean_ids(image_ids, field="image_ids")
    with transaction.atomic():
        images = {im.pk: im for im in product.images.all()}
        if len(ids) != len(image_ids) or set(ids) != set(images):
            raise v.invalid("image_ids", "List every image of this product exactly once.")
        before = sorted(images, key=lambda pk: (images[pk].position, pk))
        if before == ids:
            return
        _renumber(product, [images[pk] for pk in ids])
        record_audit(action="product.image_reorder", obj=product, changes={"images": [before, ids]})
        _emit_images_changed(product)


def rendition_url(image: ProductImage, width: int) -> str:
    """URL of the smallest rendition at least `width` wide (else the largest one);
    the original when no renditions exist."""
    if not image.renditions:
        return image.image.url
    widths = sorted(int(w) for w in image.renditions)
    chosen = next((w for w in widths if w >= width), widths[-1])
    return default_storage.url(image.renditions[str(chosen)])
