"""Long lists of the office, a page at a time, with links that keep the rest of the address."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest

# Enough to scan at a glance; a busy practice's ten years still fit in a few dozen pages.
PER_PAGE = 50


@dataclass(frozen=True)
class Paged:
    """One page of a list, and the addresses of the pages before and after it (or "").

    ``pages`` is how many there are, or None for a list not counted (see ``page_of``).
    """

    items: list[Any]
    number: int
    pages: int | None
    previous_url: str
    next_url: str


def page_of(
    request: HttpRequest,
    items: Any,
    *,
    parameter: str = "page",
    per_page: int = PER_PAGE,
    fragment: str = "",
    counted: bool = True,
) -> Paged:
    """Return the page of ``items`` the request asks for in ``parameter``.

    A page number that is not a number reads as the first page and one past the end as the last,
    so an old link or a list that has shrunk never ends in an error. The links keep every other
    parameter (the tab, the search, another list's page) and land on ``fragment`` when given.
    ``counted=False`` is for a list too long to count on every visit (the practice's audit
    log): a page then says its number but not how many there are.
    """

    def url(number: int) -> str:
        query = request.GET.copy()
        query[parameter] = str(number)
        return "?" + query.urlencode() + (f"#{fragment}" if fragment else "")

    if not counted:
        return _page_uncounted(request.GET.get(parameter), items, per_page=per_page, url=url)
    page = Paginator(items, per_page).get_page(request.GET.get(parameter))
    return Paged(
        items=list(page.object_list),
        number=page.number,
        pages=page.paginator.num_pages,
        previous_url=url(page.previous_page_number()) if page.has_previous() else "",
        next_url=url(page.next_page_number()) if page.has_next() else "",
    )


def _page_uncounted(asked: str | None, items: Any, *, per_page: int, url: Any) -> Paged:
    """Return a page read with one row more than it shows, which says whether another follows."""
    try:
        number = max(1, int(asked or 1))
    except ValueError:
        number = 1
    start = (number - 1) * per_page
    rows = list(items[start : start + per_page + 1])
    if not rows and number > 1:
        # Past the end (the list shrank, or an old link): the first page, as a counted list
        # would give its last.
        number, rows = 1, list(items[: per_page + 1])
    return Paged(
        items=rows[:per_page],
        number=number,
        pages=None,
        previous_url=url(number - 1) if number > 1 else "",
        next_url=url(number + 1) if len(rows) > per_page else "",
    )
