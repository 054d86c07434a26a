"""The transparency flow's entries in a page's history (Wagtail's log actions)."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter

from cimaise.ai.transparency import services

PUBLICATION_BLOCKED = "cimaise.ai.publication_blocked"


@hooks.register("register_log_actions")
def register_transparency_log_actions(actions):
    actions.register_action(services.NOTE_APPROVED, _("AI methodology note approved"),
                            _("AI methodology note approved"))
    actions.register_action(services.NOTE_SECOND_REVIEW, _("AI methodology note confirmed by a second reviewer"),
                            _("AI methodology note confirmed by a second reviewer"))

    @actions.register_action(PUBLICATION_BLOCKED)
    class PublicationBlockedFormatter(LogFormatter):
        label = _("Publication refused: AI methodology note not approved")

        def format_message(self, log_entry):
            return (log_entry.data or {}).get("reason") or str(self.label)
