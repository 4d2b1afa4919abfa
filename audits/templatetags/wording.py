"""Template filters for oversight pages in words (audits/wording.py)."""

from django import template

from audits import wording

register = template.Library()


@register.filter
def action_label(code):
    return wording.action_label(code)


@register.filter
def readable_pairs(data):
    return wording.readable_pairs(data)


@register.filter
def raw_json(data):
    return wording.raw_json(data)


@register.filter
def raw_event(event):
    return wording.raw_event(event)


@register.filter
def words(code):
    """'hotlist_request' -> 'Hotlist request'."""
    text = str(code or "").replace("_", " ")
    return text[:1].upper() + text[1:]
