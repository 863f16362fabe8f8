from __future__ import annotations

from typing import Any

import factory

from gonghui.orgs.models import Region, Union


class RegionFactory(factory.django.DjangoModelFactory[Region]):
    class Meta:
        model = Region
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"3305{n:05d}")
    name = factory.Sequence(lambda n: f"测试镇{n}")
    level = Region.Level.TOWNSHIP


class UnionFactory(factory.django.DjangoModelFactory[Union]):
    """A union placed in the tree: ``parent=None`` makes a root."""

    class Meta:
        model = Union

    code = factory.Sequence(lambda n: f"T{n:06d}")
    name = factory.Sequence(lambda n: f"测试工会{n}")
    level = Union.Level.GRASSROOTS
    kind = Union.Kind.STANDARD

    @classmethod
    def _create(cls, model_class: type[Union], *args: Any, **kwargs: Any) -> Union:
        parent = kwargs.pop("parent", None)
        if parent is None:
            return model_class.objects.add_root(kwargs)
        return model_class.objects.add_child(parent, kwargs)
