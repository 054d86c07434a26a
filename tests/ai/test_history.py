"""The AI history in the admin: what a content manager finds there, filtered, per page, in detail and exported.

The entries (conftest.py ``entries``) are written by ``ledger.record`` as the
gateway writes them: "shortened" (article, first revision, inserted then
edited, 10 days ago), "translated" (about page, failed, 3 days ago), "titles"
(article, second revision, cancelled, yesterday) and "brainstorm" (creative
lab, no page, empty, now).
"""

import csv
import io
import json
import re

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from cimaise.ai import history

pytestmark = pytest.mark.django_db

ENTRY_LINK = re.compile(r"/admin/ai/history/([0-9a-f-]{36})/")


@pytest.fixture
def manager(client, staff):
    client.force_login(staff["content"])
    return client


def listed(client, url, **params):
    """The entries a listing shows, as their ids, in the order shown."""
    response = client.get(url, params)
    assert response.status_code == 200, (url, params, response.status_code)
    soup = BeautifulSoup(response.content, "html.parser")
    table = soup.select_one("table.listing")
    if table is None:
        return []
    links = [ENTRY_LINK.search(a["href"]) for a in table.select("tbody a[href]")]
    return [link.group(1) for link in links if link]


def ids(entries, *names):
    return [str(entries[name].pk) for name in names]


def download(client, url, **params):
    response = client.get(url, params)
    assert response.status_code == 200, response.status_code
    return response, b"".join(response.streaming_content).decode("utf-8")


# --- the global listing --------------------------------------------------------------------------------------


def test_the_listing_shows_every_entry_newest_first_with_who_what_and_which_model(manager, entries):
    response = manager.get("/admin/ai/history/")
    text = " ".join(BeautifulSoup(response.content, "html.parser").select_one("table.listing").get_text(" ").split())

    assert listed(manager, "/admin/ai/history/") == ids(entries, "brainstorm", "titles", "translated", "shortened")
    for expected in ("Claire Martin (claire)", "Marc Petit (marc)", "La restauration du grand retable", "Visiter",
                     "gpt-4o-mini", "cimaise-embedded", "cimaise-fake", "12 → 30", "420"):
        assert expected in text, expected
    # Result and outcome in the reader's language (French by default).
    assert "échec" in text and "retouché ensuite" in text


@pytest.mark.parametrize("params, expected", [
    ({"action": "translate"}, ["translated"]),
    ({"action": ["shorten", "titles"]}, ["titles", "shortened"]),
    ({"model_id": "gpt-4o-mini"}, ["translated"]),
    ({"status": "failed"}, ["translated"]),
    ({"status": ["empty", "cancelled"]}, ["brainstorm", "titles"]),
    ({"outcome": "edited"}, ["shortened"]),  # the latest outcome counts...
    ({"outcome": "inserted"}, []),  # ...not an earlier one
    ({"outcome": "none"}, ["brainstorm", "titles", "translated"]),
    ({"q": "nuit des musées"}, ["brainstorm"]),
])
def test_each_filter_narrows_the_listing(manager, entries, params, expected):
    assert listed(manager, "/admin/ai/history/", **params) == ids(entries, *expected)


def test_filter_by_page_and_by_person(manager, entries, site_pages, staff):
    assert listed(manager, "/admin/ai/history/", page=site_pages["article"].pk) == ids(entries, "titles", "shortened")
    assert listed(manager, "/admin/ai/history/", user=staff["community"].pk) == ids(entries, "brainstorm",
                                                                                   "translated")
    both = listed(manager, "/admin/ai/history/", user=staff["content"].pk, status="ok")
    assert both == ids(entries, "shortened")


def test_filter_by_date_range(manager, entries):
    today = timezone.localdate()
    days_ago = lambda n: (today - timezone.timedelta(days=n)).isoformat()  # noqa: E731

    assert listed(manager, "/admin/ai/history/", created_at_from=days_ago(4)) == ids(
        entries, "brainstorm", "titles", "translated")
    assert listed(manager, "/admin/ai/history/", created_at_to=days_ago(3)) == ids(
        entries, "translated", "shortened")  # the end day is included
    assert listed(manager, "/admin/ai/history/", created_at_from=days_ago(5), created_at_to=days_ago(2)) == ids(
        entries, "translated")


def test_filter_choices_list_only_what_the_ledger_holds(manager, entries):
    soup = BeautifulSoup(manager.get("/admin/ai/history/").content, "html.parser")
    models = {box["value"] for box in soup.select("input[name=model_id]")}
    actions = {box["value"] for box in soup.select("input[name=action]")}
    people = {option.get_text() for option in soup.select("select[name=user] option") if option["value"]}

    assert models == {"cimaise-fake", "gpt-4o-mini", "cimaise-embedded"}
    assert actions == {"shorten", "translate", "titles", "brainstorm"}
    assert people == {"Claire Martin (claire)", "Marc Petit (marc)"}


def test_the_results_fragment_used_by_the_filters_is_filtered_too(manager, entries):
    assert listed(manager, "/admin/ai/history/results/", status="failed") == ids(entries, "translated")


def test_the_listing_is_paginated(manager, entries, record_entry):
    for number in range(50):
        record_entry(prompt=f"Demande {number}")

    first, second = listed(manager, "/admin/ai/history/"), listed(manager, "/admin/ai/history/", p=2)

    assert len(first) == 50 and len(second) == 4
    assert not set(first) & set(second)
    assert second[-1] == str(entries["shortened"].pk)  # the oldest is last


def test_an_empty_ledger_says_so(manager):
    response = manager.get("/admin/ai/history/")
    assert response.status_code == 200
    assert "Aucune interaction avec l’IA n’a encore été enregistrée." in response.content.decode()


# --- one page's history --------------------------------------------------------------------------------------


def test_the_page_view_lists_only_that_page_and_filters_by_revision(manager, entries, site_pages):
    url = f"/admin/ai/history/page/{site_pages['article'].pk}/"

    assert listed(manager, url) == ids(entries, "titles", "shortened")
    assert listed(manager, url, revision=entries["first_revision"].pk) == ids(entries, "shortened")
    assert listed(manager, url, revision=entries["second_revision"].pk) == ids(entries, "titles")
    assert listed(manager, f"/admin/ai/history/page/{site_pages['about'].pk}/") == ids(entries, "translated")
    assert listed(manager, f"/admin/ai/history/page/{site_pages['article'].pk}/results/", status="ok") == ids(
        entries, "shortened")


def test_the_page_view_names_the_page_and_links_to_its_editor(manager, entries, site_pages):
    article = site_pages["article"]
    soup = BeautifulSoup(manager.get(f"/admin/ai/history/page/{article.pk}/").content, "html.parser")

    assert article.title in soup.title.get_text()
    assert soup.select_one(f'a[href="/admin/pages/{article.pk}/edit/"]') is not None


def test_a_page_without_entries_has_an_empty_history_and_an_unknown_page_is_404(manager, site_pages):
    assert listed(manager, f"/admin/ai/history/page/{site_pages['home'].pk}/") == []
    assert manager.get("/admin/ai/history/page/999999/").status_code == 404


def test_the_page_editor_and_the_page_listing_link_to_the_page_history(manager, entries, site_pages):
    article = site_pages["article"]
    link = f'href="/admin/ai/history/page/{article.pk}/"'

    assert link in manager.get(f"/admin/pages/{article.pk}/edit/").content.decode()
    assert link in manager.get(f"/admin/pages/{site_pages['index'].pk}/").content.decode()


def test_the_menu_offers_the_ai_history_under_ai_studio(manager, client, staff):
    sidebar = manager.get("/admin/").content.decode()
    assert '"name": "ai-studio"' in sidebar and '"url": "/admin/ai/history/"' in sidebar

    client.force_login(staff["box_office"])
    assert '"url": "/admin/ai/history/"' not in client.get("/admin/").content.decode()


# --- one entry -----------------------------------------------------------------------------------------------


def test_the_detail_shows_everything_recorded(manager, entries):
    response = manager.get(f"/admin/ai/history/{entries['shortened'].pk}/")
    assert response.status_code == 200
    text = " ".join(BeautifulSoup(response.content, "html.parser").select_one("main").get_text(" ").split())

    for expected in (
        "Claire Martin (claire)", "Musée de Test", "La restauration du grand retable", "intro",
        f"#{entries['first_revision'].pk}",
        "Tu écris pour un musée.",  # system prompt
        "Raccourcis ce chapeau.",  # prompt
        "Six mois d'atelier pour retrouver les couleurs d'origine.",  # the person's text
        "Bonjour !",  # an earlier turn
        "Six mois pour retrouver les couleurs.",  # output
        "cimaise-fake", '"temperature": 0.7', '"timeout_seconds": 60', "12 en entrée, 30 en sortie", "420 ms", "80 ms",
        "inséré", "retouché ensuite", "Six mois d'atelier pour retrouver les couleurs.",  # outcomes and their text
    ):
        assert expected in text, expected


def test_the_detail_shows_the_technical_error_of_a_failure(manager, entries):
    text = manager.get(f"/admin/ai/history/{entries['translated'].pk}/").content.decode()
    assert "RuntimeError: HTTP 500 from the provider" in text and "gpt-4o-mini" in text


def test_recorded_text_is_shown_escaped(manager, record_entry):
    entry = record_entry(prompt="<b>gras</b>", output='<script>alert("x")</script>')
    body = manager.get(f"/admin/ai/history/{entry.pk}/").content.decode()
    assert '<script>alert("x")</script>' not in body
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in body
    assert "&lt;b&gt;gras&lt;/b&gt;" in body


def test_an_unknown_entry_is_404(manager):
    assert manager.get("/admin/ai/history/00000000-0000-0000-0000-000000000000/").status_code == 404


# --- exports -------------------------------------------------------------------------------------------------


def test_the_csv_export_has_every_field_of_the_filtered_entries(manager, entries, site_pages, staff):
    response, content = download(manager, "/admin/ai/history/", page=site_pages["article"].pk, export="csv")

    assert response["Content-Type"].startswith("text/csv")
    assert 'attachment; filename="ai-history-' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(content)))
    assert list(rows[0]) == history.EXPORT_FIELDS
    stored = {f.attname for f in history.AIInteraction._meta.concrete_fields}
    assert stored <= set(rows[0])  # every stored field is exported
    assert [row["id"] for row in rows] == ids(entries, "titles", "shortened")  # the filter applies
    row = rows[1]
    assert row["user_id"] == str(staff["content"].pk) and row["user_label"] == "Claire Martin (claire)"
    assert row["page_id"] == str(site_pages["article"].pk) and row["revision_id"] == str(entries["first_revision"].pk)
    assert (row["action"], row["status"], row["provider"], row["model_id"]) == ("shorten", "ok", "llm", "cimaise-fake")
    assert row["system_prompt"] == "Tu écris pour un musée."
    assert row["input_text"] == "Six mois d'atelier pour retrouver les couleurs d'origine."
    assert row["output"] == "Six mois pour retrouver les couleurs."
    assert json.loads(row["history"])[1] == {"role": "assistant", "content": "Bonjour !"}
    assert json.loads(row["parameters"]) == {"temperature": 0.7, "max_tokens": 50, "timeout_seconds": 60}
    assert (row["input_tokens"], row["output_tokens"], row["latency_ms"], row["first_token_ms"]) == (
        "12", "30", "420", "80")
    assert row["created_at"] == entries["shortened"].created_at.isoformat()
    assert row["outcome"] == "edited"
    assert [o["kind"] for o in json.loads(row["outcomes"])] == ["inserted", "edited"]
    assert rows[0]["outcome"] == "" and rows[0]["outcomes"] == "[]"


def test_the_csv_export_keeps_text_exactly(manager, record_entry):
    tricky = 'Ligne 1, avec virgule\n"Ligne 2" ; é à ç\r\n=SUM(A1)'
    record_entry(prompt=tricky, output=tricky)
    _response, content = download(manager, "/admin/ai/history/", export="csv")
    row = next(csv.DictReader(io.StringIO(content, newline="")))
    assert row["prompt"] == tricky and row["output"] == tricky


def test_the_json_export_has_every_field_and_the_outcomes(manager, entries, staff):
    response, content = download(manager, "/admin/ai/history/", status=["ok", "failed"], export="json")

    assert response["Content-Type"] == "application/json"
    records = json.loads(content)
    assert [record["id"] for record in records] == ids(entries, "translated", "shortened")
    assert set(records[0]) == set(history.EXPORT_FIELDS)
    failed, shortened = records
    assert failed["status"] == "failed" and failed["error"] == "RuntimeError: HTTP 500 from the provider"
    assert failed["outcome"] == "" and failed["outcomes"] == []
    assert shortened["history"] == [{"role": "user", "content": "Bonjour"},
                                    {"role": "assistant", "content": "Bonjour !"}]
    assert shortened["parameters"]["temperature"] == 0.7 and shortened["latency_ms"] == 420
    assert [(o["kind"], o["user_id"], o["field_name"]) for o in shortened["outcomes"]] == [
        ("inserted", staff["content"].pk, "intro"), ("edited", staff["content"].pk, "intro")]
    assert shortened["outcomes"][1]["text"] == "Six mois d'atelier pour retrouver les couleurs."


def test_the_page_view_exports_only_that_page(manager, entries, site_pages):
    _response, content = download(manager, f"/admin/ai/history/page/{site_pages['about'].pk}/", export="json")
    assert [record["id"] for record in json.loads(content)] == ids(entries, "translated")


def test_the_export_links_carry_the_current_filters(manager, entries):
    soup = BeautifulSoup(manager.get("/admin/ai/history/", {"status": "failed", "p": 1}).content, "html.parser")
    links = {a["href"] for a in soup.select("a[href*='export=']")}
    assert "/admin/ai/history/?status=failed&export=csv" in links
    assert "/admin/ai/history/?status=failed&export=json" in links


def test_an_unknown_export_format_or_an_invalid_filter_is_refused(manager, entries):
    assert manager.get("/admin/ai/history/", {"export": "pdf"}).status_code == 400
    assert manager.get("/admin/ai/history/", {"export": "csv", "created_at_from": "yesterday"}).status_code == 400


# --- the page's audit log ------------------------------------------------------------------------------------


def test_ai_calls_and_outcomes_appear_in_the_page_history(manager, entries, site_pages):
    article = site_pages["article"]
    text = " ".join(BeautifulSoup(manager.get(f"/admin/pages/{article.pk}/history/").content, "html.parser")
                    .get_text(" ").split())

    assert "sur le champ « intro » avec cimaise-fake (répondu)" in text
    assert "Réponse de l’IA : retouché ensuite" in text and "Réponse de l’IA : inséré" in text


def test_the_page_view_lists_lab_ideas_drafted_as_the_page(manager, entries, site_pages, staff):
    """A lab entry has no page; the idea drafted as a page links it through an outcome on that page."""
    from cimaise.ai import ledger

    about = site_pages["about"]
    ledger.add_outcome(entries["brainstorm"], "drafted", user=staff["content"], page=about)

    assert listed(manager, f"/admin/ai/history/page/{about.pk}/") == ids(entries, "brainstorm", "translated")
