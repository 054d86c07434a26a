"""The screens in the venue and the pages each shows, as (page key, language) pairs."""

SCREENS = [
    {
        "name": "Hall d'accueil",
        "slug": "hall",
        "seconds_per_slide": 15,
        "pages": [("exhibition", "fr"), ("webinar", "fr"), ("late-openings", "fr"), ("exhibition", "en")],
    },
    {
        "name": "Salle 3 – Lumières du fleuve",
        "slug": "salle-3",
        "seconds_per_slide": 20,
        "pages": [("exhibition", "fr"), ("acquisition", "fr"), ("opening", "fr"), ("exhibition", "en")],
    },
]
