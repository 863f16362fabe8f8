"""The one ninja API object. Each app contributes its router from its own ``api.py``."""

from ninja import NinjaAPI
from ninja.security import django_auth

from gonghui.aid.api import router as aid_router
from gonghui.core.api import router as core_router
from gonghui.core.workflow.api import router as workflow_router
from gonghui.members.api import router as members_router
from gonghui.orgs.api import router as orgs_router
from gonghui.reports.api import router as reports_router

api = NinjaAPI(
    title="gonghui API",
    version="1",
    description="工会工作平台接口。所有数据按登录用户所属工会的管辖范围过滤。",
    auth=django_auth,
    urls_namespace="api",
    docs_url="/docs",
)
api.add_router("/", core_router)
api.add_router("/", orgs_router)
api.add_router("/", members_router)
api.add_router("/", workflow_router)
api.add_router("/", aid_router)
api.add_router("/", reports_router)
