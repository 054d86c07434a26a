"""Fixtures of the AI studio's tests: the fake model (see fake_model.py) as the site's model."""

import pytest

from . import fake_model
from .model_settings import configure


@pytest.fixture
def fake_llm(site_pages):
    """Plug ``cimaise-fake`` into llm and make it the site's model (provider "llm"); yields the site."""
    fake_model.register()
    fake_model.CALLS.clear()
    site = site_pages["site"]
    configure(site, provider="llm", model_id=fake_model.MODEL_ID, api_base="", api_key_env="", temperature=0.5,
              max_output_tokens=50, timeout_seconds=60)
    yield site
    fake_model.CALLS.clear()


def _member(django_user_model, username, role, **names):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(username=username, password="not-used-1234", **names)
    user.groups.add(Group.objects.get(name=role))
    return django_user_model.objects.get(pk=user.pk)  # fresh: no permission cache


@pytest.fixture
def staff(db, django_user_model):
    """One member of the roles that matter to the AI history."""
    from cimaise.institution import roles

    return {
        "content": _member(django_user_model, "claire", roles.CONTENT_MANAGER, first_name="Claire",
                           last_name="Martin"),
        "community": _member(django_user_model, "marc", roles.COMMUNITY_MANAGER, first_name="Marc",
                             last_name="Petit"),
        "box_office": _member(django_user_model, "accueil", roles.BOX_OFFICE),
    }


@pytest.fixture
def record_entry(site_pages):
    """Write a ledger entry the way the gateway does (``ledger.record``), without calling a model.

    ``at`` sets the moment it is recorded (the ledger stamps entries itself).
    """
    import contextlib
    from unittest import mock

    from cimaise.ai import gateway, ledger

    def record(*, action="shorten", prompt="Raccourcis.", user=None, page=None, revision=None, at=None,
               provider="llm", model_id="cimaise-fake", status="ok", output="Un texte.", error="", **call_values):
        call = gateway.Call(action=action, prompt=prompt, user=user, site=site_pages["site"], page=page,
                            revision=revision, **call_values)
        choice = gateway.ModelChoice(provider=provider, model_id=model_id, label=model_id, max_tokens=50,
                                     temperature=0.7, timeout=60)
        with mock.patch("django.utils.timezone.now", return_value=at) if at else contextlib.nullcontext():
            return ledger.record(call, choice, output=output, status=status, error=error,
                                 parameters={"temperature": 0.7, "max_tokens": 50}, latency_ms=420,
                                 input_tokens=12, output_tokens=30, first_token_ms=80)

    return record


@pytest.fixture
def entries(site_pages, staff, record_entry):
    """Four entries: two on the article (two revisions), one on the about page, one in the creative lab."""
    import datetime

    from django.utils import timezone

    from cimaise.ai import ledger

    article, about = site_pages["article"], site_pages["about"]
    first_revision = article.latest_revision
    second_revision = article.save_revision(user=staff["content"])
    now = timezone.now()
    shortened = record_entry(
        action="shorten", prompt="Raccourcis ce chapeau.", system="Tu écris pour un musée.",
        input_text="Six mois d'atelier pour retrouver les couleurs d'origine.",
        history=[{"role": "user", "content": "Bonjour"}, {"role": "assistant", "content": "Bonjour !"}],
        output="Six mois pour retrouver les couleurs.", user=staff["content"], page=article,
        revision=first_revision, field_name="intro", at=now - datetime.timedelta(days=10))
    ledger.add_outcome(shortened, "inserted", user=staff["content"], page=article, field_name="intro",
                       text="Six mois pour retrouver les couleurs.")
    ledger.add_outcome(shortened, "edited", user=staff["content"], page=article, field_name="intro",
                       text="Six mois d'atelier pour retrouver les couleurs.")
    translated = record_entry(
        action="translate", prompt="Translate into English.", user=staff["community"], page=about,
        provider="openai", model_id="gpt-4o-mini", status="failed", output="",
        error="RuntimeError: HTTP 500 from the provider", at=now - datetime.timedelta(days=3))
    titles = record_entry(
        action="titles", prompt="Propose trois titres.", user=staff["content"], page=article,
        revision=second_revision, provider="embedded", model_id="cimaise-embedded", status="cancelled",
        output="1. La restau", field_name="title", at=now - datetime.timedelta(days=1))
    brainstorm = record_entry(
        action="brainstorm", prompt="Des idées pour la nuit des musées.", user=staff["community"],
        status="empty", output="", error="the model returned no text", at=now)
    return {"shortened": shortened, "translated": translated, "titles": titles, "brainstorm": brainstorm,
            "first_revision": first_revision, "second_revision": second_revision}


AI_PARAGRAPH = ("Pendant six mois, les restaurateurs du musée ont retiré les vernis jaunis qui voilaient le grand "
                "retable, puis ils ont consolidé les panneaux de chêne fendus et retrouvé les bleus de lapis-lazuli "
                "que personne n'avait vus depuis le dix-neuvième siècle.")


@pytest.fixture
def ai_article(site_pages, staff, record_entry):
    """The test article, edited with the assistant: an answer inserted into its body, saved as a draft.

    Returns {"page", "interaction", "revision", "author"}; the live version predates the AI text.
    """
    from cimaise.ai import ledger

    article = site_pages["article"]
    author = staff["content"]
    interaction = record_entry(action="expand", prompt="Développe.", user=author, page=article,
                               input_text="Les restaurateurs ont retiré les vernis.", output=AI_PARAGRAPH,
                               field_name="body")
    ledger.add_outcome(interaction, "inserted", user=author, page=article, field_name="body", text=AI_PARAGRAPH)
    page = article.specific
    page.body = list(page.body.raw_data) + [{"type": "paragraph", "value": f"<p>{AI_PARAGRAPH}</p>"}]
    revision = page.save_revision(user=author)
    return {"page": page, "interaction": interaction, "revision": revision, "author": author}
