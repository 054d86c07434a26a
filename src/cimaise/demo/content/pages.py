"""The home page and the standing pages of the demo site, in French and English.

``pages(cal)`` returns the pages in tree order (a parent before its
children). Each page has a ``key`` that other content refers to, the key of
its ``parent`` (None for the home page), its ``type`` (home, index, standard)
and its text in ``fr`` and ``en`` (``seo_title``, the browser tab's title, is optional).
"""

from cimaise.demo.content.blocks import cta, h2, h3, img, p, quote
from cimaise.demo.content.institution import MUSEUM_NAME, WEBSITE


def pages(cal):
    start_fr, end_fr = cal.fr(cal.exhibition_start), cal.fr(cal.exhibition_end)
    start_en, end_en = cal.en(cal.exhibition_start), cal.en(cal.exhibition_end)
    webinar_fr = cal.fr(cal.webinar_day, weekday=True)
    webinar_en = cal.en(cal.webinar_day, weekday=True)
    return [
        home(end_fr, end_en, webinar_fr, webinar_en),
        exhibition(start_fr, end_fr, start_en, end_en),
        news_index(),
        visit(),
        accessibility(),
        webinar(webinar_fr, webinar_en),
    ]


def home(end_fr, end_en, webinar_fr, webinar_en):
    return {
        "key": "home",
        "parent": None,
        "type": "home",
        "fr": {
            "title": MUSEUM_NAME,
            "seo_title": "Accueil",
            "slug": "accueil",
            "intro": (
                "Six siècles de peinture au bord de la Loire, un atelier de restauration ouvert au "
                "public et, jusqu'au " + end_fr + ", l'exposition « Lumières du fleuve »."
            ),
            "body": [
                h2("À l'affiche : Lumières du fleuve"),
                p(
                    "<p>Quatre-vingts peintures, dessins et photographies racontent comment les "
                    "artistes ont regardé la Loire, de l'aube romantique aux couleurs franches du "
                    "XXe siècle. Au cœur du parcours, le cycle d'Hélène Corbin est réuni pour la "
                    "première fois depuis 1911.</p>"
                ),
                img(
                    "fleuve-soir",
                    "Peinture d'un fleuve au crépuscule : ciel violet et orangé, soleil rouge posé "
                    "sur l'horizon, eau sombre striée de reflets roses entre deux rives boisées.",
                    "Hélène Corbin, Le Soir sur la Loire, 1904, huile sur toile.",
                ),
                cta(
                    "Lumières du fleuve", "Découvrir l'exposition",
                    text="Jusqu'au " + end_fr + ", en salles 1 à 5. Visites commentées le week-end à 15 h.",
                    page="exhibition",
                ),
                h2("En direct de l'atelier"),
                p(
                    "<p>Le " + webinar_fr + " à 18 h 30, Claire Monteil, restauratrice, et Julien "
                    "Abadie, conservateur, vous montrent en direct la restauration de <i>La Crue de "
                    "1910</i> d'Émile Vasseur. Gratuit, sur inscription, sous-titré en direct.</p>"
                ),
                cta("Webinaire gratuit", "S'inscrire au webinaire", page="webinar"),
                quote(
                    "Un musée de beaux-arts n'est pas un coffre-fort : c'est une maison où l'on "
                    "revient, seul, en famille ou entre amis, pour regarder encore.",
                    "Anne Lefébure, directrice du musée",
                ),
                p(
                    "<p><i>Le Musée des Beaux-Arts de Valmont est une institution fictive : c'est "
                    "le site de démonstration de Cimaise. Ses œuvres ont été dessinées par un "
                    "programme, sans intelligence artificielle.</i></p>"
                ),
            ],
        },
        "en": {
            "title": MUSEUM_NAME,
            "seo_title": "Home",
            "slug": "home",
            "intro": (
                "Six centuries of painting on the banks of the Loire, a conservation studio open "
                "to the public and, until " + end_en + ", the exhibition “Lights on the River”."
            ),
            "body": [
                h2("Now showing: Lights on the River"),
                p(
                    "<p>Eighty paintings, drawings and photographs show how artists have looked at "
                    "the Loire, from the Romantic dawn to the bold colours of the twentieth century. "
                    "At its heart, Hélène Corbin's cycle is shown together for the first time since "
                    "1911.</p>"
                ),
                img(
                    "fleuve-soir",
                    "Painting of a river at dusk: a purple and orange sky, a red sun resting on the "
                    "horizon, dark water streaked with pink reflections between two wooded banks.",
                    "Hélène Corbin, Evening on the Loire, 1904, oil on canvas.",
                ),
                cta(
                    "Lights on the River", "Discover the exhibition",
                    text="Until " + end_en + ", rooms 1 to 5. Guided tours at weekends at 3 pm.",
                    page="exhibition",
                ),
                h2("Live from the studio"),
                p(
                    "<p>On " + webinar_en + " at 6.30 pm (Paris time), conservator Claire Monteil "
                    "and curator Julien Abadie show you, live, the restoration of Émile Vasseur's "
                    "<i>The Flood of 1910</i>. Free, booking required, with live captions "
                    "(in French).</p>"
                ),
                cta("Free webinar", "Book the webinar", page="webinar"),
                quote(
                    "A fine-arts museum is not a strongroom: it is a house you come back to, alone, "
                    "with your family or with friends, to look once more.",
                    "Anne Lefébure, director of the museum",
                ),
                p(
                    "<p><i>The Musée des Beaux-Arts de Valmont is a fictional institution: it is "
                    "the demonstration site of Cimaise. Its works were drawn by a program, without "
                    "artificial intelligence.</i></p>"
                ),
            ],
        },
    }


def exhibition(start_fr, end_fr, start_en, end_en):
    return {
        "key": "exhibition",
        "parent": "home",
        "type": "standard",
        "show_in_menus": True,
        "fr": {
            "title": "Exposition : Lumières du fleuve",
            "slug": "exposition-lumieres-du-fleuve",
            "intro": (
                "Du " + start_fr + " au " + end_fr + ", quatre-vingts peintures, dessins et "
                "photographies racontent comment les artistes ont regardé la Loire, de 1860 à 1960."
            ),
            "body": [
                h2("Le fleuve comme atelier"),
                p(
                    "<p>Entre 1860 et 1960, la Loire attire à Valmont des peintres venus de Paris, de "
                    "Nantes et de bien plus loin. Ils y trouvent une lumière changeante, des bancs de "
                    "sable qui se déplacent d'une saison à l'autre et une ville qui vit encore du "
                    "fleuve : mariniers, lavandières, pêcheurs d'alose.</p>"
                    "<p>L'exposition suit ces regards en cinq salles, des premières études peintes "
                    "sur le motif aux compositions abstraites de Paul Rivière.</p>"
                ),
                img(
                    "fleuve-aube",
                    "Peinture d'un fleuve à l'aube : un soleil pâle au-dessus de collines bleutées, "
                    "des peupliers sombres sur les rives et des reflets dorés sur l'eau.",
                    "Hélène Corbin, Lumières du fleuve à l'aube, 1902, huile sur toile.",
                    "Musée des Beaux-Arts de Valmont",
                ),
                h2("Le parcours"),
                p(
                    "<ul>"
                    "<li><b>Salle 1 – Sur le motif</b> : carnets et études peintes en plein air.</li>"
                    "<li><b>Salle 2 – Les gens du fleuve</b> : mariniers, lavoirs et marchés.</li>"
                    "<li><b>Salle 3 – Lumières du fleuve</b> : le cycle d'Hélène Corbin, réuni pour "
                    "la première fois depuis 1911.</li>"
                    "<li><b>Salle 4 – La crue</b> : janvier 1910, quand l'eau est entrée dans la "
                    "ville basse.</li>"
                    "<li><b>Salle 5 – Vers l'abstraction</b> : Marthe Delorme et Paul Rivière.</li>"
                    "</ul>"
                ),
                quote(
                    "Corbin ne peint pas la Loire : elle peint l'air qui est au-dessus.",
                    "Julien Abadie, conservateur, commissaire de l'exposition",
                ),
                h2("Autour de l'exposition"),
                h3("Visites et ateliers"),
                p(
                    "<p>Visites commentées le samedi et le dimanche à 15 h (1 h 15, sans "
                    "supplément). Visite en audiodescription le premier samedi du mois à 11 h. "
                    "Ateliers en famille pendant les vacances scolaires.</p>"
                ),
                h3("Pour les enfants"),
                p(
                    "<p>Un livret-jeux gratuit pour les 6-12 ans est disponible à l'accueil. Les "
                    "cartels existent aussi en version facile à lire.</p>"
                ),
                cta(
                    "Préparer votre visite", "Horaires et tarifs",
                    text="Horaires, tarifs, accès : tout ce qu'il faut savoir avant de venir.",
                    page="visit",
                ),
                cta(
                    "En direct de l'atelier", "Voir le webinaire",
                    text="Suivez en ligne la restauration de La Crue de 1910, présentée en salle 4.",
                    page="webinar",
                ),
            ],
        },
        "en": {
            "title": "Exhibition: Lights on the River",
            "slug": "exhibition-lights-on-the-river",
            "intro": (
                "From " + start_en + " to " + end_en + ", eighty paintings, drawings and "
                "photographs show how artists looked at the Loire between 1860 and 1960."
            ),
            "body": [
                h2("The river as a studio"),
                p(
                    "<p>Between 1860 and 1960, the Loire drew painters to Valmont from Paris, from "
                    "Nantes and from much further afield. They found a changing light, sandbanks "
                    "that moved from one season to the next and a town that still lived from the "
                    "river: boatmen, washerwomen, shad fishermen.</p>"
                    "<p>The exhibition follows their gaze through five rooms, from the first studies "
                    "painted outdoors to the abstract compositions of Paul Rivière.</p>"
                ),
                img(
                    "fleuve-aube",
                    "Painting of a river at dawn: a pale sun above bluish hills, dark poplars on the "
                    "banks and golden reflections on the water.",
                    "Hélène Corbin, Lights on the River at Dawn, 1902, oil on canvas.",
                    "Musée des Beaux-Arts de Valmont",
                ),
                h2("The exhibition route"),
                p(
                    "<ul>"
                    "<li><b>Room 1 – Painting outdoors</b>: sketchbooks and studies made in the open "
                    "air.</li>"
                    "<li><b>Room 2 – River people</b>: boatmen, wash-houses and markets.</li>"
                    "<li><b>Room 3 – Lights on the River</b>: Hélène Corbin's cycle, together again "
                    "for the first time since 1911.</li>"
                    "<li><b>Room 4 – The flood</b>: January 1910, when the water entered the lower "
                    "town.</li>"
                    "<li><b>Room 5 – Towards abstraction</b>: Marthe Delorme and Paul Rivière.</li>"
                    "</ul>"
                ),
                quote(
                    "Corbin does not paint the Loire: she paints the air above it.",
                    "Julien Abadie, curator of the exhibition",
                ),
                h2("Around the exhibition"),
                h3("Tours and workshops"),
                p(
                    "<p>Guided tours on Saturdays and Sundays at 3 pm (1 hour 15 minutes, no extra "
                    "charge; in French, English tours for groups on request). Audio-described tour "
                    "on the first Saturday of the month at 11 am. Family workshops during school "
                    "holidays.</p>"
                ),
                h3("For children"),
                p(
                    "<p>A free activity booklet for ages 6 to 12 is available at the front desk. "
                    "Labels also come in an easy-to-read version.</p>"
                ),
                cta(
                    "Plan your visit", "Opening hours and prices",
                    text="Opening hours, prices, getting here: all you need to know before you come.",
                    page="visit",
                ),
                cta(
                    "Live from the studio", "See the webinar",
                    text="Watch the restoration of The Flood of 1910, shown in room 4, online.",
                    page="webinar",
                ),
            ],
        },
    }


def news_index():
    return {
        "key": "news",
        "parent": "home",
        "type": "index",
        "show_in_menus": True,
        "fr": {
            "title": "Actualités",
            "slug": "actualites",
            "intro": "Expositions, restaurations, acquisitions et rendez-vous : la vie du musée au fil des semaines.",
            "body": [],
        },
        "en": {
            "title": "News",
            "slug": "news",
            "intro": "Exhibitions, restorations, acquisitions and events: life at the museum, week by week.",
            "body": [],
        },
    }


def visit():
    return {
        "key": "visit",
        "parent": "home",
        "type": "standard",
        "show_in_menus": True,
        "fr": {
            "title": "Visiter",
            "slug": "visiter",
            "intro": "Horaires, tarifs, accès et services : tout pour préparer votre venue au musée.",
            "body": [
                h2("Horaires"),
                p(
                    "<p>Du mardi au dimanche, de 10 h à 18 h. Nocturne le jeudi jusqu'à 21 h. "
                    "Dernière entrée 45 minutes avant la fermeture.</p>"
                    "<p>Le musée est fermé le lundi, le 1er janvier, le 1er mai et le 25 décembre. "
                    "Les salles ferment à 16 h les 24 et 31 décembre.</p>"
                ),
                h2("Tarifs"),
                p(
                    "<ul>"
                    "<li>Plein tarif : 8 €</li>"
                    "<li>Tarif réduit : 5 € (demandeurs d'emploi, familles nombreuses, groupes de "
                    "plus de dix personnes, et pour tous le jeudi après 18 h)</li>"
                    "<li>Gratuit : moins de 26 ans, personnes en situation de handicap et leur "
                    "accompagnant, Amis du musée, et pour tous le premier dimanche du mois</li>"
                    "</ul>"
                    "<p>Le billet donne accès aux collections permanentes et à l'exposition "
                    "temporaire. Il reste valable toute la journée : vous pouvez sortir déjeuner et "
                    "revenir.</p>"
                ),
                h2("Venir au musée"),
                p(
                    "<p>Le musée se trouve au 12, quai des Tanneurs, au bord de la Loire.</p>"
                    "<ul>"
                    "<li><b>En train</b> : gare de Valmont-sur-Loire, puis 10 minutes à pied par la "
                    "rue Nationale.</li>"
                    "<li><b>En bus</b> : ligne 3, arrêt « Quai des Tanneurs ».</li>"
                    "<li><b>À vélo</b> : le musée est sur l'itinéraire de La Loire à Vélo ; "
                    "arceaux devant l'entrée et consigne pour les sacoches.</li>"
                    "<li><b>En voiture</b> : parking du Mail (payant) à 300 mètres ; deux places "
                    "réservées aux personnes handicapées devant l'entrée.</li>"
                    "</ul>"
                ),
                h2("Services"),
                p(
                    "<p>Vestiaire gratuit, poussettes et sièges-cannes prêtés à l'accueil. Le café "
                    "<i>Le Fil de l'eau</i> vous accueille aux heures d'ouverture, avec une terrasse "
                    "sur le quai. La librairie-boutique propose les catalogues du musée et une "
                    "sélection de livres pour enfants.</p>"
                ),
                h2("Groupes et scolaires"),
                p(
                    "<p>Les groupes sont accueillis sur réservation, au moins trois semaines à "
                    "l'avance, du mardi au vendredi. Les visites scolaires sont gratuites pour les "
                    "établissements de Valmont-sur-Loire.</p>"
                ),
                cta(
                    "Venir avec un handicap", "Accessibilité",
                    text="Accès de plain-pied, prêt de fauteuils, visites adaptées, heure calme.",
                    page="accessibility",
                ),
            ],
        },
        "en": {
            "title": "Visit",
            "slug": "visit",
            "intro": "Opening hours, prices, getting here and services: everything you need to plan your visit.",
            "body": [
                h2("Opening hours"),
                p(
                    "<p>Tuesday to Sunday, 10 am to 6 pm. Late opening on Thursdays until 9 pm. Last "
                    "admission 45 minutes before closing.</p>"
                    "<p>The museum is closed on Mondays, on 1 January, 1 May and 25 December. The "
                    "galleries close at 4 pm on 24 and 31 December.</p>"
                ),
                h2("Admission"),
                p(
                    "<ul>"
                    "<li>Full price: €8</li>"
                    "<li>Reduced price: €5 (jobseekers, large families, groups of more than ten, and "
                    "for everyone on Thursdays after 6 pm)</li>"
                    "<li>Free: under-26s, disabled visitors and one companion, Friends of the "
                    "Museum, and for everyone on the first Sunday of the month</li>"
                    "</ul>"
                    "<p>Your ticket covers the permanent collection and the temporary exhibition. It "
                    "is valid all day: you can go out for lunch and come back.</p>"
                ),
                h2("Getting here"),
                p(
                    "<p>The museum is at 12, quai des Tanneurs, on the banks of the Loire.</p>"
                    "<ul>"
                    "<li><b>By train</b>: Valmont-sur-Loire station, then a 10-minute walk along rue "
                    "Nationale.</li>"
                    "<li><b>By bus</b>: line 3, stop “Quai des Tanneurs”.</li>"
                    "<li><b>By bike</b>: the museum is on the Loire à Vélo cycle route; bike racks by "
                    "the entrance and a left-luggage service for panniers.</li>"
                    "<li><b>By car</b>: Mail car park (charges apply), 300 metres away; two disabled "
                    "parking spaces in front of the entrance.</li>"
                    "</ul>"
                ),
                h2("Services"),
                p(
                    "<p>Free cloakroom; pushchairs and folding stools on loan at the front desk. The "
                    "café <i>Le Fil de l'eau</i> is open during museum hours, with a terrace on the "
                    "quay. The bookshop sells the museum's catalogues and a selection of children's "
                    "books.</p>"
                ),
                h2("Groups and schools"),
                p(
                    "<p>Groups are welcome by appointment, at least three weeks ahead, from Tuesday "
                    "to Friday. School visits are free for schools in Valmont-sur-Loire.</p>"
                ),
                cta(
                    "Visiting with a disability", "Accessibility",
                    text="Step-free access, wheelchairs on loan, adapted tours, a quiet hour.",
                    page="accessibility",
                ),
            ],
        },
    }


def accessibility():
    return {
        "key": "accessibility",
        "parent": "home",
        "type": "standard",
        "show_in_menus": True,
        "fr": {
            "title": "Accessibilité",
            "slug": "accessibilite",
            "intro": (
                "Le musée veut être un lieu pour toutes et tous. Voici ce que nous proposons, et "
                "ce qui reste à améliorer."
            ),
            "body": [
                h2("Accès et circulation"),
                p(
                    "<p>L'entrée du quai des Tanneurs est de plain-pied. Deux ascenseurs desservent "
                    "tous les niveaux, et chaque salle dispose de bancs. Fauteuils roulants, "
                    "sièges-cannes et loupes sont prêtés gratuitement à l'accueil, sans "
                    "réservation.</p>"
                    "<p>Les chiens guides et d'assistance sont les bienvenus dans tout le musée.</p>"
                ),
                h2("Visiteurs aveugles ou malvoyants"),
                p(
                    "<p>Un parcours de dix œuvres en audiodescription est disponible sur les "
                    "lecteurs de l'accueil ou sur votre téléphone. Trois œuvres existent en "
                    "reproduction en relief à toucher. Une visite en audiodescription a lieu le "
                    "premier samedi du mois à 11 h.</p>"
                ),
                h2("Visiteurs sourds ou malentendants"),
                p(
                    "<p>Les dix œuvres du parcours sont présentées en vidéo en langue des signes "
                    "française, sous-titrée. L'accueil et l'auditorium sont équipés de boucles "
                    "magnétiques. Nos webinaires sont sous-titrés en direct.</p>"
                ),
                h2("Handicap mental, psychique ou cognitif"),
                p(
                    "<p>Les cartels de l'exposition existent en version facile à lire et à "
                    "comprendre (FALC). Le premier dimanche du mois, de 10 h à 11 h, l'« heure "
                    "calme » offre des salles moins fréquentées, sans annonces sonores et avec une "
                    "lumière adoucie.</p>"
                ),
                h2("Accessibilité de ce site"),
                p(
                    "<p>Ce site est conçu pour être utilisable au clavier et avec un lecteur "
                    "d'écran, et chaque image y a un texte alternatif. Si un contenu vous reste "
                    "inaccessible, écrivez-nous : nous vous le fournirons sous une autre forme.</p>"
                ),
                cta(
                    "Préparer votre visite", "Infos pratiques",
                    text="Horaires, tarifs et accès au musée.",
                    page="visit",
                ),
            ],
        },
        "en": {
            "title": "Accessibility",
            "slug": "accessibility",
            "intro": (
                "We want the museum to be a place for everyone. Here is what we offer, and what we "
                "still need to improve."
            ),
            "body": [
                h2("Getting in and around"),
                p(
                    "<p>The entrance on quai des Tanneurs is step-free. Two lifts serve every floor, "
                    "and every gallery has benches. Wheelchairs, folding stools and magnifiers are "
                    "lent free of charge at the front desk, with no need to book.</p>"
                    "<p>Guide dogs and assistance dogs are welcome throughout the museum.</p>"
                ),
                h2("Blind and partially sighted visitors"),
                p(
                    "<p>An audio-described tour of ten works is available on the players at the "
                    "front desk or on your phone. Three works have a tactile relief reproduction. "
                    "An audio-described guided tour takes place on the first Saturday of the month "
                    "at 11 am (in French).</p>"
                ),
                h2("Deaf and hard of hearing visitors"),
                p(
                    "<p>The ten works of the tour are presented in French Sign Language videos, "
                    "with subtitles. The front desk and the auditorium have hearing loops. Our "
                    "webinars have live captions.</p>"
                ),
                h2("Learning disabilities, mental health and neurodivergence"),
                p(
                    "<p>Exhibition labels come in an easy-read version. On the first Sunday of the "
                    "month, from 10 to 11 am, the “quiet hour” offers calmer galleries, no "
                    "announcements and softer lighting.</p>"
                ),
                h2("Accessibility of this website"),
                p(
                    "<p>This website is designed to work with a keyboard and a screen reader, and "
                    "every image has a text alternative. If any content remains out of reach for "
                    "you, write to us and we will provide it in another form.</p>"
                ),
                cta(
                    "Plan your visit", "Practical information",
                    text="Opening hours, prices and how to get here.",
                    page="visit",
                ),
            ],
        },
    }


def webinar(webinar_fr, webinar_en):
    registration = f"{WEBSITE}/webinaire/inscription"
    return {
        "key": "webinar",
        "parent": "home",
        "type": "standard",
        "show_in_menus": False,
        "fr": {
            "title": "Webinaire : Restaurer un tableau, en direct de l'atelier",
            "slug": "webinaire-restaurer-un-tableau",
            "intro": (
                "Le " + webinar_fr + " à 18 h 30, suivez en direct la restauration de « La Crue "
                "de 1910 » d'Émile Vasseur et posez vos questions à l'équipe du musée."
            ),
            "body": [
                h2("Au programme"),
                p(
                    "<p>Pendant une heure, Claire Monteil, restauratrice de peintures, vous ouvre "
                    "l'atelier du musée. Caméra au-dessus du chevalet, elle montre comment on retire "
                    "un vernis jauni, pourquoi on consolide une couche de peinture qui se soulève et "
                    "ce que révèle la lumière ultraviolette. Julien Abadie, conservateur, replace "
                    "l'œuvre dans l'histoire de la crue qui a submergé la ville basse en janvier "
                    "1910.</p>"
                    "<ul>"
                    "<li>18 h 30 – Accueil et présentation de l'œuvre</li>"
                    "<li>18 h 40 – Démonstration : fenêtre de nettoyage et retouche</li>"
                    "<li>19 h 10 – Vos questions, en direct</li>"
                    "<li>19 h 30 – Fin</li>"
                    "</ul>"
                ),
                img(
                    "crue-detail",
                    "Détail d'un tableau : un rectangle aux couleurs claires et fraîches tranche sur "
                    "la surface voisine, assombrie par un vernis jauni et parcourue de craquelures.",
                    "Une fenêtre de nettoyage sur le ciel de La Crue de 1910.",
                    "Atelier de restauration du musée",
                ),
                h2("Informations pratiques"),
                p(
                    "<p><b>Quand</b> : " + webinar_fr + ", de 18 h 30 à 19 h 30 (heure de "
                    "Paris).</p>"
                    "<p><b>Où</b> : en ligne, depuis un navigateur ; rien à installer.</p>"
                    "<p><b>Tarif</b> : gratuit, sur inscription. Le lien de connexion vous est "
                    "envoyé par e-mail la veille.</p>"
                    "<p><b>Accessibilité</b> : sous-titrage en direct. La rediffusion, sous-titrée, "
                    "reste en ligne pendant un mois.</p>"
                ),
                quote(
                    "Restaurer, c'est accepter de s'arrêter : on ne cherche pas un tableau neuf, on "
                    "cherche le tableau que Vasseur a voulu.",
                    "Claire Monteil, restauratrice de peintures",
                ),
                cta(
                    "Inscrivez-vous", "S'inscrire au webinaire",
                    text="Gratuit, dans la limite de 500 connexions.",
                    url=registration,
                ),
            ],
        },
        "en": {
            "title": "Webinar: Restoring a painting, live from the studio",
            "slug": "webinar-restoring-a-painting",
            "intro": (
                "On " + webinar_en + " at 6.30 pm (Paris time), watch the restoration of Émile "
                "Vasseur's “The Flood of 1910” live and put your questions to the museum's team."
            ),
            "body": [
                h2("Programme"),
                p(
                    "<p>For one hour, paintings conservator Claire Monteil opens the museum's "
                    "conservation studio to you. With a camera above the easel, she shows how a "
                    "yellowed varnish is removed, why flaking paint must be secured and what "
                    "ultraviolet light reveals. Curator Julien Abadie sets the work in the story "
                    "of the flood that submerged the lower town in January 1910.</p>"
                    "<ul>"
                    "<li>6.30 pm – Welcome and introduction to the painting</li>"
                    "<li>6.40 pm – Demonstration: cleaning test and retouching</li>"
                    "<li>7.10 pm – Your questions, live</li>"
                    "<li>7.30 pm – End</li>"
                    "</ul>"
                    "<p>The webinar is in French, with live captions; questions are welcome in "
                    "English.</p>"
                ),
                img(
                    "crue-detail",
                    "Detail of a painting: a rectangle of bright, fresh colour stands out from the "
                    "surrounding surface, darkened by yellowed varnish and covered in fine cracks.",
                    "A cleaning test on the sky of The Flood of 1910.",
                    "Musée des Beaux-Arts de Valmont conservation studio",
                ),
                h2("Practical information"),
                p(
                    "<p><b>When</b>: " + webinar_en + ", 6.30 to 7.30 pm (Paris time).</p>"
                    "<p><b>Where</b>: online, in your web browser; nothing to install.</p>"
                    "<p><b>Price</b>: free, booking required. The link to join is sent by email the "
                    "day before.</p>"
                    "<p><b>Accessibility</b>: live captions. The recording, with captions, stays "
                    "online for a month.</p>"
                ),
                quote(
                    "Restoring means knowing when to stop: we are not looking for a new painting, "
                    "we are looking for the painting Vasseur intended.",
                    "Claire Monteil, paintings conservator",
                ),
                cta(
                    "Book your place", "Book the webinar",
                    text="Free, up to 500 connections.",
                    url=registration,
                ),
            ],
        },
    }
