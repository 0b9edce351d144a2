"""Chapter: overview — the headline figures, and how to read the site."""

from datong.web.routing import ensure_routed

ensure_routed()  # must run first: see datong.web.routing

from datong.web import ui  # noqa: E402

page = ui.page("overview")
ui.header(page)
ui.key_numbers(page)
ui.narrative(page)
ui.charts_of(page, share=ui.count_or_share(page))
ui.what_if(page)
ui.silent(page)
ui.share_and_embed(page)
ui.previous_next(page)
