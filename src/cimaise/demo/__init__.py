"""The demo institution: the Musée des Beaux-Arts de Valmont, a fictional museum on the Loire.

``manage.py load_demo`` (run by ``./cimaise up`` on every start) loads it once:
the institution profile, French and English pages, generated artworks, two
venue screens and one staff account per role (password ``cimaise-demo``).
The texts live in ``content/``, the pictures are drawn by ``images``, and
``loader.load_demo`` creates everything in one transaction.
"""
