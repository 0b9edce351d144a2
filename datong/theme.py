"""The site's one Altair theme, and the colours charts use by role.

Colours come from the Okabe–Ito palette (safe for the common colour-vision deficiencies),
each picked so a mark keeps at least 3:1 against the white background (WCAG 1.4.11); all
text is near-black (at least 4.5:1, WCAG 1.4.3). Colour never carries meaning alone: every
role also has a shape cue (filled / hollow / dashed / fading) and a direct text label.

Importing this module registers and enables the theme ``"datong"``.
"""

from __future__ import annotations

import altair as alt

BACKGROUND = "#FFFFFF"
TEXT = "#1F1F1F"
MUTED_TEXT = "#555555"  # subtitles, axis titles
DERIVED_TEXT = "#A6501A"  # a derived number set in type: vermillion darkened to 4.5:1
GRID = "#DDDDDD"  # decoration only, carries no data

# Roles (mark colours). Every one of these is checked against BACKGROUND for 3:1.
REPORTED = "#0072B2"  # Okabe–Ito blue: a figure printed in the report
NOT_RESUMED = "#767676"  # neutral grey: firms not (yet) back at work, drawn hollow
REMAINDER = NOT_RESUMED  # the rest of a 100% bar
DERIVED = "#D55E00"  # Okabe–Ito vermillion: computed by us from reported figures, drawn dashed
LOWER_BOUND = "#009E73"  # Okabe–Ito bluish green: "more than N", drawn with a fading open end
HYPOTHETICAL = "#CC79A7"  # Okabe–Ito reddish purple: the what-if explorer's imagined firms, dotted

# Fills that sit inside a 3:1 outline of their role colour (decoration, not the boundary).
DERIVED_TINT = "#FBDCC8"
REMAINDER_TINT = "#EEEEEE"
HYPOTHETICAL_TINT = "#F7E4EF"

MARK_COLOURS = {
    "reported": REPORTED,
    "not_resumed": NOT_RESUMED,
    "derived": DERIVED,
    "lower_bound": LOWER_BOUND,
    "hypothetical": HYPOTHETICAL,
}
TEXT_COLOURS = {"text": TEXT, "muted_text": MUTED_TEXT, "derived_text": DERIVED_TEXT, "reported_text": REPORTED}

# Stroke dashes: a second, non-colour cue for each kind of number.
DASH_DERIVED = [6, 3]
DASH_LOWER_BOUND = [2, 2]
DASH_HYPOTHETICAL = [2, 3]
# On a unit square (about 14 px a side, 2 px apart) a long dash ran into the neighbours' and
# read as a lattice; a short one keeps each derived square whole, so the firms can be counted.
# Long dash, short gap: unlike the hypothetical squares' dots (short dash, long gap).
DASH_UNIT = [4, 2]

FONT = '"Noto Sans CJK SC", "WenQuanYi Micro Hei", "PingFang SC", "Microsoft YaHei", sans-serif'
# English charts: Latin fonts first, so “quotes” and punctuation are not drawn one em wide by a
# CJK font; Chinese names in English text still fall back to the CJK fonts after them.
FONT_LATIN_FIRST = '"Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans", ' + FONT


def font_for(lang: str) -> str:
    """The chart font stack for a language. Each chart sets it (``charts._finish``) over the
    theme's ``font``, which stays the CJK-first default for anything drawn outside a chart."""
    return FONT_LATIN_FIRST if lang == "en" else FONT
FONT_SIZE = 12
LABEL_SIZE = 13
TITLE_SIZE = 16


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2 relative luminance of ``#RRGGBB`` (0 for black, 1 for white)."""
    text = hex_colour.lstrip("#")
    if len(text) == 3:
        text = "".join(c * 2 for c in text)
    if len(text) != 6:
        raise ValueError(f"{hex_colour!r} is not a #RRGGBB colour")
    channels = [int(text[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(a: str, b: str) -> float:
    """WCAG 2 contrast ratio between two colours, from 1 (same) to 21 (black on white)."""
    high, low = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@alt.theme.register("datong", enable=True)
def datong_theme() -> alt.theme.ThemeConfig:
    return {
        "config": {
            "background": BACKGROUND,
            "font": FONT,
            "padding": 6,
            "view": {"stroke": None, "continuousWidth": 300, "continuousHeight": 200},
            "title": {
                "color": TEXT, "subtitleColor": MUTED_TEXT, "fontSize": TITLE_SIZE, "subtitleFontSize": FONT_SIZE,
                "fontWeight": "bold", "anchor": "start", "offset": 10, "lineHeight": 20,
            },
            "axis": {
                "labelColor": TEXT, "titleColor": MUTED_TEXT, "labelFontSize": FONT_SIZE, "titleFontSize": FONT_SIZE,
                "titleFontWeight": "normal", "domainColor": MUTED_TEXT, "tickColor": MUTED_TEXT,
                "gridColor": GRID,
            },
            "header": {"labelColor": TEXT, "titleColor": TEXT, "labelFontSize": LABEL_SIZE},
            "legend": {"labelColor": TEXT, "titleColor": TEXT, "labelFontSize": FONT_SIZE, "titleFontSize": FONT_SIZE},
            # Marks stay out of the accessibility tree: their default labels list helper fields
            # ("zero: 0; order: 0 …") and a unit chart would read 323 squares one by one. Each
            # chart's description is its accessible name, and the Data tab lists the figures.
            "mark": {"aria": False},
            "text": {"color": TEXT, "fontSize": LABEL_SIZE},
            "bar": {"color": REPORTED},
            "rect": {"color": REPORTED},
            "square": {"color": REPORTED},
            "point": {"color": REPORTED},
            "range": {"category": [REPORTED, DERIVED, LOWER_BOUND, HYPOTHETICAL, NOT_RESUMED]},
            "concat": {"spacing": 24},
        }
    }  # fmt: skip
