"""The offline pipeline: the garbled source as received -> the repaired articles in data/. Serving never imports it."""
