"""One staff account per role. These are a demo's public accounts: ./cimaise prints them."""

from cimaise.demo.content.institution import DOMAIN
from cimaise.institution import roles

DEMO_PASSWORD = "cimaise-demo"

# username, role (group name), first name, last name
ACCOUNTS = [
    ("admin", roles.ADMINISTRATION, "Karim", "Benali"),
    ("direction", roles.DIRECTION, "Anne", "Lefébure"),
    ("contenu", roles.CONTENT_MANAGER, "Camille", "Roussel"),
    ("communaute", roles.COMMUNITY_MANAGER, "Théo", "Marchand"),
    ("accueil", roles.BOX_OFFICE, "Sophie", "Garnier"),
]
SUPERUSERS = {"admin"}

# The account that writes the demo pages, and the one that publishes them.
AUTHOR = "contenu"
PUBLISHER = "direction"


def email(username):
    return f"{username}@{DOMAIN}"
