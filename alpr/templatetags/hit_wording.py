from django import template

from alpr import hit_wording

register = template.Library()


@register.filter
def step_label(transition):
    return hit_wording.step_label(transition)


@register.filter
def status_label(status):
    return hit_wording.status_label(status)


@register.filter
def detail_lines(details):
    return hit_wording.detail_lines(details)
