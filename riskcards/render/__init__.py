"""Rendering (layer: render): document views, Jinja2 HTML and Markdown, WeasyPrint PDF.

Only :mod:`.pdf` imports weasyprint, lazily.
"""
