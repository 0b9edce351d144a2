"""Chapter: overview — guess first, then the finding and its chart, then the text, the counts by size, the rates, the what-if."""

from datong.web.routing import ensure_routed

ensure_routed()  # must run first: see datong.web.routing

from datong.web import engage, ui  # noqa: E402

page = ui.page("overview")
ui.header(page)
engage.listen(page)
ui.visual_key(page)
engage.guess(page)
if engage.guess_answered(page.chapter.id, page.lang):  # the answer waits for the reader's guess
    ui.chart(page, engage.HEADLINE_CHART, finding=ui.park_finding(page))  # the finding, in large type
ui.narrative(page)
ui.charts_of(page, skip=(engage.HEADLINE_CHART,))
ui.what_if(page)
ui.silent(page)
ui.share_and_embed(page)
ui.previous_next(page)
