"""Who acts when a command is run on the server."""

from django.core.management.base import CommandError

from gonghui.core.actors import Actor, SystemActor
from gonghui.core.models import User
from gonghui.orgs.models import Union


def resolve_scope(union_code: str, username: str | None) -> tuple[Actor, Union]:
    """The union to import into and who acts: a named user (their scope is checked) or
    the operator on the server, scoped to that union."""
    union = Union.objects.filter(code=union_code).first()
    if union is None:
        raise CommandError(f"找不到工会代码 {union_code}")
    if username is None:
        return SystemActor(union), union
    user = User.objects.filter(username=username, is_active=True).select_related("union").first()
    if user is None or not Union.objects.visible_to(user).filter(pk=union.pk).exists():
        raise CommandError(f"用户 {username} 不存在，或无权操作 {union.name}")
    return user, union
