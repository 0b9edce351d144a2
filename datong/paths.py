"""Where the project's files live, from this file's location, never the working directory."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
SOURCE = DATA / "source"
RAW_REPORT = SOURCE / "datong-report.raw.txt"
SOURCE_META = SOURCE / "datong-report.meta.json"
CORRECTIONS = DATA / "corrections.csv"  # ours, not received: it lives beside the articles it yields
ARTICLE_HANT = DATA / "article.zh-Hant.txt"  # the Traditional reading text: OpenCC s2tw of the Simplified one
ARTICLE_HANT_AS_RECEIVED = DATA / "article.zh-Hant.as-received.txt"  # the mirror's Traditional text, repaired
REPAIR_REPORT = DATA / "repair-report.json"  # what the repair did, written by python -m datong.pipeline
ARTICLE_HANS = DATA / "article.zh-Hans.txt"
ARTICLE_EN = DATA / "article.en.txt"
FIGURES = DATA / "figures.csv"
TEXT = DATA / "text"
SITE_CSS = ROOT / "datong" / "web" / "site.css"
