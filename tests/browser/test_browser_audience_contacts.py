"""The contacts admin in Chromium, on a desktop and a phone: the list and a contact's page, an import of a small
CSV with bad rows (mapping, progress, the rejected rows), the progress bar following a running import; axe (WCAG
2.2 AA) on every screen."""

import re
from pathlib import Path

import pytest

if not Path("/usr/bin/chromium").exists():
    pytest.skip("Debian's Chromium (/usr/bin/chromium) is not installed", allow_module_level=True)

from playwright.sync_api import expect  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PASSWORD = "not-used-1234"
CSV = ("Courriel;Prénom;Nom;Langue;Code postal\n"
       "lea@example.org;Léa;Dupont;fr;75011\n"
       "paul@example.org;Paul;Martin;en;69001\n"
       "pas-une-adresse;Marc;Petit;fr;\n"
       "jetable@mailinator.com;Jet;Able;fr;\n"
       ";Sans;Adresse;fr;\n"
       "LEA@example.org;Léa;Encore;fr;\n")


def log_in(tab, user):
    tab.goto("/admin/login/")
    tab.locator("#id_username").fill(user.username)
    tab.locator("#id_password").fill(PASSWORD)
    tab.locator("form button[type=submit]").first.click()
    expect(tab).to_have_url(re.compile(r"/admin/$"))


def fits(tab):
    return tab.evaluate("document.documentElement.scrollWidth") <= tab.evaluate("window.innerWidth")


@pytest.fixture
def marketing(live_server, media_root, django_user_model):
    from django.contrib.auth.models import Group

    from cimaise.audience.models import Contact, Tag
    from cimaise.audience.services import consent
    from cimaise.institution import roles

    user = django_user_model.objects.create_user("marketing", password=PASSWORD, first_name="Camille")
    user.groups.add(Group.objects.get(name=roles.COMMUNITY_MANAGER))
    known = Contact.objects.create(email="zoe@example.org", first_name="Zoé", last_name="Lefèvre", kind="press",
                                   organisation="Le Quotidien des arts", city="Lille")
    known.tags.add(Tag.objects.create(name="Presse 2026"))
    consent.record(known, "newsletter", True, "registration", "I would like to receive the newsletter",
                   source_url="/fr/agenda/visite/")
    return {"user": user, "known": known}


def test_list_and_contact_page_on_desktop_and_phone(page, phone, marketing, axe, console_errors):
    known = marketing["known"]
    for tab in (page, phone):
        log_in(tab, marketing["user"])
        tab.goto("/admin/audience/contacts/")
        expect(tab.locator("#contacts")).to_contain_text("zoe@example.org")
        axe.check(tab)
        assert fits(tab)
        tab.locator("#filter_q").fill("lefevre")  # no match (accents matter) then the right one
        tab.locator("#contacts-filters button[type=submit]").first.click()
        expect(tab.locator("#contacts")).not_to_contain_text("zoe@example.org")
        assert "lefevre" not in tab.url
        tab.locator("#filter_q").fill("Zoé")
        tab.locator("#contacts-filters button[type=submit]").first.click()
        tab.locator("#contacts a", has_text="Zoé Lefèvre").click()
        expect(tab).to_have_url(re.compile(rf"/admin/audience/contacts/{known.pk}/$"))
        expect(tab.locator("#identity")).to_contain_text("Le Quotidien des arts")
        expect(tab.locator("#consent-history")).to_contain_text("I would like to receive the newsletter")
        expect(tab.locator("#timeline [data-kind=consent]")).to_have_count(1)
        axe.check(tab)
        assert fits(tab)
    assert not console_errors


def test_import_with_bad_rows_on_a_phone(phone, marketing, axe, console_errors, tmp_path):
    from cimaise.audience.models import Contact

    tab = phone
    log_in(tab, marketing["user"])
    tab.goto("/admin/audience/contacts/imports/")
    axe.check(tab)
    upload = tmp_path / "salon.csv"
    upload.write_bytes(CSV.encode("cp1252"))  # a spreadsheet's Windows export
    tab.locator("#id_file").set_input_files(str(upload))
    tab.locator("#upload-form button[type=submit]").click()

    expect(tab).to_have_url(re.compile(r"/imports/\d+/mapping/$"))
    expect(tab.locator("#id_column_0")).to_have_value("email")
    expect(tab.locator("#id_column_1")).to_have_value("first_name")
    expect(tab.locator("#id_column_4")).to_have_value("postal_code")
    axe.check(tab)
    assert fits(tab)
    tab.locator("#mapping-form button[type=submit]").click()

    expect(tab).to_have_url(re.compile(r"/imports/\d+/$"))
    expect(tab.locator("#import")).to_have_attribute("data-status", "done")
    expect(tab.locator("[data-counter=created]")).to_have_text("2")
    expect(tab.locator("[data-counter=rejected]")).to_have_text("4")
    rows = tab.locator("#rejected tbody tr")
    expect(rows).to_have_count(4)
    assert [rows.nth(n).get_attribute("data-code") for n in range(4)] == [
        "invalid_email", "disposable", "missing_email", "duplicate"]
    expect(rows.nth(0)).to_contain_text("pas-une-adresse")
    expect(rows.nth(3)).to_contain_text("Encore")  # the duplicate's values are shown, not lost
    axe.check(tab)
    assert fits(tab)
    assert Contact.objects.get(email="lea@example.org").last_name == "Dupont"
    assert not console_errors


def test_the_progress_bar_follows_a_running_import(page, marketing, axe, console_errors):
    from django.core.files.base import ContentFile

    from cimaise.audience.models import ContactImport

    running = ContactImport(original_name="grand-fichier.csv", status="running", total_rows=400, processed_rows=100,
                            created_count=90, rejected_count=10, mapping={"email": "email"})
    running.file.save("grand.csv", ContentFile(b"email\n"), save=False)
    running.save()
    log_in(page, marketing["user"])
    page.goto(f"/admin/audience/contacts/imports/{running.pk}/")
    expect(page.locator("#import-progress")).to_have_attribute("value", "25")
    axe.check(page)
    ContactImport.objects.filter(pk=running.pk).update(processed_rows=300, created_count=280)
    expect(page.locator("[data-counter=created]")).to_have_text("280", timeout=8000)
    ContactImport.objects.filter(pk=running.pk).update(status="done", processed_rows=400, created_count=380)
    expect(page.locator("#import")).to_have_attribute("data-status", "done", timeout=8000)
    expect(page.locator("[data-counter=created]")).to_have_text("380")
    assert not console_errors
