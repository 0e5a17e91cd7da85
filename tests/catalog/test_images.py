"""Image uploads: checks, WebP renditions, order, deletion."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from PIL import Image

from haat.catalog.images import (
    add_product_image,
    delete_product_image,
    rendition_url,
    reorder_product_images,
    update_product_image,
)
from haat.catalog.models import ProductImage
from haat.core.errors import ValidationError

from .domain_helpers import make_product

pytestmark = pytest.mark.django_db


def upload(width=1200, height=800, fmt="JPEG", name="photo.jpg", mode="RGB"):
    buf = io.BytesIO()
    colour = (0, 128, 128, 100) if mode == "RGBA" else (0, 128, 128)
    Image.new(mode, (width, height), colour).save(buf, fmt)
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def huge_png_header(width=8000, height=6000) -> bytes:
    """A tiny PNG whose header claims 48 megapixels (a decompression bomb)."""
    buf = io.BytesIO()
    Image.new("L", (1, 1)).save(buf, "PNG")
    data = bytearray(buf.getvalue())
    ihdr = struct.pack(">II", width, height) + bytes(data[24:29])
    data[16:29] = ihdr
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return bytes(data)


def test_renditions_sizes_and_format():
    product = make_product()
    image = add_product_image(product=product, upload=upload(1200, 800), alt_text="Front")
    assert (image.width, image.height, image.position) == (1200, 800, 0)
    assert set(image.renditions) == {"160", "480", "960"}
    for key, expected in {"160": (160, 107), "480": (480, 320), "960": (960, 640)}.items():
        with default_storage.open(image.renditions[key]) as fh:
            im = Image.open(fh)
            assert (im.format, im.size) == ("WEBP", expected)
    assert rendition_url(image, 400).endswith(image.renditions["480"].split("/")[-1])
    assert rendition_url(image, 2000).endswith("-960.webp")


def test_small_image_is_never_upscaled_and_png_alpha_kept():
    product = make_product()
    image = add_product_image(product=product, upload=upload(300, 300, "PNG", "a.png", mode="RGBA"))
    assert image.renditions["480"] == image.renditions["960"]
    with default_storage.open(image.renditions["960"]) as fh:
        im = Image.open(fh)
        assert im.size == (300, 300) and im.mode == "RGBA"


@pytest.mark.parametrize(
    ("file", "code"),
    [
        (SimpleUploadedFile("x.jpg", b"not an image at all"), "invalid_image"),
        (SimpleUploadedFile("x.png", huge_png_header()), "image_too_large"),
        (upload(20, 20, "BMP", "x.bmp"), "invalid_image"),
    ],
)
def test_rejects_bad_files(file, code):
    product = make_product()
    with pytest.raises(ValidationError) as exc:
        add_product_image(product=product, upload=file)
    assert exc.value.code == code
    assert exc.value.details["field"] == "image"
    assert not ProductImage.objects.exists()


def test_rejects_oversized_file():
    product = make_product()
    with override_settings(HAAT_MAX_IMAGE_BYTES=100), pytest.raises(ValidationError) as exc:
        add_product_image(product=product, upload=upload(50, 50))
    assert exc.value.code == "file_too_large"
    assert not ProductImage.objects.exists()


def test_order_alt_text_and_delete(django_capture_on_commit_callbacks):
    product = make_product()
    a, b, c = (add_product_image(product=product, upload=upload(200, 100)) for _ in range(3))
    reorder_product_images(product=product, image_ids=[c.pk, a.pk, b.pk])
    assert list(product.images.values_list("pk", flat=True)) == [c.pk, a.pk, b.pk]
    with pytest.raises(ValidationError):
        reorder_product_images(product=product, image_ids=[c.pk, a.pk])
    update_product_image(image=b, alt_text="Back", position=0)
    assert list(product.images.values_list("pk", flat=True)) == [b.pk, c.pk, a.pk]
    assert ProductImage.objects.get(pk=b.pk).alt_text == "Back"
    files = [a.image.name, *a.renditions.values()]
    with django_capture_on_commit_callbacks(execute=True):
        delete_product_image(image=a)
    assert not any(default_storage.exists(f) for f in files)
    assert list(product.images.values_list("position", flat=True)) == [0, 1]


def test_deleting_product_removes_image_files(django_capture_on_commit_callbacks):
    from haat.catalog.services import delete_product

    product = make_product()
    image = add_product_image(product=product, upload=upload(600, 400))
    files = [image.image.name, *image.renditions.values()]
    assert all(default_storage.exists(f) for f in files)
    with django_capture_on_commit_callbacks(execute=True):
        delete_product(product=product)
    assert not any(default_storage.exists(f) for f in files)
