"""The orgs app's background work: its job kinds."""

from gonghui.core.jobs import job_kind
from gonghui.orgs.services import union_counts_rebuild

job_kind("union_counts_rebuild")(union_counts_rebuild)
