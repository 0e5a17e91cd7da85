"""Demo store data: a small fictional brand with products, prices, images and a key.

Loaded by `haat demo` and `haat serve --demo` into an empty catalog only.
"""

from haat.demo.loader import DemoResult, catalog_is_empty, load_demo

__all__ = ["DemoResult", "catalog_is_empty", "load_demo"]
