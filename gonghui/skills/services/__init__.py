"""Every write of 技能提升: validated, in one transaction, audited."""

from gonghui.skills.services.competitions import (
    competition_load,
    competition_publish,
    competition_ranking,
)
from gonghui.skills.services.talents import talents_resolve

__all__ = ["competition_load", "competition_publish", "competition_ranking", "talents_resolve"]
