from django import template

from balaikota.regions.selectors import boundaries_are_approximate

register = template.Library()


@register.simple_tag
def approximate_boundaries() -> bool:
    return boundaries_are_approximate()
