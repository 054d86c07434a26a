"""The member card's page (public, reached by its secret link) and the desk (Wagtail admin, works on a phone)."""

import io

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.generic import TemplateView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from cimaise.audience.loyalty import services
from cimaise.audience.loyalty.models import MembershipTier, PointsTransaction, Reward

DESK_PERMISSION = "audience_loyalty.use_loyalty_desk"


def desk_url(card):
    """Where the card's QR code leads: the desk, with this member open (staff log in first)."""
    return reverse("loyalty_desk:desk") + f"?card={card.secret}"


def qr_svg(text):
    buffer = io.BytesIO()
    segno.make_qr(text, error="m").save(buffer, kind="svg", scale=6, border=4, xmldecl=False, svgns=True,
                                        svgclass="member-card-qr", title=_("Member card QR code"))
    return buffer.getvalue().decode()


@never_cache
@require_GET
def card(request, secret):
    """The member's card: name, tier, validity, points, and a QR code the desk scans with any phone camera."""
    found = services.find_card(secret)
    if found is None or found.secret != secret or found.contact.is_erased:
        raise Http404
    contact = found.contact
    membership = services.latest_membership(contact)
    response = render(request, "loyalty/public/card.html", {
        "card": found, "contact": contact, "membership": membership, "status": services.status(membership),
        "qr": qr_svg(request.build_absolute_uri(desk_url(found))),
    })
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "same-origin"
    return response


class DeskView(WagtailAdminTemplateMixin, TemplateView):
    """Find a member by card (number typed, or the card's QR code scanned) and record what they do."""

    template_name = "loyalty/admin/desk.html"
    page_title = gettext_lazy("Loyalty desk")
    header_icon = "crosshairs"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(DESK_PERMISSION):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        code = self.request.GET.get("card", "").strip()[:64]
        found = services.find_card(code) if code else None
        if code and (found is None or found.contact.is_erased):
            context["not_found"] = True
            found = None
        if found:
            contact = found.contact
            membership = services.latest_membership(contact)
            context.update(
                card=found, contact=contact, membership=membership, status=services.status(membership),
                movements=PointsTransaction.objects.filter(contact=contact)[:10],
                rewards=Reward.objects.filter(active=True),
                tiers=MembershipTier.objects.filter(programme__active=True).select_related("programme"),
            )
        context["code"] = code
        return context

    def post(self, request, *args, **kwargs):
        found = services.find_card(request.POST.get("card", ""))
        if found is None or found.contact.is_erased:
            messages.error(request, _("Unknown card: check the number."))
            return redirect("loyalty_desk:desk")
        contact, action = found.contact, request.POST.get("action")
        try:
            if action == "visit":
                movement = services.record_visit(contact, user=request.user)
                messages.success(request, _("Visit recorded.") + _earned(movement))
            elif action == "purchase":
                movement = services.record_purchase(contact, request.POST.get("amount", ""), user=request.user)
                messages.success(request, _("Purchase recorded.") + _earned(movement))
            elif action == "redeem":
                reward = Reward.objects.filter(pk=_int(request.POST.get("reward"))).first()
                if reward is None:
                    raise services.LoyaltyError(_("Choose a reward."), "reward")
                services.redeem(contact, reward, user=request.user)
                messages.success(request, _("Reward given: %(reward)s.") % {"reward": reward.name})
            elif action == "join":
                tier = MembershipTier.objects.filter(pk=_int(request.POST.get("tier"))).select_related(
                    "programme").first()
                if tier is None:
                    raise services.LoyaltyError(_("Choose a tier."), "tier")
                membership = services.join(contact, tier, user=request.user)
                messages.success(request, _("Membership recorded until %(date)s.") % {
                    "date": membership.ends_on.strftime("%d/%m/%Y")})
            else:
                messages.error(request, _("Unknown action."))
        except services.LoyaltyError as error:
            messages.error(request, " ".join(error.messages))
        return redirect(reverse("loyalty_desk:desk") + f"?card={found.number}")


def _int(value):
    return int(value) if str(value or "").isdigit() else None


def _earned(movement):
    return (" " + _("%(points)s points earned.") % {"points": movement.points}) if movement else ""
