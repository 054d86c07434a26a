"""Segments: saved, named filters over the contacts (see ``definition`` for the format).

A segment stores its definition, never a list of people: ``contacts()`` computes the set when asked,
so a campaign always targets whoever matches at sending time. ``cached_count`` is only for the list
screen (the figure at ``counted_at``).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from cimaise.audience.segments.definition import contacts, empty_definition


class Segment(models.Model):
    name = models.CharField(_("name"), max_length=150, unique=True)
    description = models.TextField(_("description"), blank=True)
    definition = models.JSONField(_("definition"), default=empty_definition)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    cached_count = models.PositiveIntegerField(_("contacts"), null=True, blank=True)
    counted_at = models.DateTimeField(_("counted"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("segment")
        verbose_name_plural = _("segments")

    def __str__(self):
        return self.name

    def contacts(self, *, now=None):
        """The contacts in the segment now (erased ones never): a queryset campaigns can filter further."""
        return contacts(self.definition, now=now)
