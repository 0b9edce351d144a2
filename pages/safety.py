"""Chapter: safety (text in data/text, figures in data/figures.csv, charts in datong.charts)."""

from datong.web.routing import ensure_routed

ensure_routed()  # must run first: see datong.web.routing

from datong.web import engage, ui  # noqa: E402

page = ui.page("safety")
ui.header(page)
engage.listen(page)
ui.narrative(page)
ui.visual_key(page)
ui.charts_of(page)
ui.silent(page)
ui.share_and_embed(page)
ui.previous_next(page)
