"""The demo news items, in French and English, dated over the last months.

``articles(cal)`` returns them newest first. Each has a ``key``, a ``date``,
a main ``image`` (by key) and its text in ``fr`` and ``en``, including the
main image's alternative text.
"""

from cimaise.demo.content.blocks import cta, h2, img, p, quote
from cimaise.demo.content.dates import EXHIBITION_OPENED_DAYS_AGO


def articles(cal):
    return [
        opening(cal),
        restoration(cal),
        late_openings(cal),
        accessible_tour(cal),
        acquisition(cal),
        workshops(cal),
    ]


def opening(cal):
    end_fr, end_en = cal.fr(cal.exhibition_end), cal.en(cal.exhibition_end)
    return {
        "key": "opening",
        "date": cal.days_ago(EXHIBITION_OPENED_DAYS_AGO),
        "image": "fleuve-aube",
        "fr": {
            "title": "« Lumières du fleuve » ouvre ses portes",
            "slug": "lumieres-du-fleuve-ouvre-ses-portes",
            "intro": (
                "Quatre-vingts œuvres, cinq salles et un cycle d'Hélène Corbin réuni pour la "
                "première fois depuis 1911 : la grande exposition de l'année est ouverte jusqu'au "
                + end_fr + "."
            ),
            "image_alt": (
                "Peinture d'un fleuve à l'aube : un soleil pâle au-dessus de collines bleutées, des "
                "peupliers sombres sur les rives et des reflets dorés sur l'eau."
            ),
            "body": [
                h2("Trois ans de préparation"),
                p(
                    "<p>Il a fallu trois ans à l'équipe du musée pour réunir les œuvres de « Lumières "
                    "du fleuve ». Une trentaine viennent de nos réserves, et certaines n'avaient pas "
                    "été montrées depuis un demi-siècle ; les autres sont prêtées par des musées de "
                    "la région, par la bibliothèque municipale et par des familles de Valmont qui "
                    "ont ouvert leurs greniers.</p>"
                    "<p>Le cœur de l'exposition est le cycle des <i>Lumières du fleuve</i> : huit "
                    "toiles qu'Hélène Corbin peignit depuis la même berge entre 1899 et 1905, à "
                    "toutes les heures du jour. Dispersé après sa mort, il est présenté au complet "
                    "en salle 3.</p>"
                ),
                img(
                    "fleuve-soir",
                    "Peinture du même paysage au crépuscule : ciel violet et orangé, soleil rouge "
                    "posé sur l'horizon, fleuve sombre strié de reflets roses.",
                    "Hélène Corbin, Le Soir sur la Loire, 1904, huile sur toile.",
                    "Collection particulière",
                ),
                quote(
                    "Nous voulions que chacun puisse retrouver, en sortant, la Loire qu'il connaît, "
                    "et la regarder autrement.",
                    "Anne Lefébure, directrice du musée",
                ),
                h2("Une exposition pour tous les âges"),
                p(
                    "<p>Un livret-jeux accompagne les enfants de salle en salle, les cartels "
                    "existent en version facile à lire et trois œuvres peuvent être explorées au "
                    "toucher grâce à des reproductions en relief. Le jeudi, l'exposition reste "
                    "ouverte jusqu'à 21 h.</p>"
                ),
                cta(
                    "Tout savoir sur l'exposition", "Découvrir l'exposition",
                    text="Parcours, visites commentées, ateliers : le programme complet.",
                    page="exhibition",
                ),
            ],
        },
        "en": {
            "title": "“Lights on the River” opens its doors",
            "slug": "lights-on-the-river-opens",
            "intro": (
                "Eighty works, five rooms and a cycle by Hélène Corbin shown together for the first "
                "time since 1911: the major exhibition of the year is open until " + end_en + "."
            ),
            "image_alt": (
                "Painting of a river at dawn: a pale sun above bluish hills, dark poplars on the "
                "banks and golden reflections on the water."
            ),
            "body": [
                h2("Three years in the making"),
                p(
                    "<p>It took the museum's team three years to bring together the works in "
                    "“Lights on the River”. Some thirty come from our stores, a few of them unseen "
                    "for half a century; the others are lent by museums in the region, by the town "
                    "library and by Valmont families who opened up their attics.</p>"
                    "<p>At the heart of the exhibition is the <i>Lights on the River</i> cycle: "
                    "eight canvases that Hélène Corbin painted from the same riverbank between 1899 "
                    "and 1905, at every hour of the day. Scattered after her death, the cycle is "
                    "shown complete in room 3.</p>"
                ),
                img(
                    "fleuve-soir",
                    "Painting of the same landscape at dusk: a purple and orange sky, a red sun "
                    "resting on the horizon, a dark river streaked with pink reflections.",
                    "Hélène Corbin, Evening on the Loire, 1904, oil on canvas.",
                    "Private collection",
                ),
                quote(
                    "We wanted everyone to leave with the Loire they know, and to look at it "
                    "differently.",
                    "Anne Lefébure, director of the museum",
                ),
                h2("An exhibition for all ages"),
                p(
                    "<p>An activity booklet guides children from room to room, labels come in an "
                    "easy-read version and three works can be explored by touch through relief "
                    "reproductions. On Thursdays the exhibition stays open until 9 pm.</p>"
                ),
                cta(
                    "All about the exhibition", "Discover the exhibition",
                    text="Route, guided tours, workshops: the full programme.",
                    page="exhibition",
                ),
            ],
        },
    }


def restoration(cal):
    webinar_fr = cal.fr(cal.webinar_day, weekday=True)
    webinar_en = cal.en(cal.webinar_day, weekday=True)
    return {
        "key": "restoration",
        "date": cal.days_ago(30),
        "image": "crue",
        "fr": {
            "title": "Dans l'atelier : la restauration de « La Crue de 1910 »",
            "slug": "restauration-la-crue-de-1910",
            "intro": (
                "Avant de rejoindre l'exposition, le grand tableau d'Émile Vasseur passe six mois "
                "entre les mains de Claire Monteil. Premier bilan, avant un webinaire en direct de "
                "l'atelier."
            ),
            "image_alt": (
                "Tableau assombri par un vernis jauni : des maisons aux toits pointus à demi "
                "noyées dans une eau brune, sous un ciel gris parcouru de craquelures."
            ),
            "body": [
                h2("Un tableau resté dans l'ombre"),
                p(
                    "<p>Peinte quelques semaines après la crue de janvier 1910, <i>La Crue</i> montre "
                    "la ville basse de Valmont sous un mètre d'eau. Offerte au musée par la "
                    "municipalité en 1912, elle n'avait plus quitté les réserves depuis les années "
                    "1970 : un vernis épais et jauni écrasait ses gris, et la peinture se soulevait "
                    "par endroits dans le ciel.</p>"
                ),
                h2("Nettoyer sans effacer"),
                p(
                    "<p>La restauratrice a d'abord refixé les zones fragiles, écaille par écaille, "
                    "avant de tester plusieurs solvants sur de petites « fenêtres » de quelques "
                    "centimètres. Le vernis retiré, les bruns ont laissé place à des verts d'eau et "
                    "à des reflets argentés que personne n'avait vus depuis un siècle.</p>"
                ),
                img(
                    "crue-detail",
                    "Détail du tableau : une fenêtre de nettoyage rectangulaire, aux couleurs claires "
                    "et fraîches, tranche sur la surface voisine assombrie par le vernis et "
                    "parcourue de craquelures.",
                    "Fenêtre de nettoyage sur le ciel : au centre, la couleur d'origine ; autour, le "
                    "vernis ancien.",
                    "Atelier de restauration du musée",
                ),
                quote(
                    "Restaurer, c'est accepter de s'arrêter : on ne cherche pas un tableau neuf, on "
                    "cherche le tableau que Vasseur a voulu.",
                    "Claire Monteil, restauratrice de peintures",
                ),
                cta(
                    "Suivez la restauration en direct", "S'inscrire au webinaire",
                    text="Le " + webinar_fr + " à 18 h 30, Claire Monteil et Julien Abadie "
                         "répondent à vos questions depuis l'atelier.",
                    page="webinar",
                ),
            ],
        },
        "en": {
            "title": "In the studio: restoring “The Flood of 1910”",
            "slug": "restoring-the-flood-of-1910",
            "intro": (
                "Before it joins the exhibition, Émile Vasseur's large painting is spending six "
                "months in the hands of Claire Monteil. A first report, ahead of a live webinar "
                "from the studio."
            ),
            "image_alt": (
                "A painting darkened by yellowed varnish: houses with pointed roofs half drowned in "
                "brown water, under a grey sky covered in fine cracks."
            ),
            "body": [
                h2("A painting left in the shadows"),
                p(
                    "<p>Painted a few weeks after the flood of January 1910, <i>The Flood</i> shows "
                    "Valmont's lower town under a metre of water. Given to the museum by the town "
                    "council in 1912, it had not left the stores since the 1970s: a thick, yellowed "
                    "varnish flattened its greys, and the paint was lifting in places in the sky.</p>"
                ),
                h2("Cleaning without erasing"),
                p(
                    "<p>The conservator first secured the fragile areas, flake by flake, then tested "
                    "several solvents on small “windows” a few centimetres wide. With the varnish "
                    "gone, the browns gave way to water greens and silvery reflections that no one "
                    "had seen for a century.</p>"
                ),
                img(
                    "crue-detail",
                    "Detail of the painting: a rectangular cleaning test in bright, fresh colours "
                    "stands out from the surrounding surface, darkened by varnish and covered in "
                    "fine cracks.",
                    "A cleaning test on the sky: in the centre, the original colour; around it, the "
                    "old varnish.",
                    "Musée des Beaux-Arts de Valmont conservation studio",
                ),
                quote(
                    "Restoring means knowing when to stop: we are not looking for a new painting, "
                    "we are looking for the painting Vasseur intended.",
                    "Claire Monteil, paintings conservator",
                ),
                cta(
                    "Watch the restoration live", "Book the webinar",
                    text="On " + webinar_en + " at 6.30 pm (Paris time), Claire Monteil and Julien "
                         "Abadie answer your questions from the studio.",
                    page="webinar",
                ),
            ],
        },
    }


def late_openings(cal):
    return {
        "key": "late-openings",
        "date": cal.days_ago(55),
        "image": "nuit",
        "fr": {
            "title": "Les nocturnes du jeudi reviennent",
            "slug": "les-nocturnes-du-jeudi-reviennent",
            "intro": (
                "Chaque jeudi, le musée reste ouvert jusqu'à 21 h. Au programme : visites flash, "
                "musique dans le cloître et tarif réduit pour tous à partir de 18 h."
            ),
            "image_alt": (
                "Peinture nocturne : des réverbères dorés alignés sur un quai, leurs reflets "
                "étirés dans l'eau noire, sous un ciel bleu nuit piqué d'étoiles."
            ),
            "body": [
                h2("Après le travail, avant le dîner"),
                p(
                    "<p>Les nocturnes avaient été suspendues pendant les travaux de la toiture. "
                    "Elles reprennent avec une formule simple : le musée ferme à 21 h, la dernière "
                    "entrée est à 20 h 15 et le billet coûte 5 € pour tout le monde à partir de "
                    "18 h.</p>"
                    "<p>À 18 h 30 et à 19 h 30, une médiatrice ou un médiateur présente une seule "
                    "œuvre en quinze minutes. Le premier jeudi du mois, les élèves du conservatoire "
                    "de Valmont jouent dans le cloître.</p>"
                ),
                img(
                    "champs",
                    "Peinture abstraite : deux larges rectangles aux bords flous, l'un ocre, l'autre "
                    "bleu profond, posés sur un fond rouge sombre.",
                    "Paul Rivière, Champs de Loire, ocre et bleu, 1962 : l'œuvre de la première "
                    "visite flash.",
                ),
                quote(
                    "Quinze minutes devant un seul tableau, c'est parfois plus fort qu'une heure "
                    "dans tout le musée.",
                    "Inès Haddad, médiatrice culturelle",
                ),
                h2("Le café reste ouvert"),
                p(
                    "<p>Le café <i>Le Fil de l'eau</i> sert jusqu'à 20 h 30 des assiettes de "
                    "produits locaux et des boissons chaudes. La terrasse sur le quai rouvre dès les "
                    "premiers beaux jours.</p>"
                ),
                cta(
                    "Préparer votre visite", "Horaires et tarifs",
                    text="Horaires, tarifs réduits et accès au musée.",
                    page="visit",
                ),
            ],
        },
        "en": {
            "title": "Thursday late openings are back",
            "slug": "thursday-late-openings-are-back",
            "intro": (
                "Every Thursday the museum stays open until 9 pm, with short talks, music in the "
                "cloister and a reduced price for everyone from 6 pm."
            ),
            "image_alt": (
                "Night painting: golden street lamps in a row along a quay, their reflections "
                "stretched across the black water, under a midnight-blue sky dotted with stars."
            ),
            "body": [
                h2("After work, before dinner"),
                p(
                    "<p>Late openings were suspended while the roof was being repaired. They are "
                    "back with a simple formula: the museum closes at 9 pm, last admission is at "
                    "8.15 pm and tickets cost €5 for everyone from 6 pm.</p>"
                    "<p>At 6.30 and 7.30 pm, one of our guides presents a single work in fifteen "
                    "minutes. On the first Thursday of the month, students from the Valmont music "
                    "school play in the cloister.</p>"
                ),
                img(
                    "champs",
                    "Abstract painting: two wide rectangles with blurred edges, one ochre, the other "
                    "deep blue, on a dark red background.",
                    "Paul Rivière, Loire Fields, Ochre and Blue, 1962: the subject of the first "
                    "short talk.",
                ),
                quote(
                    "Fifteen minutes in front of a single painting can mean more than an hour "
                    "spent in the whole museum.",
                    "Inès Haddad, museum educator",
                ),
                h2("The café stays open"),
                p(
                    "<p>The café <i>Le Fil de l'eau</i> serves plates of local produce and hot drinks "
                    "until 8.30 pm. The terrace on the quay reopens with the first fine days.</p>"
                ),
                cta(
                    "Plan your visit", "Opening hours and prices",
                    text="Opening hours, reduced prices and how to get here.",
                    page="visit",
                ),
            ],
        },
    }


def accessible_tour(cal):
    return {
        "key": "accessible-tour",
        "date": cal.days_ago(80),
        "image": "cercles",
        "fr": {
            "title": "Un parcours en audiodescription et en langue des signes",
            "slug": "parcours-audiodescription-langue-des-signes",
            "intro": (
                "Dix œuvres des collections permanentes sont désormais décrites en audio et "
                "présentées en langue des signes française, sur place et sur votre téléphone."
            ),
            "image_alt": (
                "Peinture abstraite : des cercles concentriques rouges, bleus, jaunes et verts, "
                "découpés en quartiers de couleurs différentes, sur un fond ocre."
            ),
            "body": [
                h2("Dix œuvres, trois façons de les découvrir"),
                p(
                    "<p>Conçu avec l'association Valmont Accessible et des visiteurs aveugles, "
                    "malvoyants et sourds, ce parcours propose pour chaque œuvre une audiodescription "
                    "de trois minutes, une vidéo en langue des signes française sous-titrée et, pour "
                    "trois d'entre elles, une reproduction en relief à toucher.</p>"
                    "<p>Les contenus s'ouvrent en scannant le code QR placé à côté de chaque œuvre, "
                    "ou sur les lecteurs prêtés gratuitement à l'accueil.</p>"
                ),
                img(
                    "grille",
                    "Peinture géométrique : une grille de lignes noires épaisses sur fond blanc "
                    "cassé, dont quelques cases sont peintes en rouge, en bleu et en jaune.",
                    "Marthe Delorme, Plan de la ville basse, 1938 : sa reproduction en relief est la "
                    "plus touchée du parcours.",
                ),
                quote(
                    "Pour la première fois, je n'ai pas eu besoin qu'on me raconte le tableau : je "
                    "l'ai lu avec les mains.",
                    "Une visiteuse du groupe de test",
                ),
                cta(
                    "Venir au musée avec un handicap", "Accessibilité",
                    text="Accès, prêt de matériel, heure calme : toutes nos solutions.",
                    page="accessibility",
                ),
            ],
        },
        "en": {
            "title": "A new tour with audio description and sign language",
            "slug": "audio-description-and-sign-language-tour",
            "intro": (
                "Ten works from the permanent collection now have an audio description and a French "
                "Sign Language presentation, in the galleries and on your phone."
            ),
            "image_alt": (
                "Abstract painting: concentric circles in red, blue, yellow and green, cut into "
                "quarters of different colours, on an ochre background."
            ),
            "body": [
                h2("Ten works, three ways to discover them"),
                p(
                    "<p>Designed with the Valmont Accessible association and with blind, partially "
                    "sighted and deaf visitors, the tour offers for each work a three-minute audio "
                    "description, a subtitled video in French Sign Language and, for three of them, "
                    "a relief reproduction to touch.</p>"
                    "<p>Scan the QR code next to each work to open them, or borrow a player free of "
                    "charge at the front desk.</p>"
                ),
                img(
                    "grille",
                    "Geometric painting: a grid of thick black lines on an off-white ground, with a "
                    "few squares painted red, blue and yellow.",
                    "Marthe Delorme, Plan of the Lower Town, 1938: its relief reproduction is the "
                    "most touched on the tour.",
                ),
                quote(
                    "For the first time, I did not need anyone to describe the painting to me: I "
                    "read it with my hands.",
                    "A visitor from the test group",
                ),
                cta(
                    "Visiting with a disability", "Accessibility",
                    text="Access, equipment on loan, a quiet hour: everything we offer.",
                    page="accessibility",
                ),
            ],
        },
    }


def acquisition(cal):
    return {
        "key": "acquisition",
        "date": cal.days_ago(110),
        "image": "etude",
        "fr": {
            "title": "Acquisition : une étude inédite d'Hélène Corbin rejoint les collections",
            "slug": "acquisition-etude-helene-corbin",
            "intro": (
                "Grâce à la Société des amis du musée, un dessin préparatoire au cycle des "
                "« Lumières du fleuve » entre dans les collections."
            ),
            "image_alt": (
                "Dessin à l'encre sépia sur papier crème : la ligne d'horizon d'un fleuve, des "
                "collines esquissées, des peupliers en quelques traits et des hachures pour l'eau."
            ),
            "body": [
                h2("Une feuille retrouvée dans une vente"),
                p(
                    "<p>La feuille est apparue à l'automne dans une vente publique à Orléans, sous "
                    "un titre anonyme : « Bords de Loire, étude ». Julien Abadie y a reconnu la "
                    "berge de Valmont et l'écriture d'Hélène Corbin, qui notait au crayon les "
                    "couleurs à poser : « rose sur l'eau, gris perle, plus chaud à gauche ».</p>"
                    "<p>Le musée a pu l'acquérir grâce à la Société des amis du musée, qui a réuni "
                    "la totalité de la somme en six semaines auprès de 214 donateurs.</p>"
                ),
                img(
                    "fleuve-aube",
                    "Le tableau achevé : un soleil pâle au-dessus de collines bleutées, des "
                    "peupliers sombres sur les rives et des reflets dorés sur l'eau.",
                    "Le tableau achevé : Hélène Corbin, Lumières du fleuve à l'aube, 1902.",
                    "Musée des Beaux-Arts de Valmont",
                ),
                quote(
                    "Ce dessin nous montre Corbin au travail, avant la peinture : on voit où elle "
                    "hésite, et où elle sait déjà.",
                    "Julien Abadie, conservateur, responsable des collections",
                ),
                h2("Où la voir"),
                p(
                    "<p>Fragile, l'étude est présentée en salle 3 pendant l'exposition, dans une "
                    "vitrine à lumière réduite. Elle rejoindra ensuite le cabinet des arts "
                    "graphiques, où elle pourra être consultée sur rendez-vous.</p>"
                ),
                cta("Voir l'exposition", "Lumières du fleuve", page="exhibition"),
            ],
        },
        "en": {
            "title": "Acquisition: an unpublished study by Hélène Corbin joins the collection",
            "slug": "acquisition-study-by-helene-corbin",
            "intro": (
                "Thanks to the Friends of the Museum, a preparatory drawing for the “Lights on the "
                "River” cycle joins the collection."
            ),
            "image_alt": (
                "Sepia ink drawing on cream paper: the horizon line of a river, sketched hills, "
                "poplars in a few strokes and hatching for the water."
            ),
            "body": [
                h2("A sheet found at auction"),
                p(
                    "<p>The sheet turned up in the autumn at a public auction in Orléans, under an "
                    "anonymous title: “Banks of the Loire, study”. Julien Abadie recognised the "
                    "Valmont riverbank and the handwriting of Hélène Corbin, who pencilled in the "
                    "colours to come: “pink on the water, pearl grey, warmer on the left”.</p>"
                    "<p>The museum was able to buy it thanks to the Friends of the Museum, who "
                    "raised the whole sum in six weeks from 214 donors.</p>"
                ),
                img(
                    "fleuve-aube",
                    "The finished painting: a pale sun above bluish hills, dark poplars on the banks "
                    "and golden reflections on the water.",
                    "The finished painting: Hélène Corbin, Lights on the River at Dawn, 1902.",
                    "Musée des Beaux-Arts de Valmont",
                ),
                quote(
                    "This drawing shows us Corbin at work, before the painting: you can see where "
                    "she hesitates, and where she already knows.",
                    "Julien Abadie, curator of the collections",
                ),
                h2("Where to see it"),
                p(
                    "<p>Being fragile, the study is shown in room 3 during the exhibition, in a "
                    "low-light display case. It will then join the prints and drawings room, where "
                    "it can be consulted by appointment.</p>"
                ),
                cta("See the exhibition", "Lights on the River", page="exhibition"),
            ],
        },
    }


def workshops(cal):
    return {
        "key": "workshops",
        "date": cal.days_ago(140),
        "image": "regates",
        "fr": {
            "title": "Les ateliers du mercredi pour les 6-12 ans",
            "slug": "ateliers-du-mercredi-6-12-ans",
            "intro": (
                "Voiles, reflets, collages : chaque mercredi après-midi, les enfants explorent une "
                "œuvre, puis passent à la pratique avec une artiste plasticienne."
            ),
            "image_alt": (
                "Peinture géométrique : des triangles blancs, rouges et bleus évoquent des voiles "
                "de bateaux sur une eau turquoise, sous un ciel clair."
            ),
            "body": [
                h2("Regarder, puis faire"),
                p(
                    "<p>Chaque atelier commence par vingt minutes dans les salles, devant une seule "
                    "œuvre. Les enfants descendent ensuite à l'atelier pédagogique pour une heure de "
                    "pratique : papiers découpés pour les voiles de Marthe Delorme, encres et eau "
                    "pour les reflets d'Hélène Corbin, grands formats pour les champs colorés de "
                    "Paul Rivière.</p>"
                ),
                img(
                    "cercles",
                    "Peinture abstraite : des cercles concentriques rouges, bleus, jaunes et verts, "
                    "découpés en quartiers de couleurs différentes, sur un fond ocre.",
                    "Marthe Delorme, Composition aux cercles, 1931 : le modèle de l'atelier « Roues "
                    "de couleurs ».",
                ),
                quote(
                    "Mon fils m'a ramené au musée le samedi suivant pour me montrer « son » tableau.",
                    "Un parent, après un atelier",
                ),
                h2("En pratique"),
                p(
                    "<ul>"
                    "<li>Le mercredi de 14 h 30 à 16 h 30, hors vacances scolaires.</li>"
                    "<li>8 € par enfant, matériel fourni ; 12 places par atelier.</li>"
                    "<li>Réservation à l'accueil ou par téléphone.</li>"
                    "</ul>"
                ),
                cta(
                    "Venir au musée", "Infos pratiques",
                    text="Horaires, tarifs et accès.",
                    page="visit",
                ),
            ],
        },
        "en": {
            "title": "Wednesday workshops for ages 6 to 12",
            "slug": "wednesday-workshops-ages-6-12",
            "intro": (
                "Sails, reflections, collages: every Wednesday afternoon, children explore a work "
                "of art, then try it for themselves with a visual artist."
            ),
            "image_alt": (
                "Geometric painting: white, red and blue triangles suggest the sails of boats on "
                "turquoise water, under a clear sky."
            ),
            "body": [
                h2("Look first, then make"),
                p(
                    "<p>Each workshop starts with twenty minutes in the galleries, in front of a "
                    "single work. The children then go down to the education studio for an hour of "
                    "hands-on work: cut paper for Marthe Delorme's sails, ink and water for Hélène "
                    "Corbin's reflections, large sheets for Paul Rivière's colour fields.</p>"
                ),
                img(
                    "cercles",
                    "Abstract painting: concentric circles in red, blue, yellow and green, cut into "
                    "quarters of different colours, on an ochre background.",
                    "Marthe Delorme, Composition with Circles, 1931: the model for the “Colour "
                    "wheels” workshop.",
                ),
                quote(
                    "My son took me back to the museum the following Saturday to show me “his” "
                    "painting.",
                    "A parent, after a workshop",
                ),
                h2("Practical details"),
                p(
                    "<ul>"
                    "<li>Wednesdays from 2.30 to 4.30 pm, except during school holidays.</li>"
                    "<li>€8 per child, materials included; 12 places per workshop.</li>"
                    "<li>Book at the front desk or by phone. Workshops are in French.</li>"
                    "</ul>"
                ),
                cta(
                    "Visiting the museum", "Practical information",
                    text="Opening hours, prices and how to get here.",
                    page="visit",
                ),
            ],
        },
    }
