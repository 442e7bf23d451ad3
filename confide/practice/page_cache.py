"""Public pages that are the same for every visitor, kept rendered until the content changes.

The database keeps one stamp, a random token in the shared cache table, replaced in the same
transaction as any change to the public content (`content_changed`, connected to the content
models' signals in `PracticeConfig.ready`). Each request reads the stamp: one query. A page
rendered under a stamp is kept in this process, keyed by the stamp and the page's address, so a
change made through any server is seen by every server on its next request. The kept pages are
derived data, never state: a server without one renders it again.

A stamp is a fresh random value each time, never a counter, so no page kept under an older stamp
can match again (not after a restore from a backup, nor after a test's rollback). A request with
no stamp in the table writes one (`cache.add`); that is the only write a page view makes.

Per visitor, a page holds only its CSP nonce: it is rendered with a random marker in its place,
and each response gets its own nonce. A page is kept only when it was rendered for a request
without a session cookie and took nothing else from the visitor (no CSRF token, no message, no
cookie); signed-in staff and anyone with a session always get a page rendered for them.

Changes that bypass the models' signals (QuerySet.update(), bulk_create(), raw SQL) must call
`content_changed()` themselves; `migrate` (and a test's flush) gives a new stamp on its own.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, router
from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save
from django.http import HttpRequest, HttpResponse
from django.middleware.csp import get_nonce
from django.utils import timezone

from confide.practice.models import Article, Clinician, FaqItem, Modality, Page, Practice, Tag

logger = logging.getLogger(__name__)

STAMP_KEY = "confide.practice:content-stamp"
# Enough for every page of a practice's site on a couple of host names; ~20 KB each.
MEMO_SIZE = 200


@dataclass(frozen=True)
class KeptPage:
    """A rendered page split where its nonce goes, and until when it may be shown."""

    parts: tuple[str, ...]
    content_type: str
    # The next scheduled article's publication time: the page is stale from then on.
    until: dt.datetime | None

    def fresh(self, now: dt.datetime) -> bool:
        return self.until is None or now < self.until

    def response(self, request: HttpRequest) -> HttpResponse:
        body = self.parts[0] if len(self.parts) == 1 else _nonce(request).join(self.parts)
        return HttpResponse(body, content_type=self.content_type)


def _nonce(request: HttpRequest) -> str:
    """Return the request's CSP nonce; evaluating it also puts it in the CSP header."""
    # Not `nonce or ""`: a lazy nonce not yet evaluated is false.
    nonce = get_nonce(request)
    return "" if nonce is None else str(nonce)


class Memo:
    """A least-recently-used map of kept pages, bounded, safe to share between threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._pages: OrderedDict[tuple[str, str], KeptPage] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str]) -> KeptPage | None:
        with self._lock:
            page = self._pages.get(key)
            if page is not None:
                self._pages.move_to_end(key)
            return page

    def put(self, key: tuple[str, str], page: KeptPage) -> None:
        with self._lock:
            self._pages[key] = page
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)

    def __len__(self) -> int:
        return len(self._pages)


memo = Memo(MEMO_SIZE)


def content_changed() -> None:
    """Give the public content a new stamp, inside the caller's transaction.

    Raises RuntimeError if the stamp cannot be written, so the change itself is not saved
    with pages showing what it replaced.
    """
    token = secrets.token_hex(16)
    # The cache writes by SELECT then INSERT or UPDATE and quietly gives up when another
    # process inserted the key in between; read it back, and write again over that row.
    for _ in range(3):
        cache.set(STAMP_KEY, token, timeout=None)
        if cache.get(STAMP_KEY) == token:
            return
    raise RuntimeError("The public pages' stamp could not be written.")


def public_content_models() -> tuple[type[models.Model], ...]:
    """Return the models whose rows the public pages show (every model of this app)."""
    return (Practice, Clinician, Modality, Page, FaqItem, Tag, Article)


def _saved_or_deleted(sender: type[models.Model], **kwargs: object) -> None:
    content_changed()


def _related(sender: type[models.Model], action: str, **kwargs: object) -> None:
    if action in {"post_add", "post_remove", "post_clear"}:
        content_changed()


def _migrated(sender: object, using: str = DEFAULT_DB_ALIAS, **kwargs: object) -> None:
    if using != DEFAULT_DB_ALIAS:
        return
    try:
        content_changed()
    except DatabaseError:
        # Before the cache table exists there is no stamp, and no page kept under one.
        logger.warning("No stamp for the public pages after migrate: no cache table yet.")


def listen(app_config: object) -> None:
    """Give the content a new stamp on every save, delete and relation change of its rows."""
    for model in public_content_models():
        uid = f"confide.practice.page_cache.{model.__name__}"
        post_save.connect(_saved_or_deleted, sender=model, dispatch_uid=uid + ".saved")
        post_delete.connect(_saved_or_deleted, sender=model, dispatch_uid=uid + ".deleted")
    for through in (Clinician.modalities.through, Article.tags.through):
        uid = f"confide.practice.page_cache.{through.__name__}"
        m2m_changed.connect(_related, sender=through, dispatch_uid=uid)
    # Data migrations, and a test run's flush, change rows without saving models.
    post_migrate.connect(_migrated, sender=app_config, dispatch_uid="confide.practice.migrated")


def _stored_stamp() -> str | None:
    """Return the stamp as the cache table stores it, or None when it has no stamp.

    The stored text changes whenever the token does, so it keys the kept pages as well as the
    token would; reading it with one plain SELECT, undecoded, is half of cache.get()'s work on a
    request that does little else. Another cache backend is read through its API.
    """
    backend = caches["default"]
    if not isinstance(backend, DatabaseCache):
        value = backend.get(STAMP_KEY)
        return value if isinstance(value, str) else None
    db = connections[router.db_for_read(backend.cache_model_class)]
    quote = db.ops.quote_name
    table = quote(settings.CACHES["default"]["LOCATION"])
    with db.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('value')} FROM {table} WHERE {quote('cache_key')} = %s",  # noqa: S608
            [backend.make_key(STAMP_KEY)],
        )
        row = cursor.fetchone()
    return str(row[0]) if row else None


def current_stamp() -> str | None:
    """Return the content's stamp, writing one if there is none; None if that failed."""
    stamp = _stored_stamp()
    if stamp is None:
        # Whether this process's add or another's wins, the row read next is the stamp.
        cache.add(STAMP_KEY, secrets.token_hex(16), timeout=None)
        stamp = _stored_stamp()
    return stamp


def _next_publication(now: dt.datetime) -> dt.datetime | None:
    return (
        Article.objects.filter(status=Article.Status.PUBLISHED, published_at__gt=now)
        .order_by("published_at")
        .values_list("published_at", flat=True)
        .first()
    )


def _keepable(request: HttpRequest, response: HttpResponse) -> bool:
    """Return True if the response holds nothing of the visitor it was rendered for."""
    if response.status_code != 200 or response.streaming or response.cookies:
        return False
    if "CSRF_COOKIE_NEEDS_UPDATE" in request.META:
        return False  # the page holds a CSRF token
    messages = getattr(request, "_messages", None)
    if messages is not None and getattr(messages, "used", False):
        return False
    # A header the view set (Cache-Control, Vary, ...) would be lost from a kept copy.
    return set(response.headers) == {"Content-Type"}


def shared_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve a public page from the kept copy for the current content stamp, or render it.

    Only for views whose page depends on the content and the address alone (not on the query
    string, the visitor or the session).
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in {"GET", "HEAD"} or settings.SESSION_COOKIE_NAME in request.COOKIES:
            return view(request, *args, **kwargs)
        now = timezone.now()
        stamp = current_stamp()
        if stamp is None:
            return view(request, *args, **kwargs)
        key = (stamp, request.build_absolute_uri(request.path))
        kept = memo.get(key)
        if kept is not None and kept.fresh(now):
            return kept.response(request)
        # Read before rendering: an article that goes out while the page renders makes the
        # page stale early, never late.
        until = _next_publication(now)
        marker = secrets.token_urlsafe(24)
        nonce = get_nonce(request)
        request._csp_nonce = marker  # type: ignore[attr-defined]
        try:
            response = view(request, *args, **kwargs)
        finally:
            request._csp_nonce = nonce  # type: ignore[attr-defined]
        if response.streaming:
            return response
        body = response.content.decode(response.charset)
        kept = KeptPage(tuple(body.split(marker)), response["Content-Type"], until)
        if _keepable(request, response):
            memo.put(key, kept)
        if len(kept.parts) > 1:
            response.content = _nonce(request).join(kept.parts).encode(response.charset)
        return response

    return wrapper
