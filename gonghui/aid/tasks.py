"""The aid app's background work: its job kinds."""

from gonghui.aid.services.plans import enrollment_enroll_union_work
from gonghui.core.jobs import job_kind

job_kind("aid_enroll_union")(enrollment_enroll_union_work)
