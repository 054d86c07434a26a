"""The editorial workflow: who writes, who approves, and the preview."""

import pytest
from django.contrib.auth.models import Group, User

from cimaise.institution import roles


def _member(role, username):
    user = User.objects.create_user(username, password="pw-for-tests-123")
    user.groups.add(Group.objects.get(name=role))
    return user


@pytest.mark.django_db
def test_community_manager_submits_and_direction_approves(site_pages):
    article = site_pages["article"]
    article.title = "Nouveau titre proposé"
    writer = _member(roles.COMMUNITY_MANAGER, "writer")
    approver = _member(roles.DIRECTION, "approver")
    revision = article.save_revision(user=writer)
    assert not article.permissions_for_user(writer).can_publish()
    assert article.permissions_for_user(approver).can_publish()

    workflow = article.get_workflow()
    assert workflow is not None and workflow.name == roles.WORKFLOW_NAME
    state = workflow.start(article, writer)
    task_state = state.current_task_state
    task = task_state.task.specific
    assert task.get_actions(article, writer) == []
    assert "approve" in [name for name, *_ in task.get_actions(article, approver)]

    task.on_action(task_state, approver, "approve")
    article.refresh_from_db()
    assert article.live_revision_id == revision.pk
    assert article.title == "Nouveau titre proposé"


@pytest.mark.django_db
def test_box_office_cannot_edit_pages(site_pages):
    desk = _member(roles.BOX_OFFICE, "desk")
    assert not site_pages["article"].permissions_for_user(desk).can_edit()


@pytest.mark.django_db
def test_preview_renders_the_unpublished_draft(site_pages):
    article = site_pages["article"]
    article.intro = "Texte en cours de relecture"
    article.save_revision()
    draft = article.get_latest_revision_as_object()
    response = draft.make_preview_request()
    assert response.status_code == 200
    assert "Texte en cours de relecture" in response.content.decode()
    article.refresh_from_db()
    assert article.intro != "Texte en cours de relecture"  # the public page is unchanged
