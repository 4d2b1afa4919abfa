"""Template filters for oversight pages in words (audits/wording.py)."""

from django import template

from audits import wording

register = template.Library()

register.filter("action_label", wording.action_label)
register.filter("readable_pairs", wording.readable_pairs)
register.filter("raw_json", wording.raw_json)
register.filter("raw_event", wording.raw_event)


@register.filter
def words(code):
    """'hotlist_request' -> 'Hotlist request'."""
    text = str(code or "").replace("_", " ")
    return text[:1].upper() + text[1:]
