"""The demo's audience: contacts with their timeline, the friends' programme, points rules, rewards, and a
member who has earned points and spent some (see ``cimaise.demo.content.audience``).

Everything goes through the audience's services, as the team would do it in the admin.
"""

import datetime

from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from cimaise.audience.loyalty import services as loyalty
from cimaise.audience.loyalty.models import MembershipProgramme, MembershipTier, PointsRule, Reward
from cimaise.audience.models import Contact, Interest
from cimaise.audience.services.contacts import find_or_create
from cimaise.demo.content import audience as content


def create_audience(loader):
    loader.say(_("Creating the audience: contacts, the friends' programme, points and rewards …"))
    desk = loader.users.get("accueil")
    interests = {name: Interest.objects.get_or_create(name=name, slug=slugify(name))[0] for name in content.INTERESTS}
    now = timezone.now()
    contacts = {}
    for email, first, last, language, kind, likes, months_ago, _newsletter in content.CONTACTS:
        contact, _created = find_or_create(email, first_name=first, last_name=last, language=language, kind=kind,
                                           source=Contact.Source.MANUAL)
        contact.interests.set([interests[name] for name in likes])
        # Spread over the last months: the dashboard's growth has a history.
        Contact.objects.filter(pk=contact.pk).update(created_at=now - datetime.timedelta(days=30 * months_ago))
        contacts[email] = contact

    programme = MembershipProgramme.objects.create(name=content.PROGRAMME["name"],
                                                   description=content.PROGRAMME["description"])
    tiers = [MembershipTier.objects.create(programme=programme, sort_order=order, **tier)
             for order, tier in enumerate(content.PROGRAMME["tiers"])]
    for activity, points, members_only in content.POINTS_RULES:
        PointsRule.objects.create(activity=activity, points=points, members_only=members_only)
    rewards = [Reward.objects.create(name=name, cost=cost, description=text) for name, cost, text in content.REWARDS]

    member = contacts[content.MEMBER_EMAIL]
    loyalty.join(member, tiers[0], user=desk)
    for _visit in range(content.MEMBER_VISITS):
        loyalty.record_visit(member, user=desk)
    for amount in content.MEMBER_PURCHASES:
        loyalty.record_purchase(member, amount, user=desk)
    loyalty.redeem(member, rewards[0], user=desk)
    loader.member_card = loyalty.card_for(member)
    return contacts

