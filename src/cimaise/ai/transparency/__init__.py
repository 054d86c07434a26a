"""AI transparency: the measured AI share, the methodology note, the publication gate, the disclosure.

- ``content``: the text of an item (a page, or any other text) and its fingerprint;
- ``facts``: what the ledger says about an item's AI use;
- ``drafting``: the note's wording, drafted by code from the facts (French and English);
- ``services``: every change: measure a revision, draft, edit, approve, second review, go live;
- ``gate``: may this text be published, scheduled or sent?

See docs/ai-transparency.md.
"""
