"""WSGI entry point used by `haat serve` (Granian) and any other WSGI server."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "haat.settings")
application = get_wsgi_application()
