from django import template

from lists.selectors import published_versions, sub_lists_of

register = template.Library()


@register.inclusion_tag("lists/_tender_lists.html")
def tender_lists(tender):
    """The tender page's section: published versions with their hashes and the
    cut-offs per sub-list of each."""
    versions = list(published_versions(tender))
    return {
        "tender": tender,
        "versions": [(v, sub_lists_of(v, with_entries=False)) for v in versions],
    }
