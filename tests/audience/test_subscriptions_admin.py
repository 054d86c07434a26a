"""Newsletter lists in the admin: under "Audience", with how many people are subscribed and waiting."""

import pytest

from cimaise.audience.models import Contact, NewsletterList, Subscription

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(client, django_user_model):
    user = django_user_model.objects.create_superuser("admin", "admin@example.org", "pw")
    client.force_login(user)
    return client


def test_lists_index_shows_counts_and_the_menu_entry(admin):
    newsletter = NewsletterList.objects.create(name="La lettre du musée", slug="lettre")
    for n, status in enumerate(["confirmed", "confirmed", "pending", "unsubscribed"]):
        contact = Contact.objects.create(email=f"p{n}@example.org")
        Subscription.objects.create(contact=contact, newsletter=newsletter, status=status)
    page = admin.get("/admin/audience/lists/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "La lettre du musée" in html
    assert "p0@example.org" not in html
    row = html[html.index("La lettre du musée"):]
    assert ">2<" in row.replace(" ", "").replace("\n", "") and ">1<" in row.replace(" ", "").replace("\n", "")
    assert "/admin/audience/lists/" in admin.get("/admin/").content.decode()


def test_create_a_list(admin):
    response = admin.post("/admin/audience/lists/new/", {
        "name": "Jeune public", "slug": "jeune", "description": "", "language": "", "double_opt_in": "on",
        "public": "on"})
    assert response.status_code == 302
    assert NewsletterList.objects.get(slug="jeune").double_opt_in


def test_a_duplicate_slug_is_refused_and_keeps_what_was_typed(admin):
    NewsletterList.objects.create(name="A", slug="jeune")
    response = admin.post("/admin/audience/lists/new/", {"name": "Jeune public", "slug": "jeune", "language": ""})
    assert response.status_code == 200
    assert 'value="Jeune public"' in response.content.decode()
    assert NewsletterList.objects.count() == 1
