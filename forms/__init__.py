"""Ledger definitions as HTML forms: build the form class, read a submission, map errors back."""
from .builder import FACTORIES, DefinedForm, form_class, offer_choices
from .convert import display_value, entry_data, field_errors, form_values, short_message

__all__ = ["FACTORIES", "DefinedForm", "form_class", "display_value", "entry_data", "field_errors",
           "form_values", "offer_choices", "short_message"]
