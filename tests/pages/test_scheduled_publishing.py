"""Scheduled publishing: a page set to go live later goes live once its time has come.

Time is moved the way it passes: the scheduled revision's go-live time (both
the approved time and the one stored in the revision's content) is set to the
past, as it will be once the clock reaches it.
"""

import datetime
import signal

import pytest
from django.core.management import call_command
from django.utils import timezone

from cimaise.pages.tasks import publish_scheduled_pages


def _schedule(page, **changes):
    """Save a revision with ``changes`` and publish it for tomorrow, as an editor does in the admin."""
    for name, value in changes.items():
        setattr(page, name, value)
    page.go_live_at = timezone.now() + datetime.timedelta(days=1)
    revision = page.save_revision()
    revision.publish()
    revision.refresh_from_db()
    page.refresh_from_db()
    assert revision.approved_go_live_at is not None, "the revision is scheduled, not published"
    return revision


def _time_comes(revision):
    past = timezone.now() - datetime.timedelta(minutes=1)
    revision.approved_go_live_at = past
    revision.content["go_live_at"] = past.isoformat()
    revision.save(update_fields=["approved_go_live_at", "content"])


@pytest.fixture
def scheduled_article(site_pages):
    """A new article, never published, scheduled for tomorrow."""
    from cimaise.pages.models import ArticlePage

    article = site_pages["index"].add_child(
        instance=ArticlePage(title="Nocturne du jeudi", slug="nocturne", live=False, intro="Ouvert jusqu'à 22 h.")
    )
    revision = _schedule(article)
    return article, revision


def test_a_scheduled_page_stays_hidden_until_its_time(scheduled_article, client):
    article, revision = scheduled_article
    assert not article.live
    assert client.get("/fr/actualites/nocturne/").status_code == 404

    publish_scheduled_pages.enqueue()  # not yet: nothing changes

    article.refresh_from_db()
    assert not article.live
    assert client.get("/fr/actualites/nocturne/").status_code == 404


def test_the_task_publishes_a_page_whose_time_has_come(scheduled_article, client):
    article, revision = scheduled_article
    _time_comes(revision)

    publish_scheduled_pages.enqueue()

    article.refresh_from_db()
    assert article.live
    assert article.live_revision_id == revision.pk
    response = client.get("/fr/actualites/nocturne/")
    assert response.status_code == 200
    assert "Nocturne du jeudi" in response.content.decode()
    assert b"Nocturne du jeudi" in client.get("/fr/feeds/articles.rss").content
    revision.refresh_from_db()
    assert revision.approved_go_live_at is None

    publish_scheduled_pages.enqueue()  # running again changes nothing
    article.refresh_from_db()
    assert article.live and article.live_revision_id == revision.pk


def test_a_scheduled_change_to_a_live_page_replaces_it_on_time(site_pages, client):
    article = site_pages["article"]
    revision = _schedule(article, title="Le retable restauré")

    assert article.live
    assert "La restauration du grand retable" in client.get("/fr/actualites/restauration-retable/").content.decode()

    _time_comes(revision)
    publish_scheduled_pages.enqueue()

    html = client.get("/fr/actualites/restauration-retable/").content.decode()
    assert "Le retable restauré" in html
    assert "La restauration du grand retable" not in html


def test_the_task_unpublishes_an_expired_page(site_pages, client):
    from wagtail.models import Page

    about = site_pages["about"]
    Page.objects.filter(pk=about.pk).update(expire_at=timezone.now() - datetime.timedelta(minutes=1))

    publish_scheduled_pages.enqueue()

    about.refresh_from_db()
    assert not about.live
    assert about.expired
    assert client.get("/fr/visiter/").status_code == 404


@pytest.fixture
def restore_signal_handlers():
    """The database worker installs its own SIGINT/SIGTERM handlers: give pytest its own back."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


# The worker closes the connection between tasks (close_old_connections), which
# ends a test's enclosing transaction on PostgreSQL: this test commits for real,
# and the database as migrations left it is restored afterwards.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_scheduler_and_database_worker_publish_the_page_end_to_end(
    scheduled_article, settings, restore_signal_handlers, client
):
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    article, revision = scheduled_article
    _time_comes(revision)

    call_command("run_scheduler", "--once")

    # The scheduler enqueues every periodic task (the events' reminders and offers too): ours is there, once.
    (stored,) = DBTaskResult.objects.filter(task_path="cimaise.pages.tasks.publish_scheduled_pages")
    assert stored.status == TaskResultStatus.READY
    article.refresh_from_db()
    assert not article.live, "the scheduler only enqueues; the worker publishes"

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)

    stored.refresh_from_db()
    assert stored.status == TaskResultStatus.SUCCESSFUL
    article.refresh_from_db()
    assert article.live
    assert client.get("/fr/actualites/nocturne/").status_code == 200
