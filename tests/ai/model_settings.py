"""Set the site's AI model for a test, validated as the settings form would."""

from cimaise.ai.models import AIModelSettings


def configure(site, **values):
    config = AIModelSettings.for_site(site)
    for name, value in values.items():
        setattr(config, name, value)
    config.full_clean()
    config.save()
    return config
