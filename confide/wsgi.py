"""The WSGI entry point for gunicorn; a wrong data key stops each worker from booting."""

import os

from django.core.wsgi import get_wsgi_application

from confide.keys.ring import data_keys_verify_at_start

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "confide.settings")
application = get_wsgi_application()
# gunicorn runs no system checks: a wrong data key stops each worker from booting, naming the
# key id, rather than every request answering that it cannot open records.
data_keys_verify_at_start()
