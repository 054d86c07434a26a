"""The ledger is append-only, anonymises people on request, and only those who answer for the content read it."""

import pytest

from cimaise.ai import ledger
from cimaise.ai.models import AIInteraction, AIOutcome

pytestmark = pytest.mark.django_db


# --- append-only -----------------------------------------------------------------------------------------------


def test_an_entry_cannot_be_changed_by_saving_it(entries):
    entry = AIInteraction.objects.get(pk=entries["shortened"].pk)
    entry.output = "Un texte plus flatteur."
    with pytest.raises(PermissionError):
        entry.save()
    assert AIInteraction.objects.get(pk=entry.pk).output == "Six mois pour retrouver les couleurs."


def test_entries_cannot_be_changed_in_bulk(entries):
    with pytest.raises(PermissionError):
        AIInteraction.objects.filter(status="failed").update(status="ok")
    with pytest.raises(PermissionError):
        AIOutcome.objects.all().update(kind="discarded")
    assert AIInteraction.objects.get(pk=entries["translated"].pk).status == "failed"
    assert set(AIOutcome.objects.values_list("kind", flat=True)) == {"inserted", "edited"}


def test_an_entry_cannot_be_deleted(entries):
    entry = AIInteraction.objects.get(pk=entries["brainstorm"].pk)
    with pytest.raises(PermissionError):
        entry.delete()
    outcome = AIOutcome.objects.first()
    with pytest.raises(PermissionError):
        outcome.delete()
    assert AIInteraction.objects.filter(pk=entry.pk).exists() and AIOutcome.objects.filter(pk=outcome.pk).exists()


def test_the_ledger_cannot_be_emptied(entries):
    with pytest.raises(PermissionError):
        AIInteraction.objects.all().delete()
    with pytest.raises(PermissionError):
        AIInteraction.objects.filter(page__isnull=True).delete()
    with pytest.raises(PermissionError):
        AIOutcome.objects.all().delete()
    assert AIInteraction.objects.count() == 4 and AIOutcome.objects.count() == 2


def test_outcomes_are_appended_and_the_latest_one_counts(entries, staff):
    shortened = entries["shortened"]
    assert shortened.outcome == "edited"

    ledger.add_outcome(shortened, "discarded", user=staff["content"])

    assert AIInteraction.objects.get(pk=shortened.pk).outcome == "discarded"
    assert list(shortened.outcomes.order_by("created_at", "pk").values_list("kind", flat=True)) == [
        "inserted", "edited", "discarded"]


def test_deleting_a_page_keeps_its_entries_under_the_recorded_title(entries, site_pages, staff, client):
    about = site_pages["about"]
    about.get_translations().delete()
    about.delete()

    entry = AIInteraction.objects.get(pk=entries["translated"].pk)
    assert entry.page_id is None and entry.page_title == "Visiter"
    assert entry.output == "" and entry.error == "RuntimeError: HTTP 500 from the provider"
    client.force_login(staff["content"])
    assert "Visiter" in client.get("/admin/ai/history/").content.decode()


# --- GDPR ------------------------------------------------------------------------------------------------------


def test_anonymising_a_person_keeps_the_entries_and_forgets_who_they_were(entries, staff):
    claire, marc = staff["content"], staff["community"]

    ledger.anonymise_user(claire)

    for name in ("shortened", "titles"):
        entry = AIInteraction.objects.get(pk=entries[name].pk)
        assert entry.user is None and entry.user_label == "(anonymised)"
    assert not AIOutcome.objects.filter(user=claire).exists()
    assert AIOutcome.objects.filter(interaction=entries["shortened"]).count() == 2  # the facts stay
    kept = AIInteraction.objects.get(pk=entries["shortened"].pk)
    assert (kept.prompt, kept.output, kept.page_id) == (
        "Raccourcis ce chapeau.", "Six mois pour retrouver les couleurs.", entries["shortened"].page_id)
    for name in ("translated", "brainstorm"):  # someone else's entries are untouched
        entry = AIInteraction.objects.get(pk=entries[name].pk)
        assert entry.user == marc and entry.user_label == "Marc Petit (marc)"


def test_the_anonymised_person_no_longer_appears_in_the_history(entries, staff, client):
    ledger.anonymise_user(staff["content"])
    client.force_login(staff["community"])

    body = client.get("/admin/ai/history/").content.decode()

    assert "Claire Martin" not in body and "(anonymised)" in body


# --- who may read it -------------------------------------------------------------------------------------------


@pytest.fixture
def urls(entries, site_pages):
    return [
        "/admin/ai/history/",
        "/admin/ai/history/results/",
        "/admin/ai/history/?export=csv",
        "/admin/ai/history/?export=json",
        f"/admin/ai/history/page/{site_pages['article'].pk}/",
        f"/admin/ai/history/page/{site_pages['article'].pk}/?export=json",
        f"/admin/ai/history/{entries['shortened'].pk}/",
    ]


def test_the_box_office_cannot_read_the_ledger(urls, staff, client):
    client.force_login(staff["box_office"])
    assert not staff["box_office"].has_perm("ai.view_aiinteraction")
    for url in urls:
        response = client.get(url)
        assert response.status_code in (302, 403), (url, response.status_code)
        assert not getattr(response, "streaming", False)
        assert "Raccourcis ce chapeau." not in response.content.decode()


def test_someone_not_logged_in_is_sent_to_the_login_page(urls, client):
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), url


@pytest.mark.parametrize("role", ["content", "community"])
def test_those_who_write_read_the_ledger(urls, staff, client, role):
    client.force_login(staff[role])
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_a_superuser_reads_the_ledger(urls, client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@musee.example", "not-used-1234"))
    for url in urls:
        assert client.get(url).status_code == 200, url


# --- manage export_ai_ledger -----------------------------------------------------------------------------------


def _days_ago(n):
    from django.utils import timezone

    return (timezone.localdate() - timezone.timedelta(days=n)).isoformat()


def _export(*args):
    import io

    from django.core.management import call_command

    out, err = io.StringIO(), io.StringIO()
    call_command("export_ai_ledger", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_writes_every_entry_as_csv_oldest_first(entries):
    import csv
    import io

    from cimaise.ai import history

    out, _err = _export()

    rows = list(csv.DictReader(io.StringIO(out, newline="")))
    assert list(rows[0]) == history.EXPORT_FIELDS
    assert [row["id"] for row in rows] == [str(entries[name].pk) for name in
                                           ("shortened", "translated", "titles", "brainstorm")]
    assert rows[0]["output"] == "Six mois pour retrouver les couleurs." and rows[0]["outcome"] == "edited"


def test_the_command_keeps_the_days_asked_for_both_included(entries):
    import json

    out, _err = _export("--format", "json", "--since", _days_ago(3), "--until", _days_ago(1))
    assert [record["id"] for record in json.loads(out)] == [str(entries["translated"].pk), str(entries["titles"].pk)]

    out, _err = _export("--format", "json", "--until", _days_ago(10))
    assert [record["id"] for record in json.loads(out)] == [str(entries["shortened"].pk)]


def test_the_command_exports_one_page(entries, site_pages):
    import json

    out, _err = _export("--format", "json", "--page", str(site_pages["about"].pk))
    assert [record["id"] for record in json.loads(out)] == [str(entries["translated"].pk)]


def test_the_command_writes_a_complete_file_and_says_how_many_entries(entries, tmp_path):
    import json

    target = tmp_path / "ledger-2026.json"
    out, err = _export("--format", "json", "--output", str(target))

    records = json.loads(target.read_text(encoding="utf-8"))
    assert len(records) == 4 and records[0]["outcomes"][0]["kind"] == "inserted"
    assert out == "" and err.strip() == f"4 entrées écrites dans {target}"
    assert [path.name for path in tmp_path.iterdir()] == ["ledger-2026.json"]  # no partial file left


def test_the_command_says_in_one_line_what_to_fix(entries, tmp_path):
    from django.core.management import CommandError

    with pytest.raises(CommandError, match=r"--since : écrivez un jour sous la forme AAAA-MM-JJ .*« last year »"):
        _export("--since", "last year")
    with pytest.raises(CommandError, match="--since est après --until"):
        _export("--since", _days_ago(1), "--until", _days_ago(3))
    with pytest.raises(CommandError, match="Impossible d’écrire"):
        _export("--output", str(tmp_path / "no-such-folder" / "ledger.csv"))


@pytest.mark.django_db
def test_deleting_an_account_anonymises_its_entries_and_keeps_them(site_pages, django_user_model):
    from cimaise.ai import gateway, ledger
    from cimaise.ai.models import AIInteraction

    person = django_user_model.objects.create_user(username="claire", first_name="Claire", last_name="Martin")
    choice = gateway.active_model(site_pages["site"])
    entry = ledger.record(gateway.Call(action="rewrite", prompt="Bonjour", user=person, site=site_pages["site"]),
                          choice, output="Salut", status="ok", error="", parameters={}, latency_ms=5)
    assert "Claire Martin" in AIInteraction.objects.get(pk=entry.pk).user_label

    person.delete()

    kept = AIInteraction.objects.get(pk=entry.pk)
    assert kept.user is None and "Claire" not in kept.user_label and kept.output == "Salut"
