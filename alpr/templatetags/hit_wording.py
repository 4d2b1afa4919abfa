"""Template filters for a hit's history in words (alpr/hit_wording.py, issue 21 §6)."""

from django import template

from alpr import hit_wording

register = template.Library()

register.filter("step_label", hit_wording.step_label)
register.filter("status_label", hit_wording.status_label)
register.filter("detail_lines", hit_wording.detail_lines)
