"""A community manager builds a segment in the admin, on a desktop and on a phone: the live count follows the
form, the segment is saved, and every screen passes axe (WCAG 2.2 AA)."""

import re
from pathlib import Path

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Debian's Chromium (/usr/bin/chromium) is not installed", allow_module_level=True)

from django.utils.translation import gettext, override  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "un-mot-de-passe-solide-42"


@pytest.fixture
def marketer(db):
    from django.contrib.auth.models import Group, User

    from cimaise.institution.roles import COMMUNITY_MANAGER

    user = User.objects.create_user("communaute", "communaute@example.org", PASSWORD, first_name="Sam")
    user.groups.add(Group.objects.get(name=COMMUNITY_MANAGER))
    return user


@pytest.fixture
def audience(db):
    from cimaise.audience.models import Contact

    for n, kind in enumerate(["member", "member", "visitor", "press", "visitor"]):
        Contact.objects.create(email=f"p{n}@example.org", kind=kind, language="fr")


def _log_in(tab, user):
    tab.goto("/admin/login/")
    tab.locator("#id_username").fill(user.username)
    tab.locator("#id_password").fill(PASSWORD)
    tab.locator("form button[type=submit]").first.click()
    expect(tab).to_have_url(re.compile(r"/admin/$"))


def _wait_for_transitions(tab):
    """Until every finite CSS transition or animation on the page has run to its end."""
    tab.evaluate("""() => Promise.all(document.getAnimations()
        .filter((animation) => animation.effect && animation.effect.getComputedTiming().endTime !== Infinity)
        .map((animation) => animation.finished))""")


def _count(tab):
    return tab.locator("#segment-count")


@pytest.mark.parametrize("device", ["page", "phone"])
def test_build_a_segment_with_a_live_count_and_save_it(device, request, live_server, marketer, audience, axe,
                                                       console_errors):
    from cimaise.audience.segments.models import Segment

    tab = request.getfixturevalue(device)
    _log_in(tab, marketer)
    tab.goto("/admin/audience/segments/add/")
    expect(_count(tab)).to_have_text(re.compile(r"^5\D"))  # no condition: everyone
    tab.locator("#id_name").fill("Membres et presse")

    tab.locator("#id_new_type").select_option("kind")
    tab.locator("button[name=action][value=add]").click()
    expect(tab.locator("#condition-0")).to_be_visible()
    expect(tab.locator("#id_name")).to_have_value("Membres et presse")  # kept through the round trip

    tab.locator("#condition-0 input[value=member]").check()
    expect(_count(tab)).to_have_text(re.compile(r"^2\D"))
    tab.locator("#condition-0 input[value=press]").check()
    expect(_count(tab)).to_have_text(re.compile(r"^3\D"))

    tab.locator("button[name=action][value=save]").click()
    expect(tab).to_have_url(re.compile(r"/admin/audience/segments/$"))
    row = tab.locator("tr", has_text="Membres et presse")
    expect(row.locator("td").nth(1)).to_have_text("3")
    with override("fr"):  # the site's language
        saved = gettext("Segment “%(name)s” saved: %(count)s contacts.") % {"name": "Membres et presse", "count": 3}
    expect(tab.locator(".messages")).to_contain_text(saved)
    _wait_for_transitions(tab)  # Wagtail fades the message in: axe must see its final colours, not a blend
    axe.check(tab)

    segment = Segment.objects.get()
    assert segment.contacts().count() == 3

    # The editor passes axe with every kind of control (checkboxes, radios in fieldsets, dates, numbers, lists).
    tab.goto("/admin/audience/segments/add/")
    for kind in ("kind", "activity", "membership", "interest", "points", "consent"):
        tab.locator("#id_new_type").select_option(kind)
        tab.locator("button[name=action][value=add]").click()
    expect(tab.locator("#condition-5")).to_be_visible()
    axe.check(tab)
    assert not console_errors
