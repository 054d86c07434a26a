"""Who the demo institution is: the values of its InstitutionProfile site setting."""

from cimaise.institution.ai_actions import AI_ACTION_KEYS

MUSEUM_NAME = "Musée des Beaux-Arts de Valmont"
DOMAIN = "mba-valmont.example"  # .example never resolves: no mail or visit leaves the demo
WEBSITE = f"https://{DOMAIN}"

# Every AI action except image generation: the museum shows real works only.
AI_ALLOWED_ACTIONS = [key for key in AI_ACTION_KEYS if key != "image_generation"]

PROFILE = {
    "name": MUSEUM_NAME,
    "kind": "museum",
    "mission": (
        "Le Musée des Beaux-Arts de Valmont conserve, étudie et fait vivre une collection de "
        "peintures, de dessins et d'objets d'art du XVe siècle à nos jours, tournée vers la Loire "
        "et ses paysages. Il ouvre ses salles, ses réserves et son atelier de restauration à tous "
        "les publics, sur place comme en ligne, et associe les habitants de la vallée à la vie "
        "des œuvres."
    ),
    "audiences": "\n".join([
        "Familles avec enfants",
        "Scolaires et enseignants",
        "Habitants de Valmont-sur-Loire et de la vallée",
        "Touristes français et internationaux, dont les cyclistes de La Loire à Vélo",
        "Étudiants en art et en histoire de l'art",
        "Personnes en situation de handicap et leurs accompagnants",
        "Amis du musée, mécènes et entreprises partenaires",
    ]),
    "tone_of_voice": (
        "Chaleureux, précis, jamais jargonnant. On vouvoie le public. On explique un terme "
        "technique la première fois qu'on l'emploie (vernis, glacis, cartel). Phrases courtes, "
        "verbes d'action, une idée par phrase.\n"
        "Mots à employer : œuvre, visiteurs, public, équipe, collections.\n"
        "Mots à éviter : pièce, clients, « incontournable », « exceptionnel », « à ne pas manquer ».\n"
        "Inclusif par des formulations neutres (« le public », « l'équipe de médiation ») "
        "plutôt que par le point médian.\n"
        "In English: British spelling, the same warmth, no marketing superlatives."
    ),
    "languages": ["fr", "en"],
    "address": "Musée des Beaux-Arts de Valmont\n12, quai des Tanneurs\n41999 Valmont-sur-Loire\nFrance",
    "email": f"accueil@{DOMAIN}",
    # A number from the range that ARCEP reserves for fiction (02 61 91 xx xx).
    "phone": "+33 2 61 91 12 30",
    "website": WEBSITE,
    "opening_hours": (
        "Du mardi au dimanche, de 10 h à 18 h\n"
        "Nocturne le jeudi jusqu'à 21 h\n"
        "Fermé le lundi, le 1er janvier, le 1er mai et le 25 décembre"
    ),
    "ai_allowed_actions": AI_ALLOWED_ACTIONS,
    "ai_refusal_reason": (
        "Le musée ne publie pas d'images produites par intelligence artificielle : nos visuels "
        "montrent des œuvres réelles ou des photographies de notre équipe. Pour un visuel, "
        "adressez-vous au service communication."
    ),
    "ai_disclosure_fr": (
        "Ce contenu a été préparé avec l'aide d'un outil d'intelligence artificielle, puis relu, "
        "corrigé et validé par l'équipe du musée. La note de méthode ci-dessous précise ce que "
        "l'outil a fait et qui a vérifié le résultat."
    ),
    "ai_disclosure_en": (
        "This content was prepared with the help of an artificial intelligence tool, then "
        "reviewed, corrected and approved by the museum's staff. The methodology note below "
        "explains what the tool did and who checked the result."
    ),
    "ai_requires_second_reviewer": True,
}
