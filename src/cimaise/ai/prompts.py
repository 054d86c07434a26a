"""Prompts for the editor assistant's actions, built from the institution's profile.

Kept short on purpose: the embedded model has a 2,048-token context and
follows simple instructions best. The institution's mission, audiences and
tone of voice go in the system prompt; the person's text goes in the prompt.
"""

from django.utils.translation import gettext_lazy as _

LANGUAGE_NAMES = {"fr": "French", "en": "English"}

# Social networks and their length limits (characters).
SOCIAL_NETWORKS = {
    "bluesky": ("Bluesky", 300),
    "x": ("X", 280),
    "mastodon": ("Mastodon", 500),
    "instagram": ("Instagram", 2200),
    "linkedin": ("LinkedIn", 3000),
    "facebook": ("Facebook", 5000),
}
SOCIAL_NETWORK_CHOICES = [(key, label) for key, (label, _limit) in SOCIAL_NETWORKS.items()]

# What each action asks of the model. {language} is the language to write in.
INSTRUCTIONS = {
    "draft": "Write a first draft in {language} from this brief. Plain paragraphs, no title.",
    "rewrite": "Rewrite this text in {language} in the institution's tone of voice. Keep every fact.",
    "shorten": "Shorten this text in {language} to about half its length. Keep the key facts.",
    "expand": "Expand this text in {language} with more detail and context. Do not invent facts, names or dates.",
    "translate": "Translate this text into {language}. Keep the meaning, names and dates.",
    "plain_language": ("Rewrite this text in {language} in plain language (easy to read and understand): "
                       "short sentences, common words, one idea per sentence, explain any difficult word."),
    "titles": ("Suggest one title (at most 60 characters) and one meta description (at most 155 characters) "
               "in {language} for this text. Answer as two lines: 'Title: ...' and 'Description: ...'."),
    "alt_text": ("Write alternative text in {language} for an image described below, for a blind visitor: "
                 "one sentence, at most 150 characters, no 'image of'."),
    "social": ("Write one {network} post in {language} about this text, at most {limit} characters, "
               "with two or three relevant hashtags."),
    "newsletter": "Write a newsletter blurb in {language} about this text: two or three inviting sentences.",
}

# "titles" asked from one field: only what that field holds.
TITLE_ONLY = "Suggest one title (at most 60 characters) in {language} for this text. Answer with the title only."
DESCRIPTION_ONLY = ("Suggest one meta description (at most 155 characters) in {language} for this text, for search "
                    "engines. Answer with the description only.")
TITLE_FIELDS = ("title", "seo_title")
DESCRIPTION_FIELDS = ("search_description",)

ACTION_HELP = {
    "draft": _("Write the brief: what, for whom, key facts."),
    "alt_text": _("Describe the image in your own words: the model does not see it."),
}


def target_language(action, source_language, requested=""):
    """The language to write in: the other one for a translation, else the page's language."""
    if action == "translate":
        if requested in LANGUAGE_NAMES and requested != source_language:
            return requested
        return "en" if source_language == "fr" else "fr"
    return requested if requested in LANGUAGE_NAMES else source_language


def system_prompt(profile):
    """Who the model writes for: the institution's name, mission, audiences and tone."""
    lines = [f"You write for {profile.name or 'a cultural institution'}."]
    if profile.mission:
        lines.append(f"Mission: {profile.mission.strip()[:400]}")
    audiences = profile.audience_list() if hasattr(profile, "audience_list") else []
    if audiences:
        lines.append("Audiences: " + ", ".join(audiences)[:300] + ".")
    if profile.tone_of_voice:
        lines.append(f"Tone of voice: {profile.tone_of_voice.strip()[:400]}")
    lines.append("Answer with the text only, without comments.")
    return "\n".join(lines)


def social_limit(network):
    """The longest post (characters) on a network; Mastodon's when the network is unknown."""
    return SOCIAL_NETWORKS.get(network, SOCIAL_NETWORKS["mastodon"])[1]


def user_prompt(action, text, language, network="", field=""):
    network_label, limit = SOCIAL_NETWORKS.get(network, SOCIAL_NETWORKS["mastodon"])
    instruction = INSTRUCTIONS[action]
    if action == "titles" and field in TITLE_FIELDS:
        instruction = TITLE_ONLY
    elif action == "titles" and field in DESCRIPTION_FIELDS:
        instruction = DESCRIPTION_ONLY
    instruction = instruction.format(language=LANGUAGE_NAMES[language], network=network_label, limit=limit)
    return f"{instruction}\n\n{text.strip()}"
