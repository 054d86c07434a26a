"""schema.org data about the institution and its pages, as JSON-LD."""

from cimaise.ai.images.public import image_object_json_ld
from cimaise.ai.transparency import public
from cimaise.institution.models import InstitutionProfile


def organization(profile: InstitutionProfile, url):
    data = {"@type": profile.schema_org_type, "name": profile.name, "url": url}
    if profile.mission:
        data["description"] = profile.mission
    if profile.address:
        data["address"] = profile.address
    if profile.email:
        data["email"] = profile.email  # a public institutional address, never a person's
    if profile.phone:
        data["telephone"] = profile.phone
    return data


def for_page(page, request, chrome):
    """JSON-LD for ``page``; ``chrome`` (cimaise.pages.chrome) gives the site and the profile."""
    profile = chrome["profile"]
    url = page.get_full_url(request=request)
    publisher = organization(profile, chrome["root_url"])
    data = {
        "@context": "https://schema.org",
        "@type": "WebPage",
        "name": page.seo_title or page.title,
        "url": url,
        "inLanguage": chrome["locale_codes"].get(page.locale_id),
        "publisher": publisher,
    }
    if getattr(page, "intro", ""):
        data["description"] = page.intro
    if page.specific_class.__name__ == "ArticlePage":
        data.update({
            "@type": "Article",
            "headline": page.title,
            "datePublished": page.date.isoformat(),
        })
        if page.last_published_at:
            data["dateModified"] = page.last_published_at.isoformat()
        if page.image:
            rendition = page.image.get_rendition("fill-1200x675")
            image_url = request.build_absolute_uri(rendition.url) if request else rendition.url
            # An image declared as made with AI is an ImageObject with its IPTC digital source type.
            data["image"] = image_object_json_ld(page.image, image_url, language=data["inLanguage"])
    if page.specific_class.__name__ == "HomePage":
        # The home page describes the institution, not a creative work: its AI note stays on the page itself.
        return {"@context": "https://schema.org", **organization(profile, url)}
    found = public.disclosure(page, data["inLanguage"])
    if found is not None:
        data.update(ai_use(found, url, is_web_page=data["@type"] == "WebPage"))
    return data


def person(name):
    return {"@type": "Person", "name": name}


def software(model):
    """A model as a schema.org SoftwareApplication (a CreativeWork): its name, maker, version and page."""
    data = {"@type": "SoftwareApplication", "name": model.name, "applicationCategory": "Large language model"}
    if model.maker:
        data["creator"] = {"@type": "Organization", "name": model.maker}
    if model.version and model.version != model.name:
        data["softwareVersion"] = model.version
    if model.url:
        data["url"] = model.url
    return data


def ai_use(found, url, is_web_page=False):
    """The properties a page's JSON-LD gains from its AI disclosure (``public.Disclosure``).

    - ``digitalSourceType`` (CreativeWork): the IPTC code's full URI, the identifier that IPTC photo
      metadata, C2PA and search engines read (schema.org's IPTCDigitalSourceEnumeration members stand for
      these very codes); only when AI-derived words remain in the text (share > 0).
    - ``subjectOf`` (Thing -> CreativeWork|Event, "a CreativeWork about this Thing"): the methodology note
      is a work about how this page was made, so it hangs there. ``publishingPrinciples`` would say it is
      the institution's general policy, and ``hasPart`` that it is a section of the article's own text.
    - The note's ``author`` is the person who approved it (a CreativeWork has no ``reviewedBy``: schema.org
      defines that on WebPage only, so a WebPage also gets ``reviewedBy``; an Article does not).
    - The models: ``mentions`` on the note (Thing: the note names them) and, when AI words remain,
      ``isBasedOn`` on the page (CreativeWork|Product|URL; a SoftwareApplication is a CreativeWork; the
      page is partly derived from their answers). ``contributor`` only accepts Organization or Person.
    """
    models = [software(m) for m in found.models]
    reviewers = [person(name) for name in (found.approved_by_label, found.second_reviewer_label) if name]
    note = {
        "@type": "CreativeWork",
        "name": found.heading,
        "abstract": found.short,
        "text": "\n\n".join(part for part in (found.full, found.review) if part),
        "inLanguage": found.language,
        "url": public.note_url(url),
    }
    if found.approved_at:
        note["dateCreated"] = found.approved_at.isoformat()
    if reviewers:
        note["author"] = reviewers[0]
    if models:
        note["mentions"] = models
    data = {"subjectOf": note}
    if found.digital_source_type:
        data["digitalSourceType"] = found.digital_source_type_uri
        if models:
            data["isBasedOn"] = models
    if is_web_page and reviewers:
        data["reviewedBy"] = reviewers if len(reviewers) > 1 else reviewers[0]
    return data
