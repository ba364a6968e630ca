"""What a dashboard page is built from, read once per request and passed along.

A page and each chart's CSV download share one builder. A download names its chart, and the
builder then makes that chart only: the same function, from the same reads, as the page's,
so the CSV is the table the page shows. Nothing here outlives its request.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property

from sqlalchemy.orm import Session

from dashboards.catalog import Catalog
from survey.dashboards import queries
from survey.dashboards.queries import RoundInfo
from survey.dashboards.schemas import Filters
from survey.models import Project


@dataclass(frozen=True)
class PageRequest:
    session: Session
    project: Project
    filters: Filters
    rounds: list[RoundInfo]  #: the project's rounds, read once for the filters and the page
    #: The one chart a CSV download asks for (`?chart=KEY&format=csv`); None: the whole page.
    chart: str | None = None

    @property
    def is_download(self) -> bool:
        return self.chart is not None

    def wants(self, key: str) -> bool:
        """Whether this request builds the chart of `key`."""
        return self.chart is None or self.chart == key

    def constructs(self, order: Sequence[str], *keys: Callable[[str], str]) -> list[str]:
        """The constructs of `order` with a chart (named by one of `keys`) this request builds."""
        return [c for c in order if any(self.wants(key(c)) for key in keys)]

    def construct_to_read(self, wanted: Sequence[str]) -> str | None:
        """The one construct whose results a download needs, else the filters' (all: None).

        A filter on another construct than the download's reads nothing of it, as its page
        would show no such chart."""
        chosen = self.filters.construct
        if self.is_download and len(wanted) == 1 and chosen in (None, wanted[0]):
            return wanted[0]
        return chosen

    @cached_property
    def catalog(self) -> Catalog:
        """Construct and item names of the project's instruments, read when first needed."""
        return queries.project_catalog(self.session, self.project.id)

    @cached_property
    def chosen_rounds(self) -> list[str]:
        return self.filters.round_labels({r.id: r.label for r in self.rounds})
