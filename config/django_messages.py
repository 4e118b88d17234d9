"""Django's own messages that its Slovenian catalogue lacks in 6.1.

Listed here so that ``makemessages`` keeps them in our catalogue (and our Slovenian
translation wins). Nothing imports this module.
"""

from django.utils.translation import ngettext_lazy

MESSAGES = [
    # django.contrib.auth.password_validation.MinimumLengthValidator (6.1 msgid)
    ngettext_lazy(
        "This password is too short. It must contain at least %d character.",
        "This password is too short. It must contain at least %d characters.",
        12,
    ),
]
