"""A hidden field's error printed where the page prints the form's own errors.

A hidden input (the version a form was opened at, the escalation step a letter answers) has no place of its own to
print an error: a form sent back with one missing or not valid was shown again with no message, and nothing saved.
Django's own form layouts put such errors at the top ("(Hidden field …)"); the app's pages print a form's own errors
(`non_field_errors`) above it, so they go there, saying that nothing was saved and what to do.
"""

from __future__ import annotations

from django import forms
from django.forms.utils import pretty_name
from django.utils.translation import gettext


class HiddenErrorsShown(forms.Form):
    def _post_clean(self) -> None:
        super()._post_clean()
        for name, field in self.fields.items():
            if not field.widget.is_hidden or name not in self.errors:
                continue
            for error in list(self.errors[name]):
                self.add_error(
                    None,
                    gettext(
                        "Nothing was saved: the page sent the form back without a valid %(field)s (%(error)s). "
                        "Open the form again from its page and save."
                    )
                    % {"field": field.label or pretty_name(name), "error": str(error).rstrip(".。")},
                )
