"""schema.org data about the institution and its pages, as JSON-LD."""

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
            data["image"] = request.build_absolute_uri(rendition.url) if request else rendition.url
    if page.specific_class.__name__ == "HomePage":
        data = {"@context": "https://schema.org", **organization(profile, url)}
    return data
