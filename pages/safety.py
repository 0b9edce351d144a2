"""Chapter: safety (text in data/text, figures in data/figures.csv, charts in datong.charts)."""

from datong.routing import ensure_routed

ensure_routed()  # must run first: see datong.routing

from datong import charts, ui  # noqa: E402

page = ui.page("safety")
ui.header(page)
ui.key_numbers(page)
ui.narrative(page)
for block in charts.chapter_charts(page.chapter.id, page.figures, page.texts):
    ui.chart_block(page, block)
ui.silent(page)
ui.previous_next(page)
