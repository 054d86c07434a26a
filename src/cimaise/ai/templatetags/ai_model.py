"""Which model the AI studio uses, for the settings page and the creative lab."""

from django import template

from cimaise.ai import gateway

register = template.Library()


@register.simple_tag
def ai_active_model(site):
    """The site's saved model choice (label and limits): ``{% ai_active_model site as model %}``."""
    return gateway.active_model(site)


@register.simple_tag(takes_context=True)
def ai_can_test_model(context):
    """True when the person may change (and so test) the AI model settings."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return bool(user and user.has_perm("ai.change_aimodelsettings"))
