"""Chapter: source and method — the report in full, what was repaired, every figure, downloads."""

from datong.web.routing import ensure_routed

ensure_routed()  # must run first: see datong.web.routing

from datong.web import engage, ui  # noqa: E402

page = ui.page("source")
ui.header(page)
engage.listen(page)
ui.narrative(page)
ui.full_article(page)
engage.side_by_side(page)
ui.repairs(page)
ui.all_figures(page)
ui.silent(page)
ui.citation(page)
ui.downloads(page)
ui.share_and_embed(page)
ui.previous_next(page)
