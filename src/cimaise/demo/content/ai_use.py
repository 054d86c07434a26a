"""The demo's writing with AI: what the assistant was asked, what it answered, what the team kept.

Two stories, both in French:

- ``ASSISTED``: the accessible tour article (already in ``articles``): its
  first paragraph was drafted from a brief with the assistant, then edited;
  its methodology note was approved by the director, so the public page shows
  "Comment nous avons utilisé l'IA".
- ``DRAFT``: a new article written with the assistant and left as a draft:
  its note waits for approval, so it cannot be published yet. This is the one
  to try in the admin: publish (refused), approve the note, publish.

The ledger entries are recorded by the loader as the gateway records real
calls, with ``"demo": true`` in their parameters: the answers were written for
the demo, not produced by a model when the demo loads (that would take
minutes and give a different text each time).
"""

from cimaise.demo.content.blocks import h2, p

# (action, field, what the person typed, the answer recorded, what they did with it)
ASSISTED = {
    "page": "accessible-tour",
    "calls": [
        (
            "draft", "body",
            "Parcours accessible : 10 œuvres, audiodescription de 3 minutes, vidéo en LSF sous-titrée, 3 reliefs "
            "à toucher. Conçu avec l'association Valmont Accessible et des visiteurs aveugles, malvoyants et "
            "sourds.",
            "Conçu avec l'association Valmont Accessible et des visiteurs aveugles, malvoyants et sourds, ce "
            "parcours propose pour chaque œuvre une audiodescription de trois minutes, une vidéo en langue des "
            "signes française sous-titrée et, pour trois d'entre elles, une reproduction en relief que l'on "
            "peut toucher.",
            "inserted",
        ),
        (
            "titles", "title",
            "Un parcours pour découvrir les œuvres autrement, avec audiodescription et langue des signes.",
            "1. Voir, entendre, toucher : le nouveau parcours\n2. Dix œuvres à découvrir autrement\n3. Le "
            "musée s'ouvre à tous les sens",
            "discarded",
        ),
    ],
    "checks": ["facts", "sources", "tone"],
    "approver": "direction",
    "responsible": "Anne Lefébure, directrice du musée",
}

DRAFT_BRIEF = (
    "Article pour le site : les coulisses de l'exposition « Lumières du fleuve ». Trois ans de préparation, "
    "80 œuvres, cinq salles, le cycle d'Hélène Corbin réuni pour la première fois depuis 1911, des prêts de "
    "familles de Valmont. Ton chaleureux, phrases courtes."
)
DRAFT_ANSWER = (
    "Derrière les cinq salles de « Lumières du fleuve », il y a trois années d'enquête. L'équipe du musée a "
    "fouillé ses réserves, sollicité les musées de la région et frappé à la porte de familles de Valmont qui "
    "gardaient, parfois sans le savoir, une toile d'Hélène Corbin au-dessus de la cheminée. Le moment le plus "
    "émouvant ? Le jour où la huitième toile du cycle a rejoint les sept autres, pour la première fois depuis "
    "1911."
)
DRAFT_TITLES = (
    "1. Dans les coulisses de « Lumières du fleuve »\n2. Trois ans pour réunir un cycle\n3. Le retour des huit "
    "toiles"
)

DRAFT = {
    "key": "behind-the-scenes",
    "parent": "news",
    "image": "fleuve-aube",
    "fr": {
        "title": "Dans les coulisses de « Lumières du fleuve »",
        "slug": "coulisses-lumieres-du-fleuve",
        "intro": "Trois ans d'enquête, des greniers de Valmont aux réserves du musée : comment l'exposition est née.",
        "image_alt": (
            "Peinture d'un fleuve à l'aube : un soleil pâle au-dessus de collines bleutées, des peupliers "
            "sombres sur les rives et des reflets dorés sur l'eau."
        ),
        "body": [
            h2("Trois ans d'enquête"),
            # The assistant's answer, lightly edited by the author ("fouillé" -> "exploré", one clause cut).
            p(
                "<p>Derrière les cinq salles de « Lumières du fleuve », il y a trois années d'enquête. L'équipe "
                "du musée a exploré ses réserves, sollicité les musées de la région et frappé à la porte de "
                "familles de Valmont qui gardaient une toile d'Hélène Corbin au-dessus de la cheminée. Le moment "
                "le plus émouvant ? Le jour où la huitième toile du cycle a rejoint les sept autres, pour la "
                "première fois depuis 1911.</p>"
            ),
            p(
                "<p>Nous remercions toutes les familles prêteuses : sans elles, le cycle serait resté "
                "incomplet.</p>"
            ),
        ],
    },
    "calls": [
        ("draft", "body", DRAFT_BRIEF, DRAFT_ANSWER, "inserted"),
        ("titles", "title", DRAFT_BRIEF, DRAFT_TITLES, "inserted"),
    ],
}
