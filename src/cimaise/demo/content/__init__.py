"""The demo institution's content: data written in French and English, not code.

Each module holds one kind of content; the loader (``cimaise.demo.loader``)
turns it into pages, images, screens and accounts.

- ``dates``: the dates the texts mention, computed from the day of loading
  so that the demo always looks current;
- ``blocks``: small helpers that spell StreamField blocks tersely;
- ``institution``: the institution profile (identity, contact, AI policy);
- ``accounts``: one staff account per role;
- ``pages``: the home page and the standing pages (exhibition, webinar, visit, ...);
- ``articles``: the news items;
- ``screens``: what the screens in the venue show.

Pages, images and CTA targets refer to each other by short keys
(``"exhibition"``, ``"fleuve-aube"``); the loader resolves them.
"""
