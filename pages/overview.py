"""Chapter: overview — guess first; once answered, the finding and its chart, the text, the counts by size, the rates, the what-if."""

from datong.web.routing import ensure_routed

ensure_routed()  # must run first: see datong.web.routing

from datong.web import engage, ui  # noqa: E402

page = ui.page("overview")
ui.header(page)
engage.listen(page)
ui.visual_key(page)
engage.guess(page)
if engage.guess_answered(page.chapter.id, page.lang):  # every block that gives the answer waits for it
    ui.chart(page, engage.HEADLINE_CHART, finding=ui.park_finding(page))  # the finding, in large type
    ui.narrative(page)
    ui.charts_of(page, skip=(engage.HEADLINE_CHART,))
    ui.what_if(page)
ui.silent(page)
ui.share_and_embed(page)
ui.previous_next(page)
