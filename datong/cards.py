"""Link-preview cards: a 1200×630 PNG of a chapter's key chart in one language, with its title.

What a chat app or a social network shows when a reader shares a chapter (``og:image``). The
chart is drawn by the same vl-convert path as the downloads (:mod:`datong.export`, CJK font
registered); the title and site name are drawn with Pillow in the same CJK font. Chapters
without a chart of their own (guidance, source) show the overview's headline chart, so every
card carries the story's main finding. Built on first request, once per process and language
(:func:`datong.web.site_data.preview_card`), so the export engine is not loaded at start.
"""

from __future__ import annotations

import io

from datong import charts
from datong.figures import Figures
from datong.i18n import Texts, plain_text

SIZE = (1200, 630)
MARGIN = 48
TEXT_COLOUR = (26, 26, 26)
MUTED_COLOUR = (85, 85, 85)
RULE_COLOUR = (11, 92, 173)


def card_chart(chapter: str, figures: Figures, texts: Texts):
    """The chart a chapter's card shows: its first, else the overview's first."""
    blocks = charts.chapter_charts(chapter, figures, texts) or charts.chapter_charts("overview", figures, texts)
    return blocks[0].chart


def _font(size: int):
    from PIL import ImageFont

    from datong import export

    directory = export.cjk_font_directory()
    for name in export.CJK_FONT_FILES:
        if directory is not None and (directory / name).is_file():
            return ImageFont.truetype(str(directory / name), size)
    return ImageFont.load_default(size)


def _wrapped(draw, text: str, font, width: int) -> list[str]:
    """Lines no wider than ``width``; breaks between words, or anywhere in Chinese."""
    lines, line = [], ""
    for token in charts._tokens(text):
        trial = line + token
        if line and draw.textlength(trial, font=font) > width:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line = trial
    return [*lines, line.rstrip()] if line else lines


def card_png(chapter: str, figures: Figures, texts: Texts) -> bytes:
    """The card as PNG bytes, exactly :data:`SIZE`."""
    from PIL import Image, ImageDraw

    from datong import export

    canvas = Image.new("RGB", SIZE, "white")
    draw = ImageDraw.Draw(canvas)
    draw.rectangle((0, 0, SIZE[0], 10), fill=RULE_COLOUR)
    text_width = 470
    site_font, title_font = _font(30), _font(50)
    draw.text((MARGIN, MARGIN), texts("site.title"), font=site_font, fill=MUTED_COLOUR)
    y = MARGIN + 64
    for line in _wrapped(draw, texts(f"chapters.{chapter}.title"), title_font, text_width)[:5]:
        draw.text((MARGIN, y), line, font=title_font, fill=TEXT_COLOUR)
        y += 66
    lede_font = _font(26)
    y += 18
    for line in _wrapped(draw, plain_text(texts(f"chapters.{chapter}.lede")), lede_font, text_width)[:7]:
        draw.text((MARGIN, y), line, font=lede_font, fill=MUTED_COLOUR)
        y += 38
    chart = Image.open(io.BytesIO(export.chart_png(card_chart(chapter, figures, texts), scale=2))).convert("RGB")
    room = (SIZE[0] - text_width - 3 * MARGIN, SIZE[1] - 2 * MARGIN - 10)
    chart.thumbnail(room)
    canvas.paste(chart, (SIZE[0] - MARGIN - chart.width, 10 + MARGIN + (room[1] - chart.height) // 2))
    out = io.BytesIO()
    canvas.save(out, format="PNG", optimize=True)
    return out.getvalue()
