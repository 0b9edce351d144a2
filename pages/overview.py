"""Chapter: overview — the finding and its chart first, then the text, the counts by size, the rates, the what-if."""

from datong.web.routing import ensure_routed

ensure_routed()  # must run first: see datong.web.routing

from datong.web import engage, ui  # noqa: E402

page = ui.page("overview")
ui.header(page)
engage.listen(page)
ui.visual_key(page)
engage.guess(page)
ui.chart(page, "overview_parks", finding=ui.park_finding(page))  # the finding first, in large type
ui.narrative(page)
ui.charts_of(page, skip=("overview_parks",))
ui.what_if(page)
ui.silent(page)
ui.share_and_embed(page)
ui.previous_next(page)
