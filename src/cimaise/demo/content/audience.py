"""The demo's audience: a few contacts, the friends' programme with its tiers, points rules and rewards,
and a file of contacts for the marketer to import (contacts-a-importer.csv, beside this module)."""

from pathlib import Path

IMPORT_FILE = Path(__file__).with_name("contacts-a-importer.csv")

INTERESTS = ["Peinture ancienne", "Photographie", "Familles", "Concerts", "Restauration"]

# email, first name, last name, language, kind, interests, months ago, newsletter consent
CONTACTS = [
    ("lea.moreau@example.org", "Léa", "Moreau", "fr", "member", ["Peinture ancienne", "Restauration"], 7, True),
    ("paul.girard@example.org", "Paul", "Girard", "fr", "visitor", ["Concerts"], 6, True),
    ("ines.haddad@example.org", "Inès", "Haddad", "fr", "teacher", ["Familles", "Peinture ancienne"], 5, True),
    ("tom.baker@example.org", "Tom", "Baker", "en", "visitor", ["Photographie"], 4, True),
    ("claire.dumas@example.org", "Claire", "Dumas", "fr", "press", ["Photographie", "Restauration"], 3, False),
    ("hugo.lambert@example.org", "Hugo", "Lambert", "fr", "student", ["Concerts", "Photographie"], 2, True),
    ("nadia.roux@example.org", "Nadia", "Roux", "fr", "donor", ["Peinture ancienne"], 1, True),
]

PROGRAMME = {
    "name": "Amis du musée",
    "description": "Soutenez le musée et profitez de la collection toute l'année.",
    "tiers": [
        {"name": "Ami", "slug": "ami", "price_note": "45 € par an, à l'accueil",
         "benefits": "Entrée libre, invitations aux vernissages, 10 % à la librairie."},
        {"name": "Mécène", "slug": "mecene", "price_note": "150 € par an, à l'accueil",
         "benefits": "Les avantages de l'Ami, une visite privée par an avec un conservateur."},
    ],
}

# activity, points, members only
POINTS_RULES = [("registered", 10, False), ("checked_in", 20, False), ("visited", 5, True), ("purchased", 1, True)]

REWARDS = [
    ("Café offert au salon de thé", 50, "Un café ou un thé, au salon du rez-de-chaussée."),
    ("Affiche de l'exposition", 120, "L'affiche de « Lumières du fleuve », format 50 × 70."),
    ("Visite privée des réserves", 400, "Une heure dans les réserves avec l'équipe de conservation."),
]

# Léa, the demo's member: her visits and purchases (points), then a coffee spent.
MEMBER_EMAIL = "lea.moreau@example.org"
MEMBER_VISITS = 3
MEMBER_PURCHASES = ["24.00", "12.50"]
