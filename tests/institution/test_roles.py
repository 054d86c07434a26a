"""The staff roles: what a member of each group can really do, and their setup.

``EXPECTED`` is the contract, written out by hand so that an accidental change
to ``cimaise.institution.roles.ROLES`` (or to Wagtail's behaviour) shows up
here; docs/roles.md publishes the same table and is checked against it.
"""

import re
from pathlib import Path

import pytest

from cimaise.institution import roles
from cimaise.institution.roles import (
    ADMINISTRATION,
    BOX_OFFICE,
    COMMUNITY_MANAGER,
    CONTENT_MANAGER,
    DIRECTION,
    ROLE_NAMES,
)

ROOT = Path(__file__).resolve().parents[2]
COLUMNS = [ADMINISTRATION, DIRECTION, CONTENT_MANAGER, COMMUNITY_MANAGER, BOX_OFFICE]
Y, N = True, False

# capability -> allowed?, in the order of COLUMNS
EXPECTED = {
    "access the admin": [Y, Y, Y, Y, Y],
    "edit the institution profile": [Y, Y, N, N, N],
    "create pages": [Y, Y, Y, Y, N],
    "edit pages": [Y, Y, Y, Y, N],
    "publish pages": [Y, Y, Y, N, N],
    "approve in the editorial workflow": [Y, Y, Y, N, N],
    "lock pages": [Y, N, Y, N, N],
    "translate pages": [Y, Y, Y, Y, N],
    "choose images": [Y, Y, Y, Y, Y],
    "upload images": [Y, Y, Y, Y, N],
    "delete any image": [Y, N, Y, N, N],
    "choose documents": [Y, Y, Y, Y, N],
    "edit venue screens": [Y, N, Y, N, Y],
    "manage redirects": [Y, N, Y, N, N],
    "manage users": [Y, N, N, N, N],
    "write with the AI assistant and the creative lab": [Y, Y, Y, Y, N],
    "read the AI history": [Y, Y, Y, Y, N],
    "see the AI oversight dashboard": [Y, Y, N, N, N],
    "check visitors in and see attendee lists": [Y, N, N, N, Y],
    "choose the AI model": [Y, N, N, N, N],
    "see contacts and the audience dashboard": [Y, Y, N, Y, N],
    "manage and import contacts": [Y, N, N, Y, N],
    "manage newsletter lists": [Y, N, N, Y, N],
    "use the loyalty desk": [Y, N, N, Y, Y],
    "manage membership programmes and rewards": [Y, N, N, Y, N],
}
MATRIX = {cap: dict(zip(COLUMNS, allowed, strict=True)) for cap, allowed in EXPECTED.items()}


def _view_allowed(client, url):
    """True for 200, False for a refusal (redirect to login/dashboard or 403); anything else is a bug."""
    response = client.get(url)
    assert response.status_code in (200, 302, 403), (url, response.status_code)
    return response.status_code == 200


def _lists(client, url, title):
    response = client.get(url)
    assert response.status_code in (200, 302, 403), (url, response.status_code)
    return response.status_code == 200 and title in response.content.decode()


@pytest.fixture
def media(site_pages, settings, tmp_path, django_user_model):
    """An image and a document that another staff member uploaded."""
    import io

    from django.core.files.base import ContentFile
    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from wagtail.documents.models import Document
    from wagtail.images.models import Image

    settings.MEDIA_ROOT = tmp_path / "media"
    other = django_user_model.objects.create_user(username="someone-else", password="not-used-1234")
    buffer = io.BytesIO()
    PILImage.new("RGB", (16, 16), "#123").save(buffer, "PNG")
    image = Image.objects.create(title="Vue-du-hall", file=ImageFile(buffer, name="hall.png"), uploaded_by_user=other)
    document = Document.objects.create(
        title="Plan-du-musee", file=ContentFile(b"%PDF-1.4\n", name="plan.pdf"), uploaded_by_user=other
    )
    return image, document


@pytest.fixture
def capability_checks(site_pages, media):
    """capability -> check(user, client), each using the real permission API and, where there is one, the admin view."""
    from wagtail.documents import get_document_model
    from wagtail.images import get_image_model
    from wagtail.models import GroupApprovalTask
    from wagtail.permissions import policy_registry

    from cimaise.pages.models import ScreenPlaylist

    image, document = media
    image_policy = policy_registry.get_by_type(get_image_model())
    document_policy = policy_registry.get_by_type(get_document_model())
    site = site_pages["site"]
    article = site_pages["article"]
    home = site_pages["home"]
    screen = ScreenPlaylist.objects.create(name="Hall", slug="hall")
    task = GroupApprovalTask.objects.get(name=roles.WORKFLOW_TASK_NAME)

    def agree(perm, view, where):
        assert perm == view, f"permission says {perm} but {where} says {view}"
        return perm

    def both(perm, client, url):
        return agree(perm, _view_allowed(client, url), url)

    return {
        "access the admin": lambda u, c: both(u.has_perm("wagtailadmin.access_admin"), c, "/admin/"),
        "edit the institution profile": lambda u, c: both(
            u.has_perm("institution.change_institutionprofile"), c,
            f"/admin/settings/institution/institutionprofile/{site.pk}/"),
        "create pages": lambda u, c: both(
            home.permissions_for_user(u).can_add_subpage(), c,
            f"/admin/pages/add/pages/standardpage/{home.pk}/"),
        "edit pages": lambda u, c: both(
            article.permissions_for_user(u).can_edit(), c, f"/admin/pages/{article.pk}/edit/"),
        "publish pages": lambda u, c: article.permissions_for_user(u).can_publish(),
        "approve in the editorial workflow": lambda u, c: bool(task.get_actions(article, u)),
        "lock pages": lambda u, c: article.permissions_for_user(u).can_lock(),
        "translate pages": lambda u, c: u.has_perm("simple_translation.submit_translation"),
        "choose images": lambda u, c: agree(
            image_policy.user_has_permission_for_instance(u, "choose", image),
            _lists(c, "/admin/images/chooser/", image.title), "the image chooser"),
        "upload images": lambda u, c: both(
            image_policy.user_has_permission(u, "add"), c, "/admin/images/multiple/add/"),
        "delete any image": lambda u, c: both(
            image_policy.user_has_permission_for_instance(u, "delete", image), c,
            f"/admin/images/{image.pk}/delete/"),
        "choose documents": lambda u, c: agree(
            document_policy.user_has_permission_for_instance(u, "choose", document),
            _lists(c, "/admin/documents/chooser/", document.title), "the document chooser"),
        "edit venue screens": lambda u, c: both(
            u.has_perm("pages.change_screenplaylist"), c, f"/admin/snippets/pages/screenplaylist/edit/{screen.pk}/"),
        "manage redirects": lambda u, c: both(u.has_perm("wagtailredirects.change_redirect"), c, "/admin/redirects/"),
        "manage users": lambda u, c: both(u.has_perm("auth.change_user"), c, "/admin/users/"),
        "write with the AI assistant and the creative lab": lambda u, c: both(
            u.has_perm("ai.use_ai_assistant"), c, "/admin/ai/lab/"),
        "read the AI history": lambda u, c: both(u.has_perm("ai.view_aiinteraction"), c, "/admin/ai/history/"),
        "see the AI oversight dashboard": lambda u, c: both(
            u.has_perm("ai.view_ai_dashboard"), c, "/admin/ai/oversight/"),
        "check visitors in and see attendee lists": lambda u, c: both(
            u.has_perm("events.check_in_registration"), c, "/admin/events/checkin/"),
        "choose the AI model": lambda u, c: both(
            u.has_perm("ai.change_aimodelsettings"), c, f"/admin/settings/ai/aimodelsettings/{site.pk}/"),
        "see contacts and the audience dashboard": lambda u, c: both(
            u.has_perm("audience.view_contact"), c, "/admin/audience/dashboard/")
        and _view_allowed(c, "/admin/audience/contacts/"),
        "manage and import contacts": lambda u, c: both(
            u.has_perm("audience.change_contact") and u.has_perm("audience.add_contactimport"), c,
            "/admin/audience/contacts/imports/"),
        "manage newsletter lists": lambda u, c: both(
            u.has_perm("audience.change_newsletterlist"), c, "/admin/audience/lists/"),
        "use the loyalty desk": lambda u, c: both(
            u.has_perm("audience_loyalty.use_loyalty_desk"), c, "/admin/loyalty/desk/"),
        "manage membership programmes and rewards": lambda u, c: both(
            u.has_perm("audience_loyalty.change_reward"), c, "/admin/snippets/audience_loyalty/reward/"),
    }


def _member(django_user_model, role):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(
        username=f"user-{ROLE_NAMES.index(role)}", email=f"role{ROLE_NAMES.index(role)}@musee.example",
        password="not-used-1234",
    )
    user.groups.add(Group.objects.get(name=role))
    return django_user_model.objects.get(pk=user.pk)  # fresh: no permission cache


@pytest.mark.parametrize("role", COLUMNS)
def test_each_role_can_do_exactly_what_the_matrix_says(capability_checks, django_user_model, client, role):
    user = _member(django_user_model, role)
    client.force_login(user)

    actual = {capability: check(user, client) for capability, check in capability_checks.items()}
    expected = {capability: allowed[role] for capability, allowed in MATRIX.items()}
    assert actual == expected


def test_the_matrix_covers_every_role_and_only_them():
    assert COLUMNS == ROLE_NAMES == list(roles.ROLES)


def _markdown_table():
    lines = ["| capability | " + " | ".join(COLUMNS) + " |", "| --- |" + " --- |" * len(COLUMNS)]
    for capability, allowed in EXPECTED.items():
        lines.append(f"| {capability} | " + " | ".join("yes" if a else "no" for a in allowed) + " |")
    return "\n".join(lines)


def _first_markdown_table(text):
    rows = []
    for line in text.splitlines():
        if line.strip().startswith("|"):
            rows.append([cell.strip() for cell in line.strip().strip("|").split("|")])
        elif rows:
            break
    header, separator, *body = rows
    assert all(re.fullmatch(r":?-{3,}:?", cell) for cell in separator)
    return header, body


def test_docs_roles_md_publishes_the_same_matrix():
    path = ROOT / "docs" / "roles.md"
    assert path.exists(), "docs/roles.md is missing; its first table must be:\n" + _markdown_table()
    header, body = _first_markdown_table(path.read_text(encoding="utf-8"))

    assert header == ["capability", *COLUMNS]
    documented = {}
    for cells in body:
        assert len(cells) == len(header), cells
        assert set(cells[1:]) <= {"yes", "no"}, cells
        documented[cells[0]] = [cell == "yes" for cell in cells[1:]]
    assert documented == EXPECTED, "docs/roles.md's first table must be:\n" + _markdown_table()


# --- setting the roles up --------------------------------------------------------


def _snapshot():
    from django.contrib.auth.models import Group
    from wagtail.models import GroupCollectionPermission, GroupPagePermission

    return {
        group.name: (
            sorted(group.permissions.values_list("content_type__app_label", "codename")),
            sorted(GroupPagePermission.objects.filter(group=group).values_list("page_id", "permission__codename")),
            sorted(GroupCollectionPermission.objects.filter(group=group)
                   .values_list("collection_id", "permission__content_type__app_label", "permission__codename")),
        )
        for group in Group.objects.order_by("name")
    }


def test_migrate_created_the_role_groups(db):
    from django.contrib.auth.models import Group

    assert set(Group.objects.values_list("name", flat=True)) == set(ROLE_NAMES)


def test_ensure_roles_is_idempotent(db):
    from wagtail.models import GroupApprovalTask, Workflow, WorkflowPage

    before = _snapshot()
    counts = (Workflow.objects.count(), GroupApprovalTask.objects.count(), WorkflowPage.objects.count())
    roles.ensure_roles()
    roles.ensure_roles()
    assert _snapshot() == before
    assert (Workflow.objects.count(), GroupApprovalTask.objects.count(), WorkflowPage.objects.count()) == counts


def test_ensure_roles_repairs_a_role_that_was_changed_by_hand(db):
    from django.contrib.auth.models import Group, Permission

    before = _snapshot()
    box_office = Group.objects.get(name=BOX_OFFICE)
    box_office.permissions.add(Permission.objects.get(codename="change_user"))
    Group.objects.get(name=DIRECTION).delete()

    roles.ensure_roles()
    assert _snapshot() == before


def test_ensure_roles_removes_wagtails_default_groups_only_when_empty(db, django_user_model):
    from django.contrib.auth.models import Group

    editors = Group.objects.create(name="Editors")
    Group.objects.create(name="Moderators")
    user = django_user_model.objects.create_user(username="old-editor", password="not-used-1234")
    user.groups.add(editors)

    roles.ensure_roles()

    assert Group.objects.filter(name="Editors").exists(), "a group with members is kept"
    assert not Group.objects.filter(name="Moderators").exists()


def test_editorial_workflow_covers_the_site_and_is_approved_by_the_approving_roles(db):
    from wagtail.models import GroupApprovalTask, Page, Workflow

    root = Page.get_first_root_node()
    workflow = Workflow.objects.get(name=roles.WORKFLOW_NAME)
    assert workflow.active
    assert root.get_workflow() == workflow
    (task,) = [t.specific for t in workflow.tasks]
    assert isinstance(task, GroupApprovalTask)
    assert set(task.groups.values_list("name", flat=True)) == {ADMINISTRATION, DIRECTION, CONTENT_MANAGER}
    assert set(task.groups.values_list("name", flat=True)) == {
        role for role in ROLE_NAMES if MATRIX["approve in the editorial workflow"][role]
    }
    # Wagtail's default workflow no longer applies anywhere.
    assert list(Workflow.objects.filter(active=True)) == [workflow]


def test_a_new_page_follows_the_editorial_workflow(site_pages):
    from wagtail.models import Workflow

    assert site_pages["article"].get_workflow() == Workflow.objects.get(name=roles.WORKFLOW_NAME)
    assert site_pages["en"]["article"].get_workflow() == Workflow.objects.get(name=roles.WORKFLOW_NAME)


def test_setup_roles_command_reports_the_roles(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("setup_roles", stdout=out)
    assert out.getvalue().strip() == f"5 roles up to date: {', '.join(ROLE_NAMES)}"


def test_flush_empties_the_database_without_crashing_on_the_roles(db):
    """After ``manage flush`` there is no page tree to grant permissions on: the roles wait for ``setup_roles``."""
    from django.contrib.auth.models import Group
    from django.core.management import call_command
    from wagtail.models import Page

    call_command("flush", interactive=False, verbosity=0)

    assert not Page.objects.exists()
    assert not Group.objects.filter(name__in=ROLE_NAMES).exists()
