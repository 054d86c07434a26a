"""The staff roles of an institution and exactly what each may do.

``ROLES`` is the single source of truth: ``ensure_roles`` makes the groups
match it (on every migrate, and with ``manage setup_roles``), docs/roles.md
describes it and a test checks both against what users can really do.
Higher apps (events, audience, ...) add their permissions with
``register_role_permissions`` from their AppConfig.ready().
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

ADMINISTRATION = "Administration"
DIRECTION = "Direction & stratégie"
CONTENT_MANAGER = "Content manager"
COMMUNITY_MANAGER = "Community manager"
BOX_OFFICE = "Billetterie & accueil"

ROLE_NAMES = [ADMINISTRATION, DIRECTION, CONTENT_MANAGER, COMMUNITY_MANAGER, BOX_OFFICE]

PAGE_ALL = ["add_page", "change_page", "publish_page", "bulk_delete_page", "lock_page", "unlock_page"]
IMAGE_ALL = ["add_image", "change_image", "choose_image", "delete_image"]
DOCUMENT_ALL = ["add_document", "change_document", "choose_document", "delete_document"]
SCREENS_ALL = ["pages.add_screenplaylist", "pages.change_screenplaylist",
               "pages.delete_screenplaylist", "pages.view_screenplaylist"]

# Each role: model permissions ("app_label.codename"), page permissions on the
# whole tree, image and document permissions on the root collection, and
# whether the role approves in the editorial workflow.
ROLES = {
    ADMINISTRATION: {
        "permissions": [
            "wagtailadmin.access_admin",
            "institution.change_institutionprofile",
            *SCREENS_ALL,
            "auth.add_user", "auth.change_user", "auth.delete_user", "auth.view_user",
            "auth.add_group", "auth.change_group", "auth.delete_group", "auth.view_group",
            "wagtailcore.add_collection", "wagtailcore.change_collection", "wagtailcore.delete_collection",
            "wagtailcore.add_workflow", "wagtailcore.change_workflow", "wagtailcore.delete_workflow",
            "wagtailcore.add_task", "wagtailcore.change_task", "wagtailcore.delete_task",
            "wagtailcore.add_site", "wagtailcore.change_site", "wagtailcore.delete_site",
            "wagtailcore.add_locale", "wagtailcore.change_locale", "wagtailcore.delete_locale",
            "wagtailredirects.add_redirect", "wagtailredirects.change_redirect", "wagtailredirects.delete_redirect",
            "simple_translation.submit_translation",
        ],
        "pages": PAGE_ALL,
        "images": IMAGE_ALL,
        "documents": DOCUMENT_ALL,
        "approves": True,
    },
    DIRECTION: {
        "permissions": [
            "wagtailadmin.access_admin",
            "institution.change_institutionprofile",
            "pages.view_screenplaylist",
            "simple_translation.submit_translation",
        ],
        "pages": ["add_page", "change_page", "publish_page"],
        "images": ["choose_image", "add_image"],
        "documents": ["choose_document", "add_document"],
        "approves": True,
    },
    CONTENT_MANAGER: {
        "permissions": [
            "wagtailadmin.access_admin",
            *SCREENS_ALL,
            "wagtailredirects.add_redirect", "wagtailredirects.change_redirect", "wagtailredirects.delete_redirect",
            "simple_translation.submit_translation",
        ],
        "pages": ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
        "images": IMAGE_ALL,
        "documents": DOCUMENT_ALL,
        "approves": True,
    },
    COMMUNITY_MANAGER: {
        "permissions": [
            "wagtailadmin.access_admin",
            "simple_translation.submit_translation",
        ],
        "pages": ["add_page", "change_page"],
        "images": ["add_image", "choose_image"],
        "documents": ["choose_document"],
        "approves": False,
    },
    BOX_OFFICE: {
        "permissions": [
            "wagtailadmin.access_admin",
            "pages.change_screenplaylist", "pages.view_screenplaylist",
        ],
        "pages": [],
        "images": ["choose_image"],
        "documents": [],
        "approves": False,
    },
}

WORKFLOW_NAME = "Relecture éditoriale"
WORKFLOW_TASK_NAME = "Validation par la direction ou les contenus"
# Groups that Wagtail's own migrations create; Cimaise's roles replace them.
WAGTAIL_DEFAULT_GROUPS = ["Editors", "Moderators"]


def register_role_permissions(role, permissions):
    """Let a higher app grant its own model permissions to a role."""
    ROLES[role]["permissions"].extend(p for p in permissions if p not in ROLES[role]["permissions"])


def _permission(dotted):
    app_label, codename = dotted.split(".", 1)
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


def _wagtail_permission(app_label, codename):
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)


@transaction.atomic
def ensure_roles():
    """Create or update the role groups so that they grant exactly ``ROLES``."""
    from wagtail.models import (
        Collection,
        GroupApprovalTask,
        GroupCollectionPermission,
        GroupPagePermission,
        Page,
        Workflow,
        WorkflowPage,
        WorkflowTask,
    )

    root_page = Page.get_first_root_node()
    root_collection = Collection.get_first_root_node()
    groups = {}
    for name, role in ROLES.items():
        group, _created = Group.objects.get_or_create(name=name)
        groups[name] = group
        group.permissions.set([_permission(p) for p in role["permissions"]])

        GroupPagePermission.objects.filter(group=group).delete()
        for codename in role["pages"]:
            GroupPagePermission.objects.create(
                group=group, page=root_page, permission=_wagtail_permission("wagtailcore", codename)
            )
        GroupCollectionPermission.objects.filter(group=group).delete()
        for app_label, key in (("wagtailimages", "images"), ("wagtaildocs", "documents")):
            for codename in role[key]:
                GroupCollectionPermission.objects.create(
                    group=group,
                    collection=root_collection,
                    permission=_wagtail_permission(app_label, codename),
                )

    Group.objects.filter(name__in=WAGTAIL_DEFAULT_GROUPS, user__isnull=True).delete()

    task = GroupApprovalTask.objects.filter(name=WORKFLOW_TASK_NAME).first()
    if task is None:
        task = GroupApprovalTask.objects.create(name=WORKFLOW_TASK_NAME)
    task.groups.set([groups[name] for name, role in ROLES.items() if role["approves"]])
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME, defaults={"active": True})
    # Not workflow.workflow_tasks.create(): that cluster relation only saves with its parent.
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=root_page, defaults={"workflow": workflow})
    Workflow.objects.exclude(pk=workflow.pk).filter(workflow_pages__isnull=True).update(active=False)
    return groups


def ensure_roles_after_migrate(sender, using="default", **kwargs):
    # post_migrate is sent once per app; act on the last one, when every
    # app's permissions exist, and only once the whole schema is there.
    from django.apps import apps
    from django.db import connections

    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender is not with_models[-1]:
        return

    tables = connections[using].introspection.table_names()
    if {"auth_group", "wagtailcore_grouppagepermission", "wagtailcore_workflow"} <= set(tables):
        from wagtail.models import Collection, Page

        # After ``manage flush`` there is no page tree to grant permissions on
        # (Wagtail's migrations made it): ``manage setup_roles`` does it later.
        if Page.get_first_root_node() is None or Collection.get_first_root_node() is None:
            return
        ensure_roles()
