"""Terse spellings of the body blocks (``cimaise.pages.blocks.BodyBlock``).

Each helper returns a ``(block_type, value)`` pair. Images and pages are
named by key (``"fleuve-aube"``, ``"visit"``); the loader swaps in the objects.
"""


def h2(text):
    return ("heading", {"text": text, "level": "h2"})


def h3(text):
    return ("heading", {"text": text, "level": "h3"})


def p(html):
    """A rich-text paragraph block; ``html`` is one or more <p>, <ul> or <ol> elements."""
    return ("paragraph", html)


def img(image, alt_text, caption="", credit=""):
    return ("image", {"image": image, "alt_text": alt_text, "caption": caption, "credit": credit})


def quote(text, attribution=""):
    return ("quote", {"quote": text, "attribution": attribution})


def cta(title, button_label, text="", page=None, url=""):
    """A call to action towards a page (by key) or an external ``url``."""
    return ("call_to_action", {"title": title, "text": text, "button_label": button_label,
                               "page": page, "url": url})
