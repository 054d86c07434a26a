"""The AI model settings page: which model is active, and "Test the connection" in one line."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from cimaise.ai.models import AIInteraction, AIModelSettings

pytestmark = pytest.mark.django_db


def make_user(username, role):
    from django.contrib.auth.models import Group, User

    user = User.objects.create_user(username, f"{username}@example.org", "pw")
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def administrator(client, fake_llm):
    from cimaise.institution.roles import ADMINISTRATION

    client.force_login(make_user("admin-ia", ADMINISTRATION))
    return client


def settings_url(site):
    return reverse("wagtailsettings:edit", args=["ai", "aimodelsettings", site.pk])


def test_url(site):
    return reverse("ai_model_test_connection", args=[site.pk])


test_url.__test__ = False


def form_values(site, **changes):
    config = AIModelSettings.for_site(site)
    values = {"provider": config.provider, "model_id": config.model_id, "api_base": config.api_base,
              "api_key_env": config.api_key_env, "temperature": str(config.temperature),
              "max_output_tokens": str(config.max_output_tokens), "timeout_seconds": str(config.timeout_seconds)}
    values.update(changes)
    return values


def messages_of(response):
    page = BeautifulSoup(response.content, "html.parser")
    return [item.get_text(" ", strip=True) for item in page.select(".messages li")]


def test_the_settings_page_shows_the_active_model_and_a_test_button(administrator, fake_llm):
    page = BeautifulSoup(administrator.get(settings_url(fake_llm)).content, "html.parser")

    active = page.select_one("[data-ai-active-model]").get_text(" ", strip=True)
    assert "cimaise-fake" in active and "50" in active and "60" in active  # the model, its answer length, time limit
    button = page.select_one(f"button[formaction='{test_url(fake_llm)}']")
    assert button is not None and button.find_parent("form")["id"] == "w-editor-form"


def test_the_connection_works_with_the_fake_model(administrator, fake_llm):
    response = administrator.post(test_url(fake_llm), form_values(fake_llm), HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 200
    [shown] = messages_of(response)  # one line, in French
    assert shown.startswith("Cela fonctionne") and "cimaise-fake a répondu « Réponse :" in shown
    assert BeautifulSoup(response.content, "html.parser").select_one(".messages li.success")
    entry = AIInteraction.objects.get()
    assert (entry.action, entry.status, entry.model_id) == ("test", "ok", "cimaise-fake")


def message_lines(response):
    page = BeautifulSoup(response.content, "html.parser")
    for item in page.select(".messages li"):
        for extra in item.select("button, a"):
            extra.decompose()
    return [item.get_text("\n", strip=True) for item in page.select(".messages li")]


def test_a_server_that_does_not_answer_says_not_working_in_one_line(administrator, fake_llm):
    typed = form_values(fake_llm, provider="openai_compatible", model_id="mon-modele",
                        api_base="http://127.0.0.1:9/v1", timeout_seconds="5")

    response = administrator.post(test_url(fake_llm), typed)

    shown = message_lines(response)
    assert shown[0].startswith("Ne fonctionne pas : Le serveur du modèle ne peut pas être joint")
    assert "\n" not in shown[0]
    # What was typed is tested, not saved, and stays in the form.
    page = BeautifulSoup(response.content, "html.parser")
    assert page.select_one("#id_api_base")["value"] == "http://127.0.0.1:9/v1"
    assert page.select_one("#id_model_id")["value"] == "mon-modele"
    assert AIModelSettings.for_site(fake_llm).provider == "llm"
    assert len(shown) == 2  # and a warning that the settings are not saved
    entry = AIInteraction.objects.get()
    assert (entry.action, entry.status, entry.provider) == ("test", "failed", "openai_compatible")


def test_invalid_settings_are_not_tested(administrator, fake_llm):
    response = administrator.post(test_url(fake_llm), form_values(fake_llm, provider="openai_compatible",
                                                                  model_id="x", api_base=""))
    assert response.status_code == 200
    assert not AIInteraction.objects.exists()
    assert BeautifulSoup(response.content, "html.parser").select(".error-message")


def test_only_those_who_may_change_the_settings_can_test_them(client, fake_llm):
    from cimaise.institution.roles import CONTENT_MANAGER

    client.force_login(make_user("redaction", CONTENT_MANAGER))
    response = client.post(test_url(fake_llm), form_values(fake_llm))

    assert response.status_code == 403
    assert not AIInteraction.objects.exists()


def test_the_lab_shows_the_active_model(client, fake_llm):
    from cimaise.institution.roles import CONTENT_MANAGER

    client.force_login(make_user("redaction", CONTENT_MANAGER))
    page = BeautifulSoup(client.get(reverse("ai_lab:index")).content, "html.parser")
    assert "cimaise-fake" in page.select_one("[data-ai-active-model]").get_text()
    assert not page.select_one(f"a[href='{settings_url(fake_llm)}']")  # not theirs to change


def test_in_english_it_says_not_working(client, fake_llm):
    from cimaise.institution.roles import ADMINISTRATION
    from wagtail.users.models import UserProfile

    user = make_user("admin-en", ADMINISTRATION)
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    client.force_login(user)

    response = client.post(test_url(fake_llm), form_values(fake_llm, provider="openai_compatible", model_id="m",
                                                           api_base="http://127.0.0.1:9/v1"))

    [line, _not_saved] = message_lines(response)
    assert line.startswith("Not working: ") and "\n" not in line


def test_the_lab_links_administrators_to_the_model_settings(administrator, fake_llm):
    page = BeautifulSoup(administrator.get(reverse("ai_lab:index")).content, "html.parser")
    assert page.select_one(f"a[href='{settings_url(fake_llm)}']")
