from django import template

register = template.Library()


@register.filter
def menu_contains(item, path):
    """Is the page being shown one of this menu group's links (to mark the group current)?"""
    return item.contains(path)
