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


def stamp_renew(key: str = STAMP_KEY) -> None:
    """Give the stamp under ``key`` a new random value (inside the caller's transaction, if any).

    Raises RuntimeError if the stamp cannot be written, so no page is kept showing what the
    change replaced.
    """
    token = secrets.token_hex(16)
    # The cache writes by SELECT then INSERT or UPDATE and quietly gives up when another
    # process inserted the key in between; read it back, and write again over that row.
    for _ in range(3):
        cache.set(key, token, timeout=None)
        if cache.get(key) == token:
            return
    raise RuntimeError("A kept pages' stamp could not be written.")


def content_changed() -> None:
    """Give the public content a new stamp, inside the caller's transaction."""
    stamp_renew(STAMP_KEY)


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


def _stored_stamps(keys: tuple[str, ...]) -> dict[str, str]:
    """Return the stamps as the cache table stores them, by key; a key with none is left out.

    The stored text changes whenever the token does, so it keys the kept pages as well as the
    token would; reading it with one plain SELECT, undecoded, is half of cache.get()'s work on a
    request that does little else. Another cache backend is read through its API.
    """
    backend = caches["default"]
    if not isinstance(backend, DatabaseCache):
        values = {key: backend.get(key) for key in keys}
        return {key: value for key, value in values.items() if isinstance(value, str)}
    db = connections[router.db_for_read(backend.cache_model_class)]
    quote = db.ops.quote_name
    table = quote(settings.CACHES["default"]["LOCATION"])
    made = {backend.make_key(key): key for key in keys}
    marks = ", ".join(["%s"] * len(made))
    with db.cursor() as cursor:
        cursor.execute(
            f"SELECT {quote('cache_key')}, {quote('value')} FROM {table} "  # noqa: S608
            f"WHERE {quote('cache_key')} IN ({marks})",
            list(made),
        )
        rows = cursor.fetchall()
    return {made[str(cache_key)]: str(value) for cache_key, value in rows}


def current_stamps(keys: tuple[str, ...] = (STAMP_KEY,)) -> tuple[str, ...] | None:
    """Return the stamps under ``keys``, writing any that is missing; None if that failed."""
    stamps = _stored_stamps(keys)
    missing = [key for key in keys if key not in stamps]
    if missing:
        # Whether this process's add or another's wins, the row read next is the stamp.
        for key in missing:
            cache.add(key, secrets.token_hex(16), timeout=None)
        stamps = _stored_stamps(keys)
    if any(key not in stamps for key in keys):
        return None
    return tuple(stamps[key] for key in keys)


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


View = Callable[..., HttpResponse]


def kept_pages(
    *, query: bool = False, also: tuple[str, ...] = (), articles: bool = True
) -> Callable[[View], View]:
    """Serve a public page from the copy kept for the current stamps, or render and keep it.

    The page may depend on the public content, its address, and with ``query`` its query
    string; ``also`` names further stamps it depends on (scheduling's for open times). A page
    that lists no articles says ``articles=False`` and is not renewed when one is published. A
    view whose page goes stale with time on its own sets ``request.kept_until``.
    """
    keys = (STAMP_KEY, *also)

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if (
                request.method not in {"GET", "HEAD"}
                or settings.SESSION_COOKIE_NAME in request.COOKIES
            ):
                return view(request, *args, **kwargs)
            now = timezone.now()
            stamps = current_stamps(keys)
            if stamps is None:
                return view(request, *args, **kwargs)
            address = request.get_full_path() if query else request.path
            key = ("/".join(stamps), request.build_absolute_uri(address))
            kept = memo.get(key)
            if kept is not None and kept.fresh(now):
                return kept.response(request)
            # Read before rendering: an article that goes out while the page renders makes
            # the page stale early, never late.
            until = _next_publication(now) if articles else None
            marker = secrets.token_urlsafe(24)
            nonce = get_nonce(request)
            request._csp_nonce = marker  # type: ignore[attr-defined]
            try:
                response = view(request, *args, **kwargs)
            finally:
                request._csp_nonce = nonce  # type: ignore[attr-defined]
            if response.streaming:
                return response
            own: dt.datetime | None = getattr(request, "kept_until", None)
            if own is not None:
                until = own if until is None else min(until, own)
            body = response.content.decode(response.charset)
            kept = KeptPage(tuple(body.split(marker)), response["Content-Type"], until)
            if _keepable(request, response):
                memo.put(key, kept)
            if len(kept.parts) > 1:
                response.content = _nonce(request).join(kept.parts).encode(response.charset)
            return response

        return wrapper

    return decorator


shared_page = kept_pages()
"""For views whose page depends on the content and the address alone (not on the query
string, the visitor or the session)."""
