"""Newsletter sending speed: Cimaise's engine against Django's send_mass_mail path, into a local SMTP sink.

    ./cimaise bench email [--messages N] [--baseline-messages M] [--concurrency C] [--batch B]

Builds a throw-away site in a temporary directory (SQLite, nothing from the caller's environment): three
articles, a list with ``--messages`` confirmed subscribers (each with a first name), and a campaign showing
the three articles (MJML, CSS inlined once, ~20 KB of HTML). A sink (aiosmtpd, in its own process,
counting messages and discarding bodies, ``cimaise.audience.campaigns.sink``) listens on 127.0.0.1.

1. engine: a sender process runs ``sending.run`` (the task worker's code): personalised messages with
   List-Unsubscribe, a per-recipient Message-ID and the sent mark of each recipient in the database.
   ``messages_per_s`` = messages / time of ``sending.run`` (the recipients are materialised before, timed
   apart as ``prepare_s``). ``peak_rss_mb`` is the sender process's peak RSS (wait4).
2. baseline: another process sends ``--baseline-messages`` of the same personalised messages the way
   Django's ``send_mass_mail`` does: one connection, one ``EmailMultiAlternatives`` per message (text and
   HTML), ``connection.send_messages``; no database writes at all.

The sink's count must equal what each sender reports. Prints one JSON line on stdout, progress on stderr.
"""

import sys
from pathlib import Path

# This file is named email.py: take bench/ off the path so that the standard library's email package wins.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import datetime  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import secrets  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
HOST = "127.0.0.1"
INHERITED_VARIABLES = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TZ")


class BenchError(Exception):
    """Stops the bench; its message is the one line printed to stderr."""


def progress(message):
    print(f"bench email: {message}", file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def bench_env(var_dir, port, args):
    env = {k: v for k, v in os.environ.items() if k in INHERITED_VARIABLES}
    env.update(
        CIMAISE_VAR_DIR=str(var_dir),
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="0",
        BASE_URL="https://musee.example",
        DJANGO_SETTINGS_MODULE="cimaise.settings",
        PYTHONPATH=str(ROOT / "src"),
        LOG_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="1",
        DEFAULT_FROM_EMAIL="Musée de Bench <lettre@musee.example>",
        EMAIL_HOST=HOST, EMAIL_PORT=str(port), EMAIL_USE_TLS="0", EMAIL_USE_SSL="0",
        SENDING_BATCH_SIZE=str(args.batch), SENDING_CONCURRENCY=str(args.concurrency),
        SENDING_RATE_PER_SECOND="0",
        TASKS_BACKEND="django_tasks.backends.dummy.DummyBackend",
    )
    return env


def django(env, *args):
    result = subprocess.run([sys.executable, "-m", "django", *args], cwd=ROOT, env=env, text=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise BenchError(f"'manage.py {args[0]}' failed: {last}")


def run_python(env, code):
    """Run ``code`` after django.setup() in a child process; return (its last stdout line as JSON, peak RSS MB)."""
    script = "import django, json, time\ndjango.setup()\n" + code
    process = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, env=env, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    stdout, stderr = process.communicate()
    # The child's peak RSS: its own getrusage, printed in its JSON (wait4 is consumed by communicate()).
    if process.returncode != 0:
        last = (stderr.strip().splitlines() or ["(no output)"])[-1]
        raise BenchError(f"a step failed: {last}")
    return json.loads(stdout.strip().splitlines()[-1])


SETUP_CODE = '''
from django.contrib.auth import get_user_model
from wagtail.models import Locale, Page, Site
from cimaise.audience.models import Contact, NewsletterList, Subscription
from cimaise.audience.campaigns.services import campaigns
from cimaise.institution.models import InstitutionProfile
from cimaise.pages.models import ArticleIndexPage, ArticlePage, HomePage

locale = Locale.objects.get_or_create(language_code="fr")[0]
root = Page.get_first_root_node()
home = root.add_child(instance=HomePage(title="Accueil", slug="accueil-bench", locale=locale))
site = Site.objects.get(is_default_site=True)
site.root_page = home
site.save()
profile = InstitutionProfile.for_site(site)
profile.name = "Musée de Bench"
profile.address = "1 rue du Musée\\n75001 Paris"
profile.save()
index = home.add_child(instance=ArticleIndexPage(title="Actualités", slug="actualites"))
articles = []
for n in range(3):
    articles.append(index.add_child(instance=ArticlePage(
        title=f"Une exposition à ne pas manquer, numéro {n}", slug=f"article-{n}",
        intro="Deux cents œuvres réunies pour la première fois : peintures, dessins et carnets inédits, "
              "de l'atelier aux grandes commandes publiques.")))
for page in (home, index, *articles):
    page.save_revision().publish()
newsletter = NewsletterList.objects.create(name="La lettre du musée", slug="lettre", language="fr",
                                           double_opt_in=False)
COUNT = MESSAGES
step = 10000
for start in range(0, COUNT, step):
    contacts = Contact.objects.bulk_create([
        Contact(email=f"visiteur{i}@bench.example", first_name=f"Prénom{i}", language="fr")
        for i in range(start, min(COUNT, start + step))])
    Subscription.objects.bulk_create([Subscription(contact=c, newsletter=newsletter, status="confirmed")
                                      for c in contacts])
campaign = campaigns.create(name="Bench", subject="Les nouvelles du musée", language="fr",
                            intro="Chères amies, chers amis du musée,\\n\\nvoici les nouvelles du mois.",
                            newsletter=newsletter, pages=[Page.objects.get(pk=a.pk) for a in articles])
campaigns.start(campaign, enqueue=False)
campaign.refresh_from_db()
print(json.dumps({"campaign": campaign.pk, "html_bytes": len(campaign.rendered_html.encode())}))
'''

ENGINE_CODE = '''
import resource
setup_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
from cimaise.audience.campaigns import sending
from cimaise.audience.campaigns.models import Campaign
campaign = Campaign.objects.get(pk=CAMPAIGN)
began = time.perf_counter()
sending._prepare(campaign)
prepare = time.perf_counter() - began
began = time.perf_counter()
report = sending.run(campaign.pk)
seconds = time.perf_counter() - began
print(json.dumps({"sent": report.sent, "finished": report.finished, "seconds": seconds, "prepare_s": prepare,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "setup_rss_mb": setup_rss}))
'''

BASELINE_CODE = '''
import resource
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from cimaise.audience.campaigns import rendering, sending
from cimaise.audience.campaigns.models import Campaign
from cimaise.audience.models import Subscription
campaign = Campaign.objects.get(pk=CAMPAIGN)
html = rendering.Personaliser(campaign.rendered_html, escape=True)
text = rendering.Personaliser(campaign.rendered_text, escape=False)
named, anonymous = rendering.greetings(campaign.language)
people = list(Subscription.objects.filter(newsletter=campaign.newsletter).order_by("pk")
              .values_list("contact__email", "contact__first_name", "token")[:LIMIT])
connection = get_connection()
connection.open()
sent = 0
began = time.perf_counter()
for start in range(0, len(people), 1000):
    messages = []
    for address, first_name, token in people[start:start + 1000]:
        url = sending.unsubscribe_url(token)
        values = {"GREETING": named % {"name": first_name}, "UNSUBSCRIBE_URL": url, "PREFERENCES_URL": ""}
        message = EmailMultiAlternatives(campaign.subject, text.fill(values), settings.DEFAULT_FROM_EMAIL,
                                         [address], connection=connection,
                                         headers={"List-Unsubscribe": f"<{url}>",
                                                  "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})
        message.attach_alternative(html.fill(values), "text/html")
        messages.append(message)
    sent += connection.send_messages(messages)
seconds = time.perf_counter() - began
connection.close()
print(json.dumps({"sent": sent, "seconds": seconds,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
'''


class SinkProcess:
    def __init__(self, env, port):
        self.process = subprocess.Popen([sys.executable, "-m", "cimaise.audience.campaigns.sink", str(port)],
                                        cwd=ROOT, env=env, text=True, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        if self.process.stdout.readline().strip() != "ready":
            raise BenchError("the SMTP sink did not start")

    def count(self):
        self.process.stdin.write("count\n")
        self.process.stdin.flush()
        return int(self.process.stdout.readline())

    def stop(self):
        if self.process.poll() is None:
            self.process.stdin.close()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--baseline-messages", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--batch", type=int, default=500)
    args = parser.parse_args(argv)
    for name, (low, high) in {"messages": (100, 1_000_000), "baseline_messages": (100, 1_000_000),
                              "concurrency": (1, 64), "batch": (1, 10_000)}.items():
        if not low <= getattr(args, name) <= high:
            raise BenchError(f"--{name.replace('_', '-')} must be between {low} and {high}")
    args.baseline_messages = min(args.baseline_messages, args.messages)
    began = time.monotonic()
    load_before = round(os.getloadavg()[0], 2)
    var_dir = Path(tempfile.mkdtemp(prefix="cimaise-bench-email-"))
    sink = None
    try:
        port = free_port()
        env = bench_env(var_dir, port, args)
        progress("migrating a fresh SQLite database (about a minute) ...")
        django(env, "migrate", "--no-input", "-v", "0")
        progress(f"{args.messages} subscribers, three articles, one campaign ...")
        setup = run_python(env, SETUP_CODE.replace("MESSAGES", str(args.messages)))
        sink = SinkProcess(env, port)

        progress(f"engine: {args.messages} messages, {args.concurrency} threads, batches of {args.batch} ...")
        engine = run_python(env, ENGINE_CODE.replace("CAMPAIGN", str(setup["campaign"])))
        received = sink.count()
        if engine["sent"] != args.messages or received != args.messages:
            raise BenchError(f"the engine sent {engine['sent']} and the sink got {received} of {args.messages}")
        progress(f"engine: {args.messages / engine['seconds']:.0f} messages/s, peak RSS "
                 f"{engine['peak_rss_mb']:.0f} MB")

        progress(f"baseline: {args.baseline_messages} messages through Django's send_mass_mail path ...")
        baseline = run_python(env, BASELINE_CODE.replace("CAMPAIGN", str(setup["campaign"]))
                              .replace("LIMIT", str(args.baseline_messages)))
        if baseline["sent"] != args.baseline_messages or sink.count() - received != args.baseline_messages:
            raise BenchError("the baseline's messages did not all reach the sink")
        progress(f"baseline: {args.baseline_messages / baseline['seconds']:.0f} messages/s")
    finally:
        if sink:
            sink.stop()
        shutil.rmtree(var_dir, ignore_errors=True)
    rate = args.messages / engine["seconds"]
    baseline_rate = args.baseline_messages / baseline["seconds"]
    result = {
        "messages_per_s": round(rate, 1),
        "peak_rss_mb": round(engine["peak_rss_mb"], 1),
        # The sender's RSS right after django.setup(), before any campaign work: what every process of the
        # project costs (all apps loaded), included in peak_rss_mb.
        "setup_rss_mb": round(engine["setup_rss_mb"], 1),
        "baseline_messages_per_s": round(baseline_rate, 1),
        "ratio": round(rate / baseline_rate, 2),
        "messages": args.messages,
        "baseline_messages": args.baseline_messages,
        "baseline_peak_rss_mb": round(baseline["peak_rss_mb"], 1),
        "send_seconds": round(engine["seconds"], 1),
        "prepare_s": round(engine["prepare_s"], 1),
        "html_bytes": setup["html_bytes"],
        "concurrency": args.concurrency,
        "batch_size": args.batch,
        "sink": "cimaise.audience.campaigns.sink (asyncio, own process, PIPELINING, counts and discards)",
        "database": "SQLite (WAL), a sent mark per message",
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "loadavg_before": load_before,
        "date": datetime.date.today().isoformat(),
        "seconds": round(time.monotonic() - began, 1),
    }
    print(json.dumps(result), flush=True)
    return 0


def _interrupted(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    signal.signal(signal.SIGTERM, _interrupted)
    try:
        sys.exit(main(sys.argv[1:]))
    except BenchError as error:
        print(f"bench email: error: {error}", file=sys.stderr, flush=True)
        sys.exit(1)
    except KeyboardInterrupt:
        print("bench email: interrupted; temporary files removed", file=sys.stderr, flush=True)
        sys.exit(130)
