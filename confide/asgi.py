"""The ASGI entry point; a wrong data key stops it from starting, naming the key id."""

import os

from django.core.asgi import get_asgi_application

from confide.keys.ring import data_keys_verify_at_start

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "confide.settings")
application = get_asgi_application()
# No system checks run here: a wrong data key stops the server from starting, naming the key id.
data_keys_verify_at_start()
