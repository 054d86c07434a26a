"""Writing to the AI ledger: one entry per model call, outcomes appended after it.

Only this module creates ledger rows; nothing changes or deletes them (see
``cimaise.ai.models.AppendOnlyModel``), except ``anonymise_user``.
"""

from django.db import transaction

from cimaise.ai.models import AIInteraction, AIOutcome

LOG_ACTION = "cimaise.ai.call"
OUTCOME_LOG_ACTION = "cimaise.ai.outcome"


def _user_label(user):
    if user is None or not getattr(user, "is_authenticated", False):
        return ""
    name = user.get_full_name() if hasattr(user, "get_full_name") else ""
    return f"{name} ({user.get_username()})" if name else user.get_username()


def record(call, choice, *, output, status, error, parameters, latency_ms, input_tokens=None, output_tokens=None,
           first_token_ms=None, model_version=""):
    """Create the ledger entry of one call (``call`` is a gateway.Call, ``choice`` a gateway.ModelChoice)."""
    from cimaise.institution.models import InstitutionProfile

    site = call.site
    institution = InstitutionProfile.for_site(site).name if site is not None else ""
    page = call.page
    interaction = AIInteraction(
        user=call.user if getattr(call.user, "is_authenticated", False) else None,
        user_label=_user_label(call.user),
        site=site,
        institution=institution,
        page_id=getattr(page, "pk", None),
        page_title=getattr(page, "title", "")[:255],
        revision_id=getattr(call.revision, "pk", call.revision if isinstance(call.revision, int) else None),
        field_name=call.field_name[:255],
        lab_session=call.lab_session,
        action=call.action,
        system_prompt=call.system,
        prompt=call.prompt,
        input_text=call.input_text,
        history=list(call.history),
        provider=choice.provider,
        model_id=choice.model_id,
        model_version=model_version or "",
        parameters={**parameters, "timeout_seconds": choice.timeout},
        output=output,
        status=status,
        error=error,
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        latency_ms=latency_ms,
        first_token_ms=first_token_ms,
        candidate=call.candidate,
    )
    with transaction.atomic():
        interaction.save()
        if page is not None and getattr(page, "pk", None):
            _audit_log(page, LOG_ACTION, call.user, {
                "interaction": str(interaction.pk), "action": call.action, "model": choice.model_id,
                "status": status, "field": call.field_name,
            })
    return interaction


def add_outcome(interaction, kind, *, user=None, page=None, revision=None, field_name="", text=""):
    """Append what the person did with an interaction's output."""
    outcome = AIOutcome(
        interaction=interaction, kind=kind, user=user if getattr(user, "is_authenticated", False) else None,
        page_id=getattr(page, "pk", None) or interaction.page_id,
        revision_id=getattr(revision, "pk", None),
        field_name=field_name or interaction.field_name, text=text,
    )
    with transaction.atomic():
        outcome.save()
        target = page or (interaction.page and interaction.page.specific)
        if target is not None:
            _audit_log(target, OUTCOME_LOG_ACTION, user, {"interaction": str(interaction.pk), "outcome": kind})
    return outcome


def anonymise_user(user):
    """GDPR erasure: the entries stay (they are facts about the content), the person goes."""
    AIInteraction.objects.filter(user=user)._anonymise(user=None, user_label="(anonymised)")
    AIOutcome.objects.filter(user=user)._anonymise(user=None)


def anonymise_deleted_user(sender, instance, **kwargs):
    anonymise_user(instance)


def _audit_log(page, action, user, data):
    from wagtail.log_actions import log

    log(instance=page.specific if hasattr(page, "specific") else page, action=action,
        user=user if getattr(user, "is_authenticated", False) else None, data=data)
