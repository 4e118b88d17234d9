from django.db import models
from django.utils.translation import gettext_lazy as _

from housing.models import Lessor

from .constants import TenderStatus


class Tender(models.Model):
    """An invitation to tender for non-profit rental dwellings (Art. 17, 18)."""

    lessor = models.ForeignKey(
        Lessor,
        on_delete=models.PROTECT,
        related_name="tenders",
        verbose_name=_("lessor"),
    )
    title = models.CharField(_("title"), max_length=200)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=TenderStatus.choices,
        default=TenderStatus.DRAFT,
    )
    published_on = models.DateField(_("publication date"), null=True, blank=True)
    deadline = models.DateTimeField(_("application deadline"), null=True, blank=True)

    class Meta:
        ordering = ["-published_on", "title"]
        verbose_name = _("tender")
        verbose_name_plural = _("tenders")

    def __str__(self) -> str:
        return self.title
