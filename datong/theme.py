"""The site's one Altair theme, and the colours charts use by role.

One colour story, site-wide: three mark colours, each with one meaning. Blue is a number
printed in the report (a lower bound too: its cue is the open, fading end and the "+"); orange
is our own arithmetic (derived figures, and the what-if's imagined firms, drawn dotted); grey
is firms not back at work. The interface (tabs, slider, language control) is neutral, so blue
means nothing else. Colours come from the Okabe–Ito palette (safe for the common
colour-vision deficiencies), each keeping at least 3:1 against the white background (WCAG
1.4.11); all text is at least 4.5:1 (WCAG 1.4.3). Colour never carries meaning alone: every
role also has a shape cue (filled / hollow / dashed / dotted / fading) and a direct label.

Importing this module registers and enables the theme ``"datong"``.
"""

from __future__ import annotations

import altair as alt

BACKGROUND = "#FFFFFF"
TEXT = "#1F1F1F"
MUTED_TEXT = "#555555"  # notes, axis titles
DERIVED_TEXT = "#A6501A"  # a derived number set in type: vermillion darkened to 4.5:1
GRID = "#DDDDDD"  # decoration only, carries no data

# The three mark colours. Every one is checked against BACKGROUND for 3:1.
REPORTED = "#0072B2"  # Okabe–Ito blue: printed in the report
DERIVED = "#D55E00"  # Okabe–Ito vermillion: computed by us from reported figures
NOT_RESUMED = "#767676"  # neutral grey: firms not (yet) back at work, drawn hollow

# Roles that share a colour with the meaning they belong to; the shape tells them apart.
LOWER_BOUND = REPORTED  # "more than N" is printed too: a fading, dotted open end and "N+"
HYPOTHETICAL = DERIVED  # the what-if's imagined firms are our arithmetic: dotted, on a light tint
REMAINDER = NOT_RESUMED  # the rest of a 100% bar: firms not back at work

# Fills that sit inside a 3:1 outline of their role colour (decoration, not the boundary).
DERIVED_TINT = "#FBDCC8"
REMAINDER_TINT = "#EEEEEE"
HYPOTHETICAL_TINT = "#FDF1E9"

MARK_COLOURS = {"reported": REPORTED, "derived": DERIVED, "not_resumed": NOT_RESUMED}
MEANINGS = {REPORTED: "printed in the report", DERIVED: "our arithmetic", NOT_RESUMED: "not back at work"}
TEXT_COLOURS = {"text": TEXT, "muted_text": MUTED_TEXT, "derived_text": DERIVED_TEXT, "reported_text": REPORTED}

# Stroke dashes: a second, non-colour cue for each kind of number.
DASH_DERIVED = [6, 3]
DASH_LOWER_BOUND = [2, 2]
DASH_HYPOTHETICAL = [2, 3]
# On a unit square a long dash ran into the neighbours' and read as a lattice; a short one
# keeps each derived square whole, so the firms can be counted. Long dash, short gap: unlike
# the hypothetical squares' dots (short dash, long gap).
DASH_UNIT = [4, 2]

# Chinese charts: CJK fonts first, in the reader's script (a Traditional font for zh-Hant).
FONT = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", "WenQuanYi Micro Hei", sans-serif'
FONT_TRADITIONAL = (
    '"Noto Sans CJK TC", "Source Han Sans TC", "PingFang TC", "Microsoft JhengHei", "WenQuanYi Micro Hei", sans-serif'
)
# English charts: the page's body font first (Streamlit serves Source Sans itself), then Latin
# fonts, so “quotes” are not drawn one em wide by a CJK font; Chinese names fall back after them.
FONT_LATIN_FIRST = '"Source Sans", "Source Sans 3", "Helvetica Neue", Arial, "Liberation Sans", ' + FONT
FONTS = {"en": FONT_LATIN_FIRST, "zh-Hans": FONT, "zh-Hant": FONT_TRADITIONAL}


def font_for(lang: str) -> str:
    """The chart font stack for a language. Each chart sets it (``charts._finish``) over the
    theme's ``font``, which stays the Simplified default for anything drawn outside a chart."""
    return FONTS.get(lang, FONT)


# Chart text is never under 13 px (the page's body is 16 px).
FONT_SIZE = 13
LABEL_SIZE = 14
TITLE_SIZE = 17


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
            "range": {"category": [REPORTED, DERIVED, NOT_RESUMED]},
            "concat": {"spacing": 24},
        }
    }  # fmt: skip
