"""A ledger definition -> a WTForms form class, through one lookup table from kind widget to factory.

The form only carries values between the page and the engine: it does no validation of its
own, so every message the user sees comes from core.entries.validation, the same as for the API.
Forms are BaseForm subclasses built from (name, field) pairs, never class attributes, so a
field called `data`, `errors` or `meta` cannot shadow the form's own machinery.
"""
from __future__ import annotations

import threading
from typing import Any, Callable

from flask_babel import lazy_gettext as _l
from wtforms import fields as wf
from wtforms import widgets
from wtforms.form import BaseForm
from wtforms.meta import DefaultMeta
from wtforms.utils import unset_value

try:  # WTForms 3.3+ deprecates (value, label) tuples
    from wtforms.fields.choices import SelectChoice as _choice_of
except ImportError:  # pragma: no cover - older WTForms
    def _choice_of(value, label=None):
        return (value, value if label is None else label)

from core.definition.model import Definition, Field
from core.definition.rules import show_when

from .convert import display_value

MAX_ROWS = 500  # hard cap on child-table rows read from one request (validation has its own)


class DefinedForm(BaseForm):
    """A form whose fields come from a definition; subclasses only set `pairs` and `fields`."""

    pairs: tuple = ()
    fields: tuple[Field, ...] = ()
    schema: dict | None = None

    def __init__(self, formdata=None, prefix: str = "", data: dict | None = None, parent=None):
        meta = DefaultMeta()
        if parent is not None:
            meta._parent_form = parent
        super().__init__(self.pairs, prefix=prefix, meta=meta)
        self.process(formdata, data=data or {})


class GroupField(wf.FormField):
    """FormField that hands its data over as one dict, so sub-field names never meet kwargs."""

    def process(self, formdata, data=unset_value, extra_filters=None):
        if data is unset_value:
            data = self.default() if callable(self.default) else self.default
        self.object_data = data
        self.form = self.form_class(formdata=formdata, prefix=self.name + self.separator,
                                    data=data if isinstance(data, dict) else None, parent=self._form)


class CheckboxListWidget:
    """Marker widget: templates render multi-choices as a fieldset of checkboxes."""

    def __call__(self, field, **kwargs):  # pragma: no cover - rendered by the template macro
        raise NotImplementedError


def _common(f: Field) -> dict:
    render: dict[str, Any] = {}
    examples = f.schema.get("examples")
    if isinstance(examples, list) and examples and isinstance(examples[0], (str, int, float)):
        # 「例：」 so an example is never read as a value already filled in (lists.css: light, italic)
        render["placeholder"] = _l("例：%(example)s", example=str(examples[0]))
    if f.read_only:
        render["readonly"] = True
    return {"label": f.title, "description": f.description, "render_kw": render,
            "default": display_value(f, f.default)}


def _text(widget_cls) -> Callable[[Field], wf.Field]:
    def make(f: Field) -> wf.Field:
        kw = _common(f)
        if isinstance(f.schema.get("maxLength"), int):
            kw["render_kw"]["maxlength"] = f.schema["maxLength"]
        return wf.StringField(widget=widget_cls(), **kw)
    return make


def _textarea(f: Field) -> wf.Field:
    kw = _common(f)
    kw["render_kw"]["rows"] = 4
    if isinstance(f.schema.get("maxLength"), int):
        kw["render_kw"]["maxlength"] = f.schema["maxLength"]
    return wf.TextAreaField(**kw)


def _number(step: str, inputmode: str) -> Callable[[Field], wf.Field]:
    def make(f: Field) -> wf.Field:
        kw = _common(f)
        kw["render_kw"].update(step=step, inputmode=inputmode)
        for bound in ("minimum", "maximum"):
            if isinstance(f.schema.get(bound), (int, float)):
                kw["render_kw"][bound[:3]] = f.schema[bound]
        # A StringField, not IntegerField: what the user typed is kept and judged by the engine.
        return wf.StringField(widget=widgets.NumberInput(), **kw)
    return make


def _boolean(f: Field) -> wf.Field:
    kw = _common(f)
    if f.read_only:
        kw["render_kw"] = {"disabled": True}
    return wf.BooleanField(**kw)


def _choice(f: Field) -> wf.Field:
    kw = _common(f)
    options = [_choice_of(c, c) for c in f.choices]
    if f.widget == "radio":
        return wf.RadioField(choices=options, validate_choice=False, **kw)
    return wf.SelectField(choices=[_choice_of("", _l("请选择"))] + options, validate_choice=False, **kw)


def _multichoice(f: Field) -> wf.Field:
    kw = _common(f)
    widget = widgets.Select(multiple=True) if f.widget == "select" else CheckboxListWidget()
    return wf.SelectMultipleField(choices=[_choice_of(c, c) for c in f.choices], validate_choice=False,
                                  widget=widget, **kw)


def _files(f: Field) -> wf.Field:
    """The ids an entry keeps (a checkbox each, unticked: removed); new files come from the
    file input beside it (web/attachments.py uploads them as the form is saved)."""
    kw = _common(f)
    kw["default"] = []
    return wf.SelectMultipleField(choices=[], validate_choice=False, widget=CheckboxListWidget(), **kw)


def _group(f: Field) -> wf.Field:
    kw = _common(f)
    kw.pop("render_kw")
    kw["default"] = None
    return GroupField(_form_class(f"Group_{f.key}", f.children), **kw)


def _table(f: Field) -> wf.Field:
    kw = _common(f)
    kw.pop("render_kw")
    kw["default"] = ()
    row = GroupField(_form_class(f"Row_{f.key}", f.children))
    return wf.FieldList(row, min_entries=0, max_entries=MAX_ROWS, **kw)


# Keyed by Kind.widget: a kind names its widget, this table knows how WTForms builds it.
FACTORIES: dict[str, Callable[[Field], wf.Field]] = {
    "text": _text(widgets.TextInput),
    "textarea": _textarea,
    "date": _text(widgets.DateInput),
    "datetime": _text(widgets.DateTimeLocalInput),
    "email": _text(widgets.EmailInput),
    "uri": _text(widgets.URLInput),
    "integer": _number("1", "numeric"),
    "number": _number("any", "decimal"),
    "money": _number("0.01", "decimal"),
    "boolean": _boolean,
    "choice": _choice,
    "multichoice": _multichoice,
    "group": _group,
    "table": _table,
    "file": _files,
}


def _form_class(name: str, fields: tuple[Field, ...], schema: dict | None = None) -> type[DefinedForm]:
    pairs = tuple((f.key, FACTORIES[f.type.widget](f)) for f in fields)
    return type(name, (DefinedForm,), {"pairs": pairs, "fields": fields, "schema": schema})


_CACHE: dict[tuple[str, int], type[DefinedForm]] = {}
_LOCK = threading.Lock()


def form_class(definition: Definition) -> type[DefinedForm]:
    """The form class of one ledger version, built once and shared (never mutated)."""
    key = (definition.key, definition.version)
    cls = _CACHE.get(key)
    if cls is None or (cls.schema is not definition.schema and cls.schema != definition.schema):
        cls = _form_class(f"Form_{definition.key}_v{definition.version}", definition.fields,
                          definition.schema)
        with _LOCK:
            if len(_CACHE) > 256:
                _CACHE.clear()
            _CACHE[key] = cls
    return cls


def offer_choices(bound, values: list[str]) -> None:
    """Limit one bound choice field (of one request's form, never the shared class) to `values`:
    the workflow's states this user may choose. A select keeps its 请选择; radios read `offered`."""
    bound.offered = list(values)
    blank = [_choice_of("", _l("请选择"))] if not isinstance(bound, wf.RadioField) else []
    bound.choices = blank + [_choice_of(v, v) for v in values]


def show_when_attrs(definition: Definition, f: Field) -> dict:
    """`data-show-when` for a field's wrapper when the definition shows it only under a condition
    (x-show-when): static/js/showwhen.js reads it; without JavaScript the field stays visible."""
    conditions = show_when(definition, f)
    return {"data-show-when": conditions} if conditions else {}


def template_row(table) -> wf.Field:
    """An empty row of a bound child table, named `<table>-__index__-<sub>`, for the add-row script."""
    options = dict(name=f"{table.name}{table._separator}__index__", id=f"{table.id}{table._separator}__index__",
                   _meta=table.meta, translations=table._translations)
    row = table.meta.bind_field(table._form, table.unbound_field, options)
    row.process(None)
    return row
