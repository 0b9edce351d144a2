"""The chapters of the story, in reading order: one registry that routing, pages and tests share."""

from __future__ import annotations

from dataclasses import dataclass

from datong import paths


@dataclass(frozen=True)
class Chapter:
    id: str  # stable ASCII id: text keys, figure chapters, URL path
    section: str  # "story" or "about"
    key_figures: tuple[str, ...]  # figure ids shown as cards at the top

    @property
    def url_path(self) -> str:
        return self.id

    @property
    def script(self) -> str:
        return str(paths.ROOT / "pages" / f"{self.id}.py")


CHAPTERS = (
    Chapter("overview", "story", ("park_firms_resumed", "park_resumption_rate", "above_scale_resumed", "above_scale_resumption_rate")),
    Chapter("officials", "story", ("officials_posted", "problems_solved")),
    Chapter("guidance", "story", ()),
    Chapter("departments", "story", ("firms_helped_staff_return", "firms_helped_transport_permits", "firms_online_hiring_fair", "jobs_collected", "firms_loan_survey")),
    Chapter("safety", "story", ("inspection_rounds", "firms_inspected", "problems_found_fixed")),
    Chapter("firms", "story", ("buruiji_q1_sales", "lesen_guitar_sets_exported", "lesen_staff_back", "fuhua_staff_back")),
    Chapter("source", "about", ()),
)
BY_ID = {chapter.id: chapter for chapter in CHAPTERS}
DEFAULT = CHAPTERS[0]


def neighbours(chapter_id: str) -> tuple[Chapter | None, Chapter | None]:
    """The chapters before and after, for previous/next links."""
    index = [c.id for c in CHAPTERS].index(chapter_id)
    before = CHAPTERS[index - 1] if index > 0 else None
    after = CHAPTERS[index + 1] if index + 1 < len(CHAPTERS) else None
    return before, after
