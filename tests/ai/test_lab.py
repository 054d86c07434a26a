"""The creative lab, as the people who use it see it: sessions, turns, the ideas board, drafts, refusals, errors.

The model is the deterministic fake (``cimaise-fake``, see fake_model.py): it
echoes its prompt; ``numbered_answers`` makes it answer a numbered list of
ideas instead, as a real model asked to diverge would.
"""

import re

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from cimaise.ai import lab
from cimaise.ai.models import AIInteraction, AIOutcome, LabIdea, LabSession

from . import fake_model

pytestmark = pytest.mark.django_db

IDEAS = ["Une visite nocturne à la lampe de poche", "Un atelier de restauration pour les enfants",
         "Un podcast raconté par les gardiens", "Une chasse au trésor dans les réserves"]


@pytest.fixture
def site(fake_llm):
    """The test site, with the fake model and an AI policy that allows the creative lab."""
    from cimaise.institution.models import InstitutionProfile

    profile = InstitutionProfile.for_site(fake_llm)
    profile.ai_allowed_actions = ["brainstorm", "draft"]
    profile.save()
    return fake_llm


@pytest.fixture
def numbered_answers(monkeypatch):
    """The fake answers with a numbered list of ideas (unless a FAKE_ trigger word asks for trouble)."""
    original = fake_model.answer_for

    def answer(prompt):
        if "FAKE_" in prompt:
            return original(prompt)
        return ["Voici des idées :\n"] + [f"{number}. {idea}\n" for number, idea in enumerate(IDEAS, 1)]

    monkeypatch.setattr(fake_model, "answer_for", answer)
    return IDEAS


def make_user(username, role=None, **fields):
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(username, f"{username}@example.org", "pw", **fields)
    if role:
        user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def writer(site):
    from cimaise.institution.roles import CONTENT_MANAGER

    return make_user("redaction", CONTENT_MANAGER, first_name="Camille", last_name="Rédaction")


@pytest.fixture
def client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def writer_client(client_for, writer):
    return client_for(writer)


@pytest.fixture
def session(writer, site):
    return lab.create_session(user=writer, site=site, title="Nuit des musées",
                              brief="Des idées pour attirer les familles à la Nuit des musées.", temperature=0.8)


def html(response):
    return BeautifulSoup(response.content, "html.parser")


def messages_text(response):
    return " ".join(element.get_text(" ", strip=True) for element in html(response).select(".messages li"))


def ask(client, session, follow=True, **data):
    values = {"mode": "diverge", "count": "5", "text": "", "temperature": str(session.temperature)}
    values.update({key: str(value) for key, value in data.items()})
    return client.post(reverse("ai_lab:session", args=[session.pk]), values, follow=follow)


def keep(client, session, interaction, index):
    return client.post(reverse("ai_lab:keep", args=[session.pk]),
                       {"interaction": str(interaction.pk), "index": str(index)}, follow=True)


def latest_turn(session):
    return AIInteraction.objects.filter(lab_session=session).order_by("-created_at").first()


# --- sessions ------------------------------------------------------------------------------------


def test_a_person_starts_a_session_from_a_brief(writer_client, writer, site):
    response = writer_client.get(reverse("ai_lab:index"))
    assert response.status_code == 200
    assert "cimaise-fake" in response.content.decode()  # the active model is named

    response = writer_client.post(reverse("ai_lab:index"), {
        "title": "", "brief": "Une exposition sur la couleur bleue\npour les adolescents.", "temperature": "1.1",
    }, follow=True)

    session = LabSession.objects.get()
    assert response.redirect_chain[-1][0] == reverse("ai_lab:session", args=[session.pk])
    assert (session.title, session.created_by, session.site, session.temperature) == (
        "Une exposition sur la couleur bleue", writer, site, 1.1)
    assert "pour les adolescents" in html(response).select_one("#brief-section").get_text()


def test_a_session_without_a_brief_is_refused_and_the_title_stays(writer_client):
    response = writer_client.post(reverse("ai_lab:index"), {"title": "Mon titre", "brief": " ", "temperature": "0.9"})

    assert response.status_code == 200
    assert not LabSession.objects.exists()
    page = html(response)
    assert page.select_one("#id_title")["value"] == "Mon titre"
    assert page.select_one(".error-message")  # the brief's error, in the form


# --- turns ---------------------------------------------------------------------------------------


def test_diverge_asks_for_n_ideas_and_the_ledger_records_the_turn(writer_client, writer, session):
    response = ask(writer_client, session, count=4, text="pour les tout-petits", temperature=1.3)

    assert response.status_code == 200
    turn = AIInteraction.objects.get(lab_session=session)
    assert (turn.action, turn.status, turn.user, turn.model_id) == ("brainstorm", "ok", writer, "cimaise-fake")
    assert turn.prompt.startswith("Brief: Des idées pour attirer les familles à la Nuit des musées.\n\n"
                                  "Give 4 different ideas for the brief, in French.")
    assert "Direction: pour les tout-petits" in turn.prompt
    assert "Musée de Test" in turn.system_prompt and "French" in turn.system_prompt
    assert turn.input_text == "pour les tout-petits"
    assert turn.history == []
    assert turn.parameters["temperature"] == 1.3  # the person's creativity setting
    session.refresh_from_db()
    assert session.temperature == 1.3
    # The answer is shown with the model that wrote it.
    shown = html(response).select_one(f"#turn-{turn.pk}")
    assert "Give 4 different ideas" in shown.get_text()
    assert "cimaise-fake" in shown.select_one(".ai-lab__provenance").get_text()
    assert "Diverge" in shown.select_one("h3").get_text() or "Diverger" in shown.select_one("h3").get_text()


def test_each_turn_sends_the_earlier_turns_as_history(writer_client, session):
    ask(writer_client, session, count=3)
    first = latest_turn(session)
    ask(writer_client, session, mode="what_if", text="la visite ne dure que cinq minutes", count=3)

    second = latest_turn(session)
    assert lab.instruction_of(second.prompt).startswith("What if la visite ne dure que cinq minutes? Give 3 ideas")
    # The earlier turn, without the brief that the new prompt repeats.
    assert second.history == [{"role": "user", "content": lab.instruction_of(first.prompt)},
                              {"role": "assistant", "content": first.output}]
    assert not second.history[0]["content"].startswith("Brief:")
    messages = fake_model.CALLS[-1]["messages"]
    assert [role for role, _text in messages] == ["user", "assistant", "user"]
    assert messages[-1][1].startswith("Brief: Des idées pour attirer les familles")


def test_the_history_stays_short_enough_for_the_embedded_model(writer_client, session):
    for number in range(6):
        ask(writer_client, session, text=f"piste {number} " + "très longue " * 40)

    turn = latest_turn(session)
    assert len(turn.history) <= 2 * lab.HISTORY_TURNS
    size = len(turn.system_prompt) + len(turn.prompt) + sum(len(message["content"]) for message in turn.history)
    assert size <= lab.INPUT_BUDGET < 4000


def test_combine_two_ideas_of_the_board(writer_client, session, numbered_answers):
    ask(writer_client, session)
    turn = latest_turn(session)
    keep(writer_client, session, turn, 0)
    keep(writer_client, session, turn, 2)
    first, second = lab.board(session)

    ask(writer_client, session, mode="combine", first=first.pk, second=second.pk, text="en plein air")

    combined = latest_turn(session)
    assert lab.instruction_of(combined.prompt).startswith("Combine these two ideas")
    assert f"Idea A: {IDEAS[0]}" in combined.prompt and f"Idea B: {IDEAS[2]}" in combined.prompt
    assert "Also: en plein air" in combined.prompt


def test_combine_needs_two_different_ideas_and_keeps_what_was_typed(writer_client, session, numbered_answers):
    ask(writer_client, session)
    keep(writer_client, session, latest_turn(session), 0)
    idea = LabIdea.objects.get()

    response = ask(writer_client, session, follow=False, mode="combine", first=idea.pk, second=idea.pk,
                   text="mes mots à garder")

    assert response.status_code == 200
    assert AIInteraction.objects.filter(lab_session=session).count() == 1  # nothing sent
    page = html(response)
    assert page.select_one("#id_text").get_text().strip() == "mes mots à garder"
    assert page.select_one("input[name=mode][value=combine]").has_attr("checked")


def test_critique_an_idea_or_the_latest_answer(writer_client, session, numbered_answers):
    ask(writer_client, session)
    answer = latest_turn(session)
    keep(writer_client, session, answer, 1)
    idea = LabIdea.objects.get()

    ask(writer_client, session, mode="critique", idea=idea.pk, text="le coût")
    critique = latest_turn(session)
    assert lab.instruction_of(critique.prompt).startswith("Critique this idea")
    assert f"Idea: {IDEAS[1]}" in critique.prompt and "Focus on: le coût" in critique.prompt

    ask(writer_client, session, mode="critique", idea="")
    assert "Idea: " + answer.output.strip()[:100] in latest_turn(session).prompt


def test_what_if_needs_a_constraint(writer_client, session):
    response = ask(writer_client, session, follow=False, mode="what_if", text="", count=3)

    assert response.status_code == 200
    assert not AIInteraction.objects.exists()
    assert html(response).select_one("#id_text").find_parent("li").select_one(".error-message")


# --- the board -----------------------------------------------------------------------------------


def test_keep_rank_and_annotate_ideas(writer_client, writer, session, numbered_answers):
    ask(writer_client, session)
    turn = latest_turn(session)
    page = html(writer_client.get(reverse("ai_lab:session", args=[session.pk])))
    assert [item.get_text(strip=True) for item in page.select(f"#turn-{turn.pk} .ai-lab__item-text")] == IDEAS

    for index in (0, 1, 2):
        response = keep(writer_client, session, turn, index)
    keep(writer_client, session, turn, 2)  # a second click keeps nothing more

    ideas = list(lab.board(session))
    assert [idea.text for idea in ideas] == IDEAS[:3]
    assert all(idea.source == turn and idea.created_by == writer for idea in ideas)
    kept = AIOutcome.objects.filter(interaction=turn, kind="kept")
    assert sorted(kept.values_list("text", flat=True)) == sorted(IDEAS[:3])
    assert html(response).select(f"#turn-{turn.pk} .ai-lab__item .w-status")  # marked as kept

    third = ideas[2]
    writer_client.post(reverse("ai_lab:move_idea", args=[session.pk, third.pk]), {"direction": "up"})
    assert [idea.text for idea in lab.board(session)] == [IDEAS[0], IDEAS[2], IDEAS[1]]
    writer_client.post(reverse("ai_lab:move_idea", args=[session.pk, ideas[0].pk]), {"direction": "down"})
    assert [idea.text for idea in lab.board(session)] == [IDEAS[2], IDEAS[0], IDEAS[1]]

    response = writer_client.post(reverse("ai_lab:note_idea", args=[session.pk, third.pk]),
                                  {f"idea-{third.pk}-note": "À proposer au service des publics"}, follow=True)
    third.refresh_from_db()
    assert third.note == "À proposer au service des publics"
    shown = html(response).select_one(f"#idea-{third.pk} textarea").get_text().strip()
    assert shown == "À proposer au service des publics"


def test_keeping_something_that_is_not_in_an_answer_of_the_session_fails_cleanly(writer_client, session):
    url = reverse("ai_lab:keep", args=[session.pk])
    assert writer_client.post(url, {"interaction": "not-a-uuid", "index": "0"}).status_code == 404
    assert writer_client.post(url, {"interaction": "8c1e6f8e-55c1-4a4e-9e84-5b2f3f6f0f00", "index": "x"}).status_code == 404
    ask(writer_client, session)
    response = keep(writer_client, session, latest_turn(session), 7)
    assert response.status_code == 200 and not LabIdea.objects.exists()


def test_own_ideas_and_removing_an_idea(writer_client, session, numbered_answers):
    writer_client.post(reverse("ai_lab:add_idea", args=[session.pk]), {"text": "Mon idée à moi"})
    own = LabIdea.objects.get()
    assert (own.text, own.source) == ("Mon idée à moi", None)

    ask(writer_client, session)
    turn = latest_turn(session)
    keep(writer_client, session, turn, 3)
    kept = LabIdea.objects.get(source=turn)
    writer_client.post(reverse("ai_lab:remove_idea", args=[session.pk, kept.pk]))

    assert list(LabIdea.objects.all()) == [own]
    assert list(turn.outcomes.values_list("kind", flat=True)) == ["kept", "discarded"]


# --- from idea to page draft ---------------------------------------------------------------------


def test_an_idea_becomes_a_page_draft_with_its_lineage(writer_client, writer, session, site_pages, numbered_answers):
    from cimaise.pages.models import ArticlePage

    ask(writer_client, session)
    turn = latest_turn(session)
    keep(writer_client, session, turn, 0)
    idea = LabIdea.objects.get()
    index = site_pages["index"]

    form = html(writer_client.get(reverse("ai_lab_draft", args=[idea.pk])))
    assert form.select_one("#id_title")["value"] == IDEAS[0]
    choices = [label.get_text(" ", strip=True) for label in form.select("label[for^=id_parent_]")]
    assert any("Actualités" in choice for choice in choices) and any("Accueil" in choice for choice in choices)
    assert not any("News" in choice for choice in choices)  # only pages in the session's language

    response = writer_client.post(reverse("ai_lab_draft", args=[idea.pk]),
                                  {"title": "Nocturne à la lampe", "parent": str(index.pk)}, follow=True)

    draft = ArticlePage.objects.get(title="Nocturne à la lampe")
    assert response.redirect_chain[-1][0] == reverse("wagtailadmin_explore", args=[index.pk])
    assert "Nocturne à la lampe" in response.content.decode()  # in the page explorer
    assert draft.get_parent().pk == index.pk and draft.locale.language_code == "fr"
    assert not draft.live and draft.has_unpublished_changes
    assert IDEAS[0] in draft.body.render_as_block()
    revision = draft.latest_revision
    assert revision.user == writer
    idea.refresh_from_db()
    assert idea.draft_page_id == draft.pk
    # The lineage, in the ledger: session → interaction → kept → drafted (page and revision).
    outcomes = list(AIOutcome.objects.filter(interaction=turn).order_by("created_at", "pk"))
    assert [outcome.kind for outcome in outcomes] == ["kept", "drafted"]
    assert (outcomes[1].page_id, outcomes[1].revision_id, outcomes[1].user) == (draft.pk, revision.pk, writer)
    assert turn.lab_session == session
    # The board links to the draft; a second draft of the same idea is not offered.
    board = html(writer_client.get(reverse("ai_lab:session", args=[session.pk]))).select_one(f"#idea-{idea.pk}")
    assert board.select_one(f"a[href='{reverse('wagtailadmin_pages:edit', args=[draft.pk])}']")
    again = writer_client.get(reverse("ai_lab_draft", args=[idea.pk]))
    assert again.status_code == 302


def test_a_draft_under_the_home_page_is_a_standard_page(writer_client, session, site_pages):
    from cimaise.pages.models import StandardPage

    writer_client.post(reverse("ai_lab:add_idea", args=[session.pk]), {"text": "Un parcours sonore.\nEn trois étapes."})
    idea = LabIdea.objects.get()
    writer_client.post(reverse("ai_lab_draft", args=[idea.pk]), {"title": "", "parent": str(site_pages["home"].pk)})
    assert not StandardPage.objects.filter(title="Un parcours sonore").exists()  # the title is required

    writer_client.post(reverse("ai_lab_draft", args=[idea.pk]),
                       {"title": "Un parcours sonore", "parent": str(site_pages["home"].pk)})
    draft = StandardPage.objects.get(title="Un parcours sonore")
    assert not draft.live and draft.get_parent().pk == site_pages["home"].pk
    assert "En trois étapes." in draft.body.render_as_block()


def test_a_draft_needs_the_permission_to_add_a_page_there(client_for, site, site_pages):
    from django.contrib.auth.models import Group, Permission

    from cimaise.pages.models import ArticlePage

    group = Group.objects.create(name="Lab only")
    group.permissions.add(Permission.objects.get(codename="access_admin"),
                          Permission.objects.get(codename="use_ai_assistant"))
    person = make_user("labo")
    person.groups.add(group)
    session = lab.create_session(user=person, site=site, title="Essai", brief="Un brief.")
    idea = lab.add_own_idea(session, "Une idée", user=person)
    client = client_for(person)

    page = html(client.get(reverse("ai_lab_draft", args=[idea.pk])))
    assert not page.select("input[name=parent]")
    client.post(reverse("ai_lab_draft", args=[idea.pk]), {"title": "Une idée", "parent": str(site_pages["index"].pk)})
    assert not ArticlePage.objects.filter(title="Une idée").exists()


# --- policy, errors, permissions -----------------------------------------------------------------


def test_a_policy_that_forbids_brainstorming_says_why_and_is_recorded(writer_client, site, session):
    from cimaise.institution.models import InstitutionProfile

    profile = InstitutionProfile.for_site(site)
    profile.ai_allowed_actions = ["draft"]
    profile.ai_refusal_reason = "Le remue-méninges avec l’IA est suspendu pendant l’audit."
    profile.save()

    response = ask(writer_client, session, follow=False, text="des idées folles")

    assert response.status_code == 200
    assert "Le remue-méninges avec l’IA est suspendu pendant l’audit." in messages_text(response)
    assert html(response).select_one("#id_text").get_text().strip() == "des idées folles"
    refused = AIInteraction.objects.get(lab_session=session)
    assert (refused.status, refused.action) == ("refused", "brainstorm")
    assert fake_model.CALLS == []  # no model was called


def test_a_provider_error_keeps_the_typed_words_and_says_so_in_french(writer_client, session):
    response = writer_client.post(
        reverse("ai_lab:session", args=[session.pk]),
        {"mode": "what_if", "count": "3", "text": "le musée ferme à midi FAKE_ERROR", "temperature": "0.4"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )

    assert response.status_code == 200
    assert "Le modèle a renvoyé une erreur" in messages_text(response)
    page = html(response)
    assert page.select_one("#id_text").get_text().strip() == "le musée ferme à midi FAKE_ERROR"
    assert page.select_one("input[name=mode][value=what_if]").has_attr("checked")
    assert page.select_one("#id_temperature")["value"] == "0.4"
    failed = AIInteraction.objects.get(lab_session=session)
    assert failed.status == "failed" and "HTTP 500" in failed.error


def test_the_box_office_cannot_open_the_lab(client_for, site, session):
    from cimaise.institution.roles import BOX_OFFICE

    client = client_for(make_user("accueil", BOX_OFFICE))
    assert client.get(reverse("ai_lab:index")).status_code == 403
    assert client.get(reverse("ai_lab:session", args=[session.pk])).status_code == 403
    assert ask(client, session, follow=False).status_code == 403
    assert not AIInteraction.objects.exists()


def test_a_person_sees_only_their_own_sessions(client_for, site, session, writer):
    from cimaise.institution.roles import ADMINISTRATION, COMMUNITY_MANAGER

    other = client_for(make_user("communication", COMMUNITY_MANAGER))
    listing = other.get(reverse("ai_lab:index"))
    assert "Nuit des musées" not in listing.content.decode()
    assert other.get(reverse("ai_lab:session", args=[session.pk])).status_code == 404
    assert ask(other, session, follow=False).status_code == 404
    idea = lab.add_own_idea(session, "Secret", user=writer)
    assert other.get(reverse("ai_lab_draft", args=[idea.pk])).status_code == 404
    assert other.post(reverse("ai_lab:note_idea", args=[session.pk, idea.pk]), {}).status_code == 404

    administrator = client_for(make_user("direction-admin", ADMINISTRATION))
    assert "Nuit des musées" in administrator.get(reverse("ai_lab:index")).content.decode()
    assert administrator.get(reverse("ai_lab:session", args=[session.pk])).status_code == 200


def test_the_lab_is_in_the_ai_studio_menu(writer_client):
    response = writer_client.get(reverse("wagtailadmin_home"))
    assert re.search(r"ai-creative-lab|/admin/ai/lab/", response.content.decode())


def test_model_output_is_escaped(writer_client, session, monkeypatch):
    monkeypatch.setattr(fake_model, "answer_for", lambda prompt: ["1. <script>alert(1)</script> idée\n"])
    response = ask(writer_client, session)
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert "&lt;script&gt;" in response.content.decode()
