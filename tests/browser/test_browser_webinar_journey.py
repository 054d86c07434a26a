"""The demo's webinar from start to finish on a phone (375 px), in Chromium (issue #5, "Done when").

The demo's own programme (``cimaise.demo.events.create_programme``: "Restaurer un tableau", one session of
30 seats next week) is filled, its last seat and the waiting list are taken through the public form, the
30th person cancels from the link in their email, the waitlisted person accepts the offer from theirs, the
reminders go out 23 h before the start, and the box office checks the ticket in at the door.

axe (WCAG 2.2 AA) finds nothing on the event page with its form, the waiting-list page, the offer page and
the check-in page; no page logs a console error or answers 4xx/5xx.
"""

import datetime
import re
from pathlib import Path

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Debian's Chromium (/usr/bin/chromium) is not installed", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LAST_SEAT = ("Inès Caron", "ines.caron@example.org")
WAITLISTED = ("Martin Leroy", "martin.leroy@example.org")


@pytest.fixture
def demo_programme(live_site, live_server, media_root, settings):
    """The demo's programme of events under the test site's French home, with the demo's accounts it uses.

    Built by the demo's own ``create_programme`` with a loader carrying only what it reads: the author and
    publisher accounts, the webinar's picture, the locales and the home page. The demo's box office account
    ("accueil") is created too. Links in emails point at the live server.
    """
    import io
    import types

    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.files.images import ImageFile
    from django.utils import timezone
    from wagtail.images import get_image_model
    from wagtail.models import Locale

    from cimaise.demo import images
    from cimaise.demo.content import accounts
    from cimaise.demo.content.dates import DemoCalendar
    from cimaise.demo.content.events import EVENTS
    from cimaise.demo.events import create_programme

    settings.BASE_URL = live_server.url
    users = {}
    for username, role, first_name, last_name in accounts.ACCOUNTS:
        if username in (accounts.AUTHOR, accounts.PUBLISHER, "accueil"):
            user = get_user_model().objects.create_user(username, email=accounts.email(username),
                                                        password=accounts.DEMO_PASSWORD,
                                                        first_name=first_name, last_name=last_name)
            user.groups.add(Group.objects.get(name=role))
            users[username] = user
    webinar_spec = next(spec for spec in EVENTS if spec["key"] == "webinar")
    artwork = next(a for a in images.ARTWORKS if a.key == webinar_spec["image"])
    picture = get_image_model().objects.create(
        title=artwork.title, description=artwork.description,
        file=ImageFile(io.BytesIO(images.render(artwork)), name=artwork.filename))
    loader = types.SimpleNamespace(
        say=lambda message: None, cal=DemoCalendar(timezone.localdate()), users=users,
        images={artwork.key: picture}, locales={code: Locale.objects.get(language_code=code) for code in ("fr", "en")},
        pages={("home", "fr"): live_site["home"]})
    create_programme(loader)
    page = loader.pages["webinar", "fr"]
    (session,) = page.sessions.all()
    return {"page": page, "session": session, "join_url": webinar_spec["join_url"], "box_office": users["accueil"],
            "password": accounts.DEMO_PASSWORD}


def _mail_to(outbox, address, kind_marker):
    """The one message to ``address`` whose subject starts like ``kind_marker``'s subject, with its text."""
    found = [m for m in outbox if m.to == [address] and m.subject.startswith(kind_marker)]
    assert len(found) == 1, [(m.to, m.subject) for m in outbox if m.to == [address]]
    return found[0]


def _fr(message, plural=None, **values):
    """``message`` as the French page shows it (the catalog's translation, or the English source until then).

    With ``plural``, the one value in ``values`` is the count that chooses the form.
    """
    from django.utils import translation
    from django.utils.translation import gettext, ngettext

    with translation.override("fr"):
        if plural is None:
            return gettext(message)
        (count,) = values.values()
        return ngettext(message, plural, count) % values


def _subject_start(kind, page):
    """The start of the subject of a ``kind`` message (its words before the event's title), in French."""
    from django.utils import translation

    from cimaise.events import notifications

    with translation.override("fr"):
        return notifications.subject(kind, page).removesuffix(page.title)


def _link(message, live_server):
    """The registration's own link (see, cancel, accept) in the message's text."""
    match = re.search(re.escape(live_server.url) + r"/fr/events/r/[A-Za-z0-9_-]+/", message.body)
    assert match, message.body
    return match.group(0)


def _fits(tab):
    assert tab.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, tab.url


def test_the_demo_webinar_filled_waitlisted_cancelled_into_reminded_and_checked_in(
        phone, demo_programme, live_server, mailoutbox, axe, console_errors):
    from django.utils import timezone

    from cimaise.events import tickets
    from cimaise.events.models import Registration
    from cimaise.events.services import registrations, reminders, sessions

    page, session, join_url = demo_programme["page"], demo_programme["session"], demo_programme["join_url"]
    assert session.capacity == 30 and page.kind == "webinar"
    tab = phone
    form = tab.locator(f"#register-{session.pk}")

    def open_the_event_page():
        tab.context.clear_cookies()  # each person on their own phone
        tab.goto(page.url)

    def register_in_browser(name, email):
        tab.locator(f"#register-{session.pk}-name").fill(name)
        tab.locator(f"#register-{session.pk}-email").fill(email)
        tab.locator(f"#register-{session.pk}-consent_newsletter").check()
        tab.locator('[data-action="register"]').click()

    # 1. Twenty-nine people registered already; the 30th takes the last seat from the event page.
    for number in range(1, 30):
        registrations.register(session, name=f"Personne {number}", email=f"personne{number}@example.org")
    open_the_event_page()
    expect(form.locator('[data-state="open"]')).to_have_text(_fr("%(left)s seat left.", "%(left)s seats left.", left=1))
    assert join_url not in tab.content()  # the link is for confirmed people only, never on the public page
    _fits(tab)
    axe.check(tab)
    register_in_browser(*LAST_SEAT)
    expect(tab.locator('[data-status="confirmed"]')).to_be_visible()
    expect(tab.locator("#join-link")).to_have_attribute("href", join_url)
    assert LAST_SEAT[1] not in tab.url
    session.refresh_from_db()
    assert session.confirmed_seats == 30 and session.is_full

    # The 31st finds the session full, joins the waiting list and is told so; no join link for them.
    open_the_event_page()
    expect(form.locator('[data-state="full"]')).to_be_visible()
    expect(tab.locator('[data-action="register"]')).to_have_text(_fr("Join the waiting list"))
    axe.check(tab)
    register_in_browser(*WAITLISTED)
    expect(tab.locator('[data-status="waitlisted"]')).to_be_visible()
    expect(tab.locator(".registration-status")).to_have_text(_fr(
        "You are on the waiting list for %(seats)s seat. If it frees up, we will offer it to you by email.",
        "You are on the waiting list for %(seats)s seats. If they free up, we will offer them to you by email.",
        seats=1))
    expect(tab.locator("#join-link")).to_have_count(0)
    assert join_url not in tab.content()
    _fits(tab)
    axe.check(tab)
    waitlisted_mail = _mail_to(mailoutbox, WAITLISTED[1], _subject_start("waitlisted", page))
    assert join_url not in waitlisted_mail.body

    # 2. The 30th person cancels from the link in their confirmation email.
    confirmation = _mail_to(mailoutbox, LAST_SEAT[1], _subject_start("confirmed", page))
    assert join_url in confirmation.body
    tab.context.clear_cookies()
    tab.goto(_link(confirmation, live_server))
    expect(tab.locator('[data-status="confirmed"]')).to_be_visible()
    tab.locator('[data-action="cancel"]').click()
    expect(tab.locator('[data-status="cancelled"]')).to_be_visible()
    expect(tab.locator("#join-link")).to_have_count(0)

    # 3. The seat is offered at once to the waitlisted person, whose email link leads to the offer.
    offer = _mail_to(mailoutbox, WAITLISTED[1], _subject_start("offered", page))
    assert join_url not in offer.body
    tab.context.clear_cookies()
    tab.goto(_link(offer, live_server))
    expect(tab.locator('[data-status="offered"]')).to_be_visible()
    expect(tab.locator("#join-link")).to_have_count(0)
    assert join_url not in tab.content()
    _fits(tab)
    axe.check(tab)
    tab.locator('[data-action="accept"]').click()
    expect(tab.locator('[data-status="confirmed"]')).to_be_visible()
    expect(tab.locator("#join-link")).to_have_attribute("href", join_url)  # only now
    session.refresh_from_db()
    assert session.confirmed_seats == 30
    person = Registration.objects.get(email=WAITLISTED[1])
    assert person.status == Registration.Status.CONFIRMED
    ticket = _mail_to(mailoutbox, WAITLISTED[1], _subject_start("confirmed", page))
    assert join_url in ticket.body

    # 4. 23 h before the start the 24 h reminder is due: every confirmed person gets it, the cancelled one not.
    mailoutbox.clear()
    assert reminders.send_due(now=session.starts_at - datetime.timedelta(hours=23)) == 30
    reminder = _mail_to(mailoutbox, WAITLISTED[1], _subject_start("reminder", page))
    assert join_url in reminder.body
    assert not [m for m in mailoutbox if LAST_SEAT[1] in m.to]
    assert reminders.send_due(now=session.starts_at - datetime.timedelta(hours=22)) == 0  # once

    # 5. The door opens four hours before a session: the organisers move the webinar to half an hour from now.
    starts = timezone.now() + datetime.timedelta(minutes=30)
    sessions.update_session(session, starts_at=starts, ends_at=starts + datetime.timedelta(hours=1))
    short_code = tickets.short_code(person.ticket_secret)  # printed under the QR code of their ticket
    assert short_code in ticket.body

    tab.context.clear_cookies()
    tab.goto("/admin/login/")
    tab.locator("#id_username").fill(demo_programme["box_office"].username)
    tab.locator("#id_password").fill(demo_programme["password"])
    tab.locator("form button[type=submit]").first.click()
    expect(tab).to_have_url(re.compile(r"/admin/$"))
    tab.goto("/admin/events/checkin/")
    tab.locator("#id_session_choice").select_option(str(session.pk))
    tab.locator(".events-checkin__session button[type=submit]").click()
    counts = tab.locator("#checkin-counts")
    expect(counts).to_contain_text(_fr("%(n)s of %(total)s seats checked in.") % {"n": 0, "total": 30})
    _fits(tab)
    axe.check(tab)

    result = tab.locator("#checkin-result [data-reason]")
    tab.locator("#id_code").fill(short_code)
    tab.locator("#checkin-form button[type=submit]").click()
    expect(result).to_have_attribute("data-reason", "checked_in")
    expect(result.locator("[data-name]")).to_have_text(WAITLISTED[0])
    expect(result.locator(".events-checkin__person")).to_contain_text(_fr("%(seats)s seat", "%(seats)s seats", seats=1))
    expect(counts).to_contain_text(_fr("%(n)s of %(total)s seats checked in.") % {"n": 1, "total": 30})
    axe.check(tab)

    tab.locator("#id_code").fill(short_code)
    tab.locator("#checkin-form button[type=submit]").click()
    expect(result).to_have_attribute("data-reason", "already_checked_in")
    expect(result).to_have_attribute("data-ok", "false")
    expect(result).to_contain_text(demo_programme["box_office"].get_full_name())  # who let them in, and when
    expect(result.locator("[data-name]")).to_have_text(WAITLISTED[0])
    _fits(tab)
    axe.check(tab)
    person.refresh_from_db()
    assert person.checked_in_by_id == demo_programme["box_office"].pk
    assert not console_errors, console_errors
