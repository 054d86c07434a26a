"""The Direction's AI oversight dashboard: the figures it shows, its CSV exports, its period and who may see it.

The ledger (``recorded``) holds calls spread over the months before today, in
the institution's time zone (Europe/Paris in tests unless TIME_ZONE says
otherwise), plus two made today: the test article's (``ai_article``, approved
then published) and the about page's (a drafted note still awaiting approval).
"""

import csv
import datetime
import io
import zoneinfo

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.test import RequestFactory
from django.utils import timezone
from wagtail.models import Page

from cimaise.ai.menu import AI_MENU_ITEMS
from cimaise.ai.models import LabSession, MethodologyNote
from cimaise.ai.transparency import dashboard, services

pytestmark = pytest.mark.django_db

URL = "/admin/ai/oversight/"
CHECKS = ["facts", "sources", "tone"]
ABOUT_AI_TEXT = ("Le musée ouvre du mardi au dimanche de dix heures à dix-huit heures, avec une nocturne chaque "
                 "jeudi jusqu'à vingt-deux heures et un accès gratuit le premier dimanche de chaque mois.")
# The live pages of the test site (tests/conftest.py): home, listing, article and about, in French and English.
LIVE_PAGES = 8


def tz():
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def today():
    return timezone.localdate(timezone=tz())


def month(ago):
    """The first day of the month ``ago`` months before this one."""
    index = today().year * 12 + today().month - 1 - ago
    return datetime.date(index // 12, index % 12 + 1, 1)


def at(day, hour=12, minute=0):
    return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=tz())


def last_day(first):
    return month_after(first) - datetime.timedelta(days=1)


def month_after(first):
    return (first + datetime.timedelta(days=32)).replace(day=1)


@pytest.fixture
def direction(django_user_model):
    from django.contrib.auth.models import Group

    from cimaise.institution import roles

    user = django_user_model.objects.create_user(username="direction", password="not-used-1234",
                                                 first_name="Hélène", last_name="Roux")
    user.groups.add(Group.objects.get(name=roles.DIRECTION))
    return django_user_model.objects.get(pk=user.pk)


@pytest.fixture
def recorded(site_pages, staff, record_entry, ai_article):
    """Calls over the months, a page published with an approved note, a note awaiting approval."""
    article, about, home = site_pages["article"], site_pages["about"], site_pages["home"]
    author = staff["content"]
    session = LabSession.objects.create(title="Nuit des musées", brief="Des idées pour la nuit des musées.")
    ten = lambda ago: at(month(ago).replace(day=10))  # noqa: E731
    record_entry(action="shorten", user=author, page=article, at=ten(1))
    record_entry(action="shorten", user=author, page=article, at=ten(1))
    record_entry(action="translate", user=author, page=about, provider="openai", model_id="gpt-4o-mini",
                 status="failed", output="", error="RuntimeError: HTTP 500", at=ten(1))
    # Half past midnight in the institution's time zone: still the previous month in UTC.
    boundary = record_entry(action="titles", user=author, page=home, provider="openai", model_id="gpt-4o-mini",
                            at=at(month(3), 0, 30))
    record_entry(action="brainstorm", user=author, lab_session=session, provider="embedded",
                 model_id="cimaise-embedded", at=ten(5))
    record_entry(action="brainstorm", user=author, lab_session=session, provider="embedded",
                 model_id="cimaise-embedded", status="cancelled", at=ten(5))
    record_entry(action="test", at=ten(5))
    old = record_entry(action="draft", user=author, page=article, at=ten(14))

    # The article: its note approved, then the revision with the AI text published.
    note = services.current_note(Page.objects.get(pk=article.pk))
    services.approve(note, author, checks=CHECKS)
    ai_article["revision"].publish()

    # The about page: an AI answer in its intro, saved as a draft; its note waits for approval.
    record_entry(action="rewrite", user=author, page=about, output=ABOUT_AI_TEXT, field_name="intro")
    page = about.specific
    page.intro = ABOUT_AI_TEXT
    page.save_revision(user=author)
    pending = services.current_note(Page.objects.get(pk=about.pk))
    assert pending.status == MethodologyNote.Status.DRAFT

    note.refresh_from_db()
    return {"note": note, "pending": pending, "boundary": boundary, "old": old, "article": article,
            "about": about, "home": home}


@pytest.fixture
def director(client, direction):
    client.force_login(direction)
    return client


def page(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200, response.status_code
    return BeautifulSoup(response.content, "html.parser")


def compact(text):
    """Text without any kind of space (French puts one, often narrow and non-breaking, before "%")."""
    return "".join(text.split())


def table(soup, name, key):
    """{row key: [cell texts]} of one table, keyed by the row's data attribute."""
    rows = soup.select(f"#ai-oversight-table-{name} tbody tr")
    return {row[key]: [" ".join(cell.get_text(" ").split()) for cell in row.select("th, td")] for row in rows}


def usage(soup, name, key="data-key"):
    """{row key: (answered, calls)} of a usage table."""
    return {k: (int(cells[1]), int(cells[2])) for k, cells in table(soup, name, key).items()}


def download(client, name, **params):
    response = client.get(URL, {"export": "csv", "table": name, **params})
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("text/csv")
    assert f"ai-oversight-{name}-" in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))


# --- the figures ---------------------------------------------------------------------------------------------


def test_ai_use_per_month_counts_what_the_ledger_recorded(director, recorded):
    soup = page(director)
    months = usage(soup, "months", "data-month")

    assert list(months) == [f"{month(ago):%Y-%m}" for ago in range(11, -1, -1)]  # the last 12 months, in order
    assert months[f"{month(0):%Y-%m}"] == (2, 2)  # the article's and the about page's calls of today
    assert months[f"{month(1):%Y-%m}"] == (2, 3)  # two shortened, one failed translation
    assert months[f"{month(3):%Y-%m}"] == (1, 1)  # 00:30 on the 1st, Paris time, counts for that month
    assert months[f"{month(5):%Y-%m}"] == (2, 3)  # lab: one answered, one stopped; a connection test
    assert sum(answered for answered, _calls in months.values()) == 7  # the call 14 months ago is outside
    tokens = table(soup, "months", "data-month")[f"{month(1):%Y-%m}"]
    assert tokens[3:] == ["36", "90"]  # 12 in and 30 out per call
    summary = soup.select_one("#ai-oversight-summary [data-figure=answered]").get_text(" ")
    assert summary.split()[0] == "7" and "9" in summary.split()


def test_ai_use_per_model_per_action_and_per_kind_of_content(director, recorded):
    soup = page(director)

    assert usage(soup, "models") == {"cimaise-fake": (5, 5), "gpt-4o-mini": (1, 2), "cimaise-embedded": (1, 2)}
    assert usage(soup, "actions") == {"shorten": (2, 2), "expand": (1, 1), "rewrite": (1, 1), "titles": (1, 1),
                                      "brainstorm": (1, 2), "test": (1, 1), "translate": (0, 1)}
    assert usage(soup, "types") == {"pages.articlepage": (3, 3), "pages.standardpage": (1, 2),
                                    "pages.homepage": (1, 1), "lab": (1, 2), "other": (1, 1)}
    labels = {k: cells[0] for k, cells in table(soup, "actions", "data-key").items()}
    assert labels["shorten"] in ("Raccourcir", "Shorten")
    kinds = {k: cells[0] for k, cells in table(soup, "types", "data-key").items()}
    assert kinds["lab"] in ("Laboratoire créatif", "Creative lab")
    assert kinds["pages.articlepage"].lower() == "article"


def test_the_share_of_published_content_with_ai(director, recorded):
    soup = page(director)
    note = recorded["note"]

    text = " ".join(soup.select_one("#ai-oversight-summary [data-figure=published-share]").get_text(" ").split())
    assert compact(text).startswith(f"{round(100 / LIVE_PAGES)}%")
    assert f"1 of {LIVE_PAGES}" in text or f"1 sur {LIVE_PAGES}" in text
    average = soup.select_one("#ai-oversight-summary [data-figure=average-share]").get_text(strip=True)
    assert compact(average) == f"{round(note.share * 100)}%"
    rows = table(soup, "pages", "data-page")
    assert list(rows) == [str(recorded["article"].pk)]
    title, share, approver, approved_on, _published = rows[str(recorded["article"].pk)]
    assert "La restauration du grand retable" in title
    assert compact(share) == f"{round(note.share * 100)}%"
    assert approver == "Claire Martin"
    assert approved_on == timezone.localtime(note.approved_at).strftime("%d/%m/%Y")

    figures = dashboard.published_share(dashboard.Period.default())
    assert figures == {"pages": LIVE_PAGES, "with_ai": 1, "share": 1 / LIVE_PAGES,
                       "average_ai_share": pytest.approx(note.share)}


def test_notes_awaiting_approval_link_to_their_note_page(director, recorded):
    soup = page(director)
    pending = recorded["pending"]

    rows = soup.select("#ai-oversight-table-pending tbody tr")
    assert [row["data-note"] for row in rows] == [str(pending.pk)]
    link = rows[0].select_one("th a")
    assert link.get_text(strip=True) == "Visiter"
    assert link["href"].startswith("/admin/ai/notes/") and str(recorded["about"].pk) in link["href"]
    assert rows[0].select_one("[data-age]").get_text(strip=True) == "0"
    assert rows[0].select("td")[0].get_text(strip=True) in ("en attente d’approbation", "en attente d'approbation",
                                                            "awaiting approval")
    assert soup.select_one("#ai-oversight-summary [data-figure=pending]").get_text(strip=True) == "1"


def test_an_approved_note_leaves_the_pending_list(director, recorded, staff):
    services.approve(recorded["pending"], staff["content"], checks=CHECKS)

    assert page(director).select("#ai-oversight-table-pending tbody tr") == []


def test_each_table_is_one_query(recorded, django_assert_num_queries):
    period = dashboard.Period.default()
    for query in (dashboard.usage_by_month, dashboard.usage_by_model, dashboard.usage_by_action,
                  dashboard.usage_by_type, dashboard.published_share, dashboard.published_with_ai,
                  dashboard.pending_notes):
        with django_assert_num_queries(1):
            query(period)


# --- the CSV exports -----------------------------------------------------------------------------------------


def test_csv_exports_hold_the_tables_rows(director, recorded):
    months = {row["month"]: row for row in download(director, "months")}
    assert len(months) == 12
    assert months[f"{month(1):%Y-%m}"] == {"month": f"{month(1):%Y-%m}", "answered_calls": "2", "calls": "3",
                                          "input_tokens": "36", "output_tokens": "90"}

    models = {(row["provider"], row["model_id"]): (row["answered_calls"], row["calls"])
              for row in download(director, "models")}
    assert models == {("llm", "cimaise-fake"): ("5", "5"), ("openai", "gpt-4o-mini"): ("1", "2"),
                      ("embedded", "cimaise-embedded"): ("1", "2")}

    actions = {row["action"]: row["calls"] for row in download(director, "actions")}
    assert actions == {"shorten": "2", "expand": "1", "rewrite": "1", "titles": "1", "brainstorm": "2",
                       "test": "1", "translate": "1"}

    types = {row["type"]: row["answered_calls"] for row in download(director, "types")}
    assert types == {"pages.articlepage": "3", "pages.standardpage": "1", "pages.homepage": "1", "lab": "1",
                     "other": "1"}

    (published,) = download(director, "pages")
    note = recorded["note"]
    assert published["page_id"] == str(recorded["article"].pk)
    assert float(published["ai_share"]) == pytest.approx(note.share, abs=1e-4)
    assert published["approved_by"] == "Claire Martin"
    assert datetime.datetime.fromisoformat(published["approved_at"]) == note.approved_at

    (pending,) = download(director, "pending")
    assert pending["note_id"] == str(recorded["pending"].pk) and pending["page_id"] == str(recorded["about"].pk)
    assert pending["status"] == "draft" and pending["age_days"] == "0"


def test_csv_exports_follow_the_period(director, recorded):
    first = month(3)
    params = {"from": first.isoformat(), "to": last_day(first).isoformat()}

    assert [(row["month"], row["answered_calls"]) for row in download(director, "months", **params)] == [
        (f"{first:%Y-%m}", "1")]
    assert [row["action"] for row in download(director, "actions", **params)] == ["titles"]
    assert download(director, "pages", **params) == []
    assert download(director, "pending", **params) == []


def test_an_unknown_table_or_format_is_refused_with_a_message(director, recorded):
    for params in ({"export": "csv", "table": "people"}, {"export": "xlsx", "table": "months"}):
        response = director.get(URL, params)
        assert response.status_code == 400
        assert "months" in response.content.decode()


# --- the period ----------------------------------------------------------------------------------------------


def test_the_period_filters_every_table(director, recorded):
    first = month(3)
    soup = page(director, **{"from": first.isoformat(), "to": last_day(first).isoformat()})

    assert usage(soup, "months", "data-month") == {f"{first:%Y-%m}": (1, 1)}
    assert usage(soup, "models") == {"gpt-4o-mini": (1, 1)}
    assert usage(soup, "types") == {"pages.homepage": (1, 1)}
    assert soup.select("#ai-oversight-table-pages tbody tr") == []
    assert soup.select_one("#ai-oversight-period")["data-start"] == first.isoformat()
    # The day before ends at midnight, Paris time: the call at 00:30 is not in it.
    before = page(director, to=(first - datetime.timedelta(days=1)).isoformat())
    assert f"{first:%Y-%m}" not in usage(before, "months", "data-month")


def test_a_longer_period_reaches_older_calls(director, recorded):
    start = month(14)
    months = usage(page(director, **{"from": start.isoformat()}), "months", "data-month")
    assert len(months) == 15 and months[f"{start:%Y-%m}"] == (1, 1)


@pytest.mark.parametrize("params, field", [
    ({"from": "2025-02-30"}, "from"),
    ({"to": "demain"}, "to"),
])
def test_a_bad_date_gives_a_clear_message_and_keeps_what_was_typed(director, recorded, params, field):
    response = director.get(URL, params)
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    text = " ".join(soup.get_text(" ").split())
    assert ("This is not a date" in text) or ("Ce n’est pas une date" in text) or ("pas une date" in text)
    assert soup.select_one(f"input[name={field}]")["value"] == params[field]
    assert soup.select_one("#ai-oversight-invalid") is not None
    assert soup.select("#ai-oversight-table-months") == []

    export = director.get(URL, {**params, "export": "csv", "table": "months"})
    assert export.status_code == 400


def test_a_period_that_ends_before_it_starts_is_refused(director, recorded):
    soup = page(director, **{"from": "2025-05-01", "to": "2025-04-01"})
    errors = " ".join(soup.select_one("form .messages").get_text(" ").split())
    assert "2025" not in errors and errors  # a sentence, not an echo of the dates
    assert soup.select_one("input[name=from]")["value"] == "2025-05-01"
    assert soup.select("#ai-oversight-table-months") == []


# --- who may see it ----------------------------------------------------------------------------------------------


def test_the_content_manager_gets_403(client, staff, recorded):
    client.force_login(staff["content"])
    assert client.get(URL).status_code == 403
    assert client.get(URL, {"export": "csv", "table": "pages"}).status_code == 403


def test_the_ai_studio_menu_shows_the_dashboard_to_direction_only(direction, staff):
    (item,) = [item for item in AI_MENU_ITEMS if item.name == "ai-oversight"]
    request = RequestFactory().get("/admin/")
    request.user = direction
    assert item.is_shown(request)
    assert item.render_component(request).url == URL
    request.user = staff["content"]
    assert not item.is_shown(request)
