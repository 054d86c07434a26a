"""The segment editor in the admin, without JavaScript (each button a round trip), and the live count endpoint."""

import pytest
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext, ngettext, override

from cimaise.audience.models import Contact, Interest
from cimaise.audience.segments.models import Segment
from cimaise.institution.roles import BOX_OFFICE, COMMUNITY_MANAGER

pytestmark = pytest.mark.django_db


def _member_of(django_user_model, username, role):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(username, f"{username}@example.org", "pw")
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.fixture
def marketer(client, django_user_model):
    client.force_login(_member_of(django_user_model, "marketing", COMMUNITY_MANAGER))
    return client


@pytest.fixture
def contacts(db):
    painting = Interest.objects.create(name="Peinture", slug="painting")
    for n, (language, kind) in enumerate([("fr", "member"), ("fr", "visitor"), ("en", "member"), ("fr", "member")]):
        contact = Contact.objects.create(email=f"p{n}@example.org", language=language, kind=kind, points=n * 100)
        if n % 2 == 0:
            contact.interests.add(painting)
    Contact.objects.filter(email="p3@example.org").update(erased_at="2026-01-01T00:00:00Z")


def _fr(message, values=None, plural=None, number=None, escaped=True):
    """``message`` as a French user sees it in a page: translated (``plural`` and ``number`` for an ngettext
    message), filled with ``values`` (labels translated first with ``_fr_label``), then HTML-escaped like
    ``{{ variable }}`` is; ``escaped=False`` for a literal ``{% translate %}``, which the template does not escape."""
    with override("fr"):
        text = ngettext(message, plural, number) if plural else gettext(message)
        if values is not None:
            text = text % {key: str(value) for key, value in values.items()}
    return escape(text) if escaped else text


def _fr_label(label):
    with override("fr"):
        return gettext(label)


def _post(client, url, fields):
    return client.post(url, fields)


def test_the_audience_menu_shows_segments_to_the_community_manager_only(client, django_user_model):
    from cimaise.audience.menu import audience_menu

    def menu_urls(request):
        return [item.url for item in audience_menu.menu_items_for_request(request)]

    client.force_login(_member_of(django_user_model, "marketing", COMMUNITY_MANAGER))
    response = client.get(reverse("audience_segments:index"))
    assert response.status_code == 200
    assert reverse("audience_segments:index") in menu_urls(response.wsgi_request)

    client.force_login(_member_of(django_user_model, "door", BOX_OFFICE))
    response = client.get(reverse("audience_segments:index"))
    assert response.status_code in (302, 403)
    assert reverse("audience_segments:index") not in menu_urls(response.wsgi_request)


def test_build_count_and_save_with_round_trips(marketer, contacts):
    url = reverse("audience_segments:add")
    page = marketer.get(url)
    assert page.status_code == 200 and _fr(
        "No condition yet: the segment holds every contact (erased ones never count).", escaped=False) in page.content.decode()

    fields = {"name": "Membres francophones", "description": "Pour la lettre", "match": "all", "c-count": "0",
              "action": "add", "new_type": "kind"}
    page = _post(marketer, url, fields)
    html = page.content.decode()
    assert 'name="c-0-type" value="kind"' in html and 'value="Membres francophones"' in html

    fields.update({"c-count": "2", "c-0-type": "kind", "c-0-values": ["member"], "c-1-type": "language",
                   "c-1-values": ["fr"], "action": "count"})
    page = _post(marketer, url, fields)
    one_matches = _fr("%(counter)s contact matches.", {"counter": 1}, "%(counter)s contacts match.", 1)
    assert one_matches in page.content.decode()  # p0; p3 is erased

    fields["action"] = "remove-1"
    page = _post(marketer, url, fields)
    html = page.content.decode()
    assert 'name="c-1-type"' not in html and 'name="c-0-type" value="kind"' in html

    fields.update({"c-count": "1", "action": "save"})
    response = _post(marketer, url, fields)
    assert response.status_code == 302
    segment = Segment.objects.get()
    assert segment.name == "Membres francophones" and segment.cached_count == 2
    assert segment.definition == {"match": "all", "conditions": [{"type": "kind", "values": ["member"]}]}
    listing = marketer.get(reverse("audience_segments:index")).content.decode()
    assert "Membres francophones" in listing and "<td>2</td>" in listing

    page = marketer.get(reverse("audience_segments:edit", args=[segment.pk])).content.decode()
    assert 'value="member" checked' in page


def test_bad_input_gets_clear_messages_and_keeps_what_was_typed(marketer, contacts):
    fields = {"name": "Fidèles", "description": "Ceux qui reviennent", "match": "all", "c-count": "3",
              "c-0-type": "activity", "c-0-kind": "checked_in", "c-0-min": "-2", "c-0-period": "days",
              "c-0-days": "365",
              "c-1-type": "interest", "c-1-match": "any", "c-1-interests": ["painting", "sculpture"],
              "c-2-type": "created", "c-2-from": "2026-06-01", "c-2-to": "2026-01-31", "action": "save"}
    page = _post(marketer, reverse("audience_segments:add"), fields)
    assert page.status_code == 400
    html = page.content.decode()
    assert _fr("%(label)s: enter %(minimum)s or more.", {"label": _fr_label("At least (times)"), "minimum": 1}) in html
    assert _fr("%(label)s: unknown value “%(value)s”.", {"label": _fr_label("Interest"), "value": "sculpture"}) in html
    assert _fr("The period ends (%(end)s) before it starts (%(start)s).",
               {"end": "2026-01-31", "start": "2026-06-01"}) in html
    for typed in ('value="Fidèles"', "Ceux qui reviennent", 'value="-2"', 'value="365"', 'value="2026-06-01"'):
        assert typed in html
    assert not Segment.objects.exists()


def test_a_segment_needs_a_unique_name(marketer, contacts):
    Segment.objects.create(name="Membres")
    fields = {"name": "membres", "match": "all", "c-count": "0", "action": "save"}
    page = _post(marketer, reverse("audience_segments:add"), fields)
    assert page.status_code == 400 and _fr("A segment with this name exists already.") in page.content.decode()
    assert Segment.objects.count() == 1


def test_live_count_for_an_unsaved_definition(marketer, contacts):
    url = reverse("audience_segments:count")
    answer = marketer.post(url, {"match": "all", "c-count": "1", "c-0-type": "interest", "c-0-match": "any",
                                 "c-0-interests": ["painting"]})
    assert answer.status_code == 200
    with override("fr"):
        two_match = ngettext("%(count)s contact matches.", "%(count)s contacts match.", 2) % {"count": 2}
    assert answer.json() == {"count": 2, "text": two_match}
    answer = marketer.post(url, {"match": "all", "c-count": "1", "c-0-type": "points", "c-0-min": "-5"})
    with override("fr"):
        below_zero = gettext("%(label)s: enter %(minimum)s or more.") % {
            "label": gettext("At least (points)"), "minimum": 0}
    assert "count" not in answer.json() and below_zero in answer.json()["errors"][0]
    assert not Segment.objects.exists()


def test_live_count_refuses_people_without_permission(client, django_user_model, contacts):
    url = reverse("audience_segments:count")
    fields = {"match": "all", "c-count": "0"}
    assert client.post(url, fields).status_code == 302  # to the login page
    client.force_login(_member_of(django_user_model, "door", BOX_OFFICE))
    answer = client.post(url, fields)
    assert answer.status_code == 403 and "count" not in answer.json()


def test_delete_after_confirmation(marketer, contacts):
    segment = Segment.objects.create(name="Éphémère")
    url = reverse("audience_segments:delete", args=[segment.pk])
    assert "Éphémère" in marketer.get(url).content.decode()
    assert marketer.post(url).status_code == 302
    assert not Segment.objects.exists()
