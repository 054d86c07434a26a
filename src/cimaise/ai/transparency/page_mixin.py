"""What every page type of ours inherits from the AI transparency flow, whatever app defines it.

``AITransparentPageMixin`` goes before ``Page`` in a page model's bases
(``class ArticlePage(AITransparentPageMixin, Page)``): publishing and
scheduling meet the gate (DESIGN.md, invariant 3), copies and translations
carry the AI entries of their original, and the API can give the disclosure.
"""

from cimaise.ai.transparency import gate, public
from cimaise.ai.transparency import services as transparency


class AITransparentPageMixin:
    @property
    def ai_disclosure(self):
        """The public disclosure of AI use, as the API gives it (None: no live approved note)."""
        found = public.disclosure(self)
        return found.as_api() if found else None

    def copy(self, *args, keep_live=True, user=None, **kwargs):
        """Wagtail's copy (and so copy_for_translation). A copy of a page written with AI is a draft: its text
        needs its own approved methodology note before it goes live."""
        with_ai = transparency.has_ai_entries(self.pk)
        copy = super().copy(*args, keep_live=keep_live and not with_ai, user=user, **kwargs)
        transparency.link_copy_tree(self, copy, user)
        return copy

    def publish(self, revision, *args, **kwargs):
        """Wagtail's publish, scheduling included, behind the AI transparency gate."""
        gate.ensure_page_publishable(revision.as_object(), revision)
        return super().publish(revision, *args, **kwargs)
