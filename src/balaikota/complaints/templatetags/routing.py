from __future__ import annotations

from django import template

from balaikota.complaints import router

register = template.Library()


@register.simple_tag
def router_version() -> dict[str, str]:
    """The routing model in use, for the admin page; nothing is trained to answer this."""
    version = router.current_version()
    if not router.is_local(version):
        return {"version": version, "accuracy": "-"}
    model = router.current_router()
    return {"version": model.version, "accuracy": f"{model.scores['accuracy']:.3f}"}
