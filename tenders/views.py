from django.shortcuts import render

from .selectors import tender_list_open


def home(request):
    """The public home page: open tenders (an empty state when there are none)."""
    return render(request, "tenders/home.html", {"tenders": tender_list_open()})
