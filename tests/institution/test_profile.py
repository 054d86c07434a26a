"""The institution profile: its AI policy, and an admin form that keeps what was typed when it refuses it."""

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.html import escape

from cimaise.institution.ai_actions import AI_ACTION_KEYS
from cimaise.institution.models import InstitutionProfile, phone_validator
from cimaise.institution.roles import ADMINISTRATION


@pytest.fixture
def profile(site_pages):
    return InstitutionProfile.for_site(site_pages["site"])


def test_ai_actions_are_refused_until_the_policy_allows_them(profile):
    assert all(not profile.allows_ai_action(action) for action in AI_ACTION_KEYS)

    profile.ai_allowed_actions = ["draft", "translate"]
    profile.save()
    profile = InstitutionProfile.objects.get(pk=profile.pk)
    assert profile.allows_ai_action("draft")
    assert profile.allows_ai_action("translate")
    assert not profile.allows_ai_action("image_generation")


def test_an_unknown_ai_action_is_a_programming_error(profile):
    with pytest.raises(ValueError, match="unknown AI action 'teleport'"):
        profile.allows_ai_action("teleport")


def test_the_policy_refuses_unknown_choices(profile):
    profile.ai_allowed_actions = ["draft", "teleport"]
    with pytest.raises(ValidationError) as error:
        profile.full_clean()
    assert "ai_allowed_actions" in error.value.message_dict


@pytest.mark.parametrize("number", ["+33 1 23 45 67 89", "01.23.45.67.89", "(514) 555-0199"])
def test_phone_numbers_people_write_are_accepted(number):
    phone_validator(number)


@pytest.mark.parametrize("number", ["call me maybe", "12", "+33 1 23 45 67 89 ext. 12", "<script>"])
def test_phone_numbers_that_are_not_numbers_are_refused(number):
    with pytest.raises(ValidationError):
        phone_validator(number)


def test_profile_helpers(profile):
    profile.audiences = "familles\n\n  scolaires \nchercheurs"
    profile.ai_disclosure_fr = "Texte relu par l'équipe."
    profile.ai_disclosure_en = "Text reviewed by the team."
    profile.kind = "live_performance"
    assert profile.audience_list() == ["familles", "scolaires", "chercheurs"]
    assert profile.ai_disclosure("fr") == "Texte relu par l'équipe."
    assert profile.ai_disclosure("en") == "Text reviewed by the team."
    assert profile.schema_org_type == "PerformingArtsTheater"
    assert str(profile) == "Musée de Test"


# --- the admin form -------------------------------------------------------------------


@pytest.fixture
def admin_client(site_pages, django_user_model, client):
    """A client logged in as a member of Administration who works in French."""
    from django.contrib.auth.models import Group
    from wagtail.users.models import UserProfile

    user = django_user_model.objects.create_user(username="direction-admin", password="not-used-1234")
    user.groups.add(Group.objects.get(name=ADMINISTRATION))
    settings_of_user = UserProfile.get_for_user(user)
    settings_of_user.preferred_language = "fr"
    settings_of_user.save()
    client.force_login(user)
    return client


def _form_data(html):
    """The values of the profile form as the browser would submit them."""
    form = BeautifulSoup(html, "html.parser").select_one("form[method=post]")
    data = {}
    for field in form.select("input[name], textarea[name], select[name]"):
        name = field["name"]
        if field.name == "textarea":
            data[name] = field.get_text()
        elif field.name == "select":
            selected = field.select_one("option[selected]") or field.select_one("option")
            data[name] = selected["value"] if selected else ""
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                data.setdefault(name, []).append(field.get("value", "on"))
        elif field.get("type") not in ("submit", "button", "file"):
            data[name] = field.get("value", "")
    return data


def test_invalid_phone_is_refused_with_a_message_and_the_typed_values_are_kept(site_pages, admin_client, profile):
    url = f"/admin/settings/institution/institutionprofile/{site_pages['site'].pk}/"
    page = admin_client.get(url)
    assert page.status_code == 200
    data = _form_data(page.content)

    mission = "Faire aimer l'art roman <à tous> & partout, en particulier aux familles."
    data.update(name="Musée du Roman", mission=mission, phone="call me maybe", ai_allowed_actions=["draft", "shorten"])
    response = admin_client.post(url, data)

    assert response.status_code == 200, "the form is shown again, not saved"
    html = response.content.decode()
    with translation.override("fr"):
        message = str(phone_validator.message)
    assert escape(message) in html
    assert escape(mission) in html
    assert escape("call me maybe") in html
    assert 'value="Musée du Roman"' in html
    kept = _form_data(html)
    assert kept["mission"].strip() == mission
    assert sorted(kept["ai_allowed_actions"]) == ["draft", "shorten"]
    profile.refresh_from_db()
    assert profile.name == "Musée de Test" and profile.mission == ""


def test_valid_profile_is_saved(site_pages, admin_client, profile):
    url = f"/admin/settings/institution/institutionprofile/{site_pages['site'].pk}/"
    data = _form_data(admin_client.get(url).content)
    data.update(mission="Faire aimer l'art roman.", phone="+33 1 23 45 67 89", ai_allowed_actions=["translate"],
                languages=["fr", "en"])

    response = admin_client.post(url, data)

    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.mission == "Faire aimer l'art roman."
    assert profile.phone == "+33 1 23 45 67 89"
    assert profile.languages == ["fr", "en"]
    assert profile.allows_ai_action("translate") and not profile.allows_ai_action("draft")


def test_public_contact_details_appear_in_the_site_footer_and_json_ld(site_pages, profile, client):
    """The institution's own public address and phone are shown (they are not a person's data)."""
    import json

    profile.email = "accueil@musee.example"
    profile.phone = "+33 1 23 45 67 89"
    profile.save()

    doc = BeautifulSoup(client.get("/fr/").content, "html.parser")
    assert "accueil@musee.example" in doc.select_one("footer").get_text()
    data = json.loads(doc.find("script", type="application/ld+json").string)
    assert data["email"] == "accueil@musee.example"
    assert data["telephone"] == "+33 1 23 45 67 89"
