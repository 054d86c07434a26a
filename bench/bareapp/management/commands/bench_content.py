"""Fill a fresh benchmark database with a small French site; print its URLs as one JSON line.

Run by bench/pages.py against a temporary database (never the user's):

    python -m django bench_content --port 8123     (DJANGO_SETTINGS_MODULE=_bench_settings)

It makes a HomePage the root of the only site (127.0.0.1:PORT), an
ArticleIndexPage under it, one ArticlePage with a realistic body (a heading,
rich-text paragraphs of about 800 words in all, a quote, no image), and a
BarePage beside the article with the same title and the same text. It then
requests each page once with Django's test client and counts the SQL queries
of a second, warm request.
"""

import html
import json
import re

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

from bareapp.models import BarePage
from cimaise.institution.models import InstitutionProfile
from cimaise.pages.models import ArticleIndexPage, ArticlePage, HomePage

TITLE = "La nuit des réserves : l'envers des collections s'ouvre au public"
INTRO = (
    "Pour la première fois, le musée ouvre ses réserves le temps d'une nuit. "
    "Restaurateurs, régisseurs et conservateurs racontent le travail invisible qui fait vivre les œuvres."
)
HEADING = "Ce que l'on ne voit jamais"
PARAGRAPHS = [
    "<p>Derrière les salles d'exposition, il existe un autre musée. Plus vaste, plus silencieux, il abrite "
    "près de quatre-vingt-dix pour cent des collections : des peintures roulées sur des cylindres, des "
    "sculptures emballées dans du papier de soie, des milliers de dessins rangés à plat dans des meubles à "
    "tiroirs. Ces réserves ne sont pas des greniers. Elles sont tenues à une température et à une humidité "
    "constantes, surveillées jour et nuit, et chaque objet y possède une adresse précise, consignée dans "
    "l'inventaire. Le samedi 12 décembre, de 19 heures à minuit, le public pourra pour la première fois en "
    "parcourir une partie, accompagné par celles et ceux qui y travaillent chaque jour.</p>",
    "<p>La visite commence par la salle de <b>quarantaine</b>, où chaque œuvre qui entre au musée passe "
    "plusieurs semaines avant de rejoindre les collections. Un prêt qui revient d'une exposition à "
    "l'étranger, un don arrivé d'un grenier de famille, une acquisition en vente publique : tous sont "
    "examinés à la loupe, parfois au microscope, pour détecter la présence d'insectes ou de moisissures. "
    "« Un seul cadre infesté peut contaminer une réserve entière », rappelle la responsable de la "
    "conservation préventive. Les visiteurs découvriront les pièges, les enregistreurs de température et "
    "l'anoxie, ce traitement qui prive d'oxygène les parasites sans abîmer les matériaux.</p>",
    "<p>Vient ensuite l'atelier de <i>restauration</i>. Une toile du XVIIIᵉ siècle y est en cours de "
    "nettoyage : sous un vernis jauni par le temps, les bleus du ciel réapparaissent centimètre par "
    "centimètre. Les restauratrices expliqueront pourquoi elles n'effacent jamais l'histoire d'une œuvre, "
    "pourquoi chaque intervention doit pouvoir être défaite par leurs successeurs, et comment la "
    "photographie sous lumière ultraviolette ou infrarouge révèle les repeints, les repentirs et parfois "
    "un dessin sous-jacent que l'artiste avait abandonné. Des loupes binoculaires seront mises à "
    "disposition pour observer la matière picturale de très près.</p>",
    "<p>Les régisseurs, eux, présenteront le métier le moins connu du musée. Ce sont eux qui organisent "
    "chaque déplacement d'œuvre, qu'il s'agisse de la faire passer d'une salle à l'autre ou de l'envoyer "
    "à l'autre bout du monde. Ils conçoivent les caisses, choisissent les transporteurs, rédigent les "
    "constats d'état et accompagnent parfois les pièces les plus fragiles jusqu'à leur destination. Une "
    "caisse climatique, utilisée l'an dernier pour un prêt au Japon, sera ouverte devant le public. On y "
    "verra les mousses découpées sur mesure, les capteurs de chocs et l'étiquetage qui permet de suivre "
    "une œuvre à chaque étape de son voyage.</p>",
    "<p>La soirée fait aussi une place aux questions que se pose aujourd'hui tout musée : que conserver, "
    "et pour qui ? Les conservateurs évoqueront la recherche de provenance, qui consiste à retracer "
    "l'histoire de chaque objet depuis sa création, et les demandes de restitution qu'elle peut faire "
    "naître. Ils parleront aussi de la numérisation des collections : plus de douze mille œuvres sont "
    "déjà consultables en ligne, en haute définition, et le programme se poursuit au rythme de plusieurs "
    "centaines de prises de vue par mois. Un poste de consultation permettra de comparer une œuvre "
    "conservée en réserve avec sa reproduction numérique.</p>",
    "<p>Les réserves ne peuvent accueillir qu'un petit nombre de personnes à la fois. La visite se fait "
    "donc par groupes de quinze, sur réservation, avec un départ toutes les vingt minutes. Chaque parcours "
    "dure environ une heure. Des créneaux sont réservés aux personnes à mobilité réduite, avec un "
    "itinéraire entièrement accessible par ascenseur, et deux visites seront traduites en langue des "
    "signes française. Les enfants sont les bienvenus à partir de huit ans, accompagnés d'un adulte. Pour "
    "des raisons de conservation, les sacs volumineux, la nourriture et les boissons ne sont pas admis ; "
    "un vestiaire gratuit sera ouvert à l'entrée.</p>",
    "<p>Pour celles et ceux qui ne pourront pas venir, la soirée sera prolongée en ligne. Une série de "
    "courts films tournés dans les réserves sera publiée sur le site dans les semaines qui suivent, et "
    "une sélection d'œuvres rarement montrées rejoindra les salles du premier étage au printemps, dans "
    "un accrochage renouvelé tous les trois mois. Les écoles pourront réserver des ateliers autour de la "
    "conservation préventive, conçus avec les équipes du musée. Enfin, un carnet de visite, gratuit et "
    "téléchargeable, résume les étapes du parcours et propose un glossaire des métiers rencontrés au fil "
    "de la nuit.</p>",
    "<p>La nuit des réserves est gratuite, dans la limite des places disponibles. Les réservations ouvrent "
    "le 1<sup>er</sup> décembre à 10 heures sur la page de l'événement. Vous pouvez aussi consulter "
    "<a href=\"https://www.culture.gouv.fr/\">le site du ministère de la Culture</a> pour connaître les "
    "autres musées qui ouvrent leurs coulisses cette saison.</p>",
]
QUOTE = (
    "Une réserve n'est pas un lieu où l'on oublie les œuvres. C'est là qu'on en prend soin, "
    "pour qu'elles soient encore là dans deux cents ans."
)
ATTRIBUTION = "La directrice des collections"


class Command(BaseCommand):
    help = "Create the benchmark site in a fresh database and print its URLs as one JSON line."

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, required=True)

    def handle(self, *args, port, **options):
        if Page.objects.filter(depth__gt=2).exists():
            raise CommandError("this database already has content: bench_content only fills a fresh one")
        root = Page.get_first_root_node()
        default_pages = list(Page.objects.filter(depth=2))

        home = root.add_child(instance=HomePage(
            title="Musée des Cimaises", slug="accueil",
            intro="Un musée de beaux-arts au cœur de la ville, ouvert tous les jours sauf le mardi.",
        ))
        Site.objects.all().delete()
        site = Site.objects.create(
            hostname="127.0.0.1", port=port, root_page=home, is_default_site=True, site_name="Musée des Cimaises"
        )
        for page in default_pages:  # Wagtail's welcome page
            page.delete()
        home.save_revision().publish()

        profile = InstitutionProfile.for_site(site)
        profile.name = "Musée des Cimaises"
        profile.mission = "Conserver, étudier et partager les collections de beaux-arts de la ville."
        profile.languages = ["fr"]
        profile.address = "1 place des Arts\n75000 Paris"
        profile.email = "contact@musee-des-cimaises.example"
        profile.opening_hours = "Tous les jours sauf le mardi, de 10 h à 18 h"
        profile.save()

        index = home.add_child(instance=ArticleIndexPage(
            title="Actualités", slug="actualites", show_in_menus=True,
            intro="Les nouvelles du musée : expositions, coulisses, rendez-vous.",
        ))
        index.save_revision().publish()

        body = [("heading", {"text": HEADING, "level": "h2"})]
        body += [("paragraph", text) for text in PARAGRAPHS[:4]]
        body += [("quote", {"quote": QUOTE, "attribution": ATTRIBUTION})]
        body += [("paragraph", text) for text in PARAGRAPHS[4:]]
        article = index.add_child(instance=ArticlePage(
            title=TITLE, slug="la-nuit-des-reserves", intro=INTRO, body=body,
        ))
        article.save_revision().publish()

        # The same words in a plain rich-text field, one level deep like the article.
        bare_body = (
            f"<p>{html.escape(INTRO)}</p><h2>{html.escape(HEADING)}</h2>" + "".join(PARAGRAPHS[:4])
            + f"<blockquote><p>{html.escape(QUOTE)}</p><p>{html.escape(ATTRIBUTION)}</p></blockquote>"
            + "".join(PARAGRAPHS[4:])
        )
        bare = index.add_child(instance=BarePage(title=TITLE, slug="la-nuit-des-reserves-nu", body=bare_body))
        bare.save_revision().publish()

        urls = {
            "home": home.specific.get_url(),
            "article": article.get_url(),
            "bare": bare.get_url(),
        }
        words = len(re.sub(r"<[^>]+>", " ", " ".join([INTRO, HEADING, QUOTE, *PARAGRAPHS])).split())
        self.stdout.write(json.dumps({
            "urls": urls,
            "titles": {"home": home.title, "article": TITLE, "bare": TITLE},
            "words": words,
            "queries": self.count_queries(urls, port),
        }))

    def count_queries(self, urls, port):
        """SQL queries of a warm request to each page, through Django's test client."""
        client = Client(HTTP_HOST=f"127.0.0.1:{port}")
        counts = {}
        for name, url in urls.items():
            first = client.get(url)
            if first.status_code != 200:
                raise CommandError(f"{url} answered {first.status_code} in the test client")
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            counts[name] = len(queries)
        return counts
