"""Long lists of the office, a page at a time, with links that keep the rest of the address."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest

# Enough to scan at a glance; a busy practice's ten years still fit in a few dozen pages.
PER_PAGE = 50


@dataclass(frozen=True)
class Paged:
    """One page of a list, and the addresses of the pages before and after it (or "")."""

    page: Page[Any]
    previous_url: str
    next_url: str

    @property
    def items(self) -> list[Any]:
        return list(self.page.object_list)


def page_of(
    request: HttpRequest,
    items: Any,
    *,
    parameter: str = "page",
    per_page: int = PER_PAGE,
    fragment: str = "",
) -> Paged:
    """Return the page of ``items`` the request asks for in ``parameter``.

    A page number that is not a number reads as the first page and one past the end as the last,
    so an old link or a list that has shrunk never ends in an error. The links keep every other
    parameter (the tab, the search, another list's page) and land on ``fragment`` when given.
    """
    page = Paginator(items, per_page).get_page(request.GET.get(parameter))

    def url(number: int) -> str:
        query = request.GET.copy()
        query[parameter] = str(number)
        return "?" + query.urlencode() + (f"#{fragment}" if fragment else "")

    return Paged(
        page=page,
        previous_url=url(page.previous_page_number()) if page.has_previous() else "",
        next_url=url(page.next_page_number()) if page.has_next() else "",
    )
