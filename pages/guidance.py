"""Chapter: resumption guidance. The report gives no figures here, and the page says so."""

from datong.web.routing import ensure_routed

ensure_routed()  # must run first: see datong.web.routing

from datong.web import engage, ui  # noqa: E402

page = ui.page("guidance")
ui.header(page)
engage.listen(page)
ui.narrative(page)
ui.silent(page)
ui.share_and_embed(page)
ui.previous_next(page)
