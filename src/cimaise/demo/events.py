"""The demo's programme: an "Agenda" under the French home (and "What's on" under the English one), with
its events and their sessions (see ``cimaise.demo.content.events``).

Sessions are created through ``cimaise.events.services.sessions``; a session belongs to the French page and
is shared by its English translation (one set of seats).
"""

import datetime

from django.utils.translation import gettext as _

from cimaise.demo.content import accounts
from cimaise.demo.content.dates import PARIS
from cimaise.demo.content.events import EVENTS, PROGRAMME
from cimaise.events.models import EventIndexPage, EventPage, Speaker
from cimaise.events.services.sessions import create_session


def create_programme(loader):
    """Create the programme pages in French and English, publish them, and add the sessions.

    ``loader``: the demo loader (its ``pages``, ``locales``, ``images``, ``users``, ``cal`` and ``say``).
    Returns the French and English programme pages.
    """
    loader.say(_("Creating the programme of events …"))
    author = loader.users.get(accounts.AUTHOR)
    publisher = loader.users.get(accounts.PUBLISHER)

    def publish(page):
        page.refresh_from_db(fields=["numchild"])
        page.save_revision(user=author, log_action=True).publish(user=publisher)
        return page

    home = loader.pages["home", "fr"]
    index = EventIndexPage(title=PROGRAMME["fr"]["title"], slug=PROGRAMME["fr"]["slug"],
                           intro=PROGRAMME["fr"]["intro"], show_in_menus=True, owner=author)
    home.add_child(instance=index)
    publish(index)
    loader.pages["events", "fr"] = index
    index_en = index.copy_for_translation(loader.locales["en"], copy_parents=True)
    index_en.title = index_en.draft_title = PROGRAMME["en"]["title"]
    index_en.slug, index_en.intro = PROGRAMME["en"]["slug"], PROGRAMME["en"]["intro"]
    index_en.save()
    loader.pages["events", "en"] = publish(index_en)

    for spec in EVENTS:
        page = EventPage(owner=author, **_fields(spec, "fr", loader.images))
        page.speakers = [Speaker(name=s["name"], role=s["role"]["fr"], bio=s["bio"]["fr"], sort_order=order)
                         for order, s in enumerate(spec["speakers"])]
        index.add_child(instance=page)
        publish(page)
        loader.pages[spec["key"], "fr"] = page
        for days, hour, minute, minutes, seats in spec["sessions"]:
            day = loader.cal.today + datetime.timedelta(days=days)
            starts = datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=PARIS)
            create_session(page, starts_at=starts, ends_at=starts + datetime.timedelta(minutes=minutes),
                           capacity=seats, user=publisher)
        english = page.copy_for_translation(loader.locales["en"])
        for name, value in _fields(spec, "en", loader.images).items():
            setattr(english, name, value)
        english.draft_title = english.title
        english.speakers = [Speaker(name=s["name"], role=s["role"]["en"], bio=s["bio"]["en"], sort_order=order)
                            for order, s in enumerate(spec["speakers"])]
        english.save()
        loader.pages[spec["key"], "en"] = publish(english)
    return index, index_en


def _fields(spec, language, images):
    text = spec[language]
    return {
        "title": text["title"], "slug": text["slug"], "intro": text["intro"], "description": text["description"],
        "kind": spec["kind"], "attendance": spec["attendance"], "venue": text.get("venue", ""),
        "join_url": spec.get("join_url", ""), "price": spec.get("price", "free"),
        "price_note": text.get("price_note", ""), "audiences": text.get("audiences", ""),
        "accessibility": text.get("accessibility", ""), "time_zone": "Europe/Paris",
        "max_seats_per_person": spec.get("max_seats_per_person", 4),
        "image": images.get(spec.get("image")), "image_alt": text["image_alt"] if spec.get("image") else "",
    }
