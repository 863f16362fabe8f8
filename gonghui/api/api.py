"""The one ninja API object. Each app contributes its router from its own ``api.py``, found
here by looking for that module in every installed module (``gonghui.core.modules``).

Every refusal comes in one envelope, ``{"detail": "<中文原因>"}`` (422 adds ``errors``, the
fields at fault), and every operation documents the refusals it may give, so a system
calling us (and the schema fuzzing in the suite) knows each status it can meet.
"""

from importlib import import_module
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI, Router
from ninja.errors import ValidationError
from ninja.security import django_auth

from gonghui.core.modules import modules_with

# The refusals every operation may give, with what each means.
REFUSALS = {
    "400": "请求有误（如按完整身份证号查询却放在网址里）",
    "401": "未登录，或接口令牌无效、已停用",
    "403": "没有权限（角色不符，或接口客户端未开放该范围或写入）",
    "404": "未找到，或不在调用方的管辖范围内",
    "409": "与当前状态冲突（如申请已被他人处理）",
    "422": "参数不合要求（errors 列出各项）",
    "429": "调用过于频繁",
}
ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "中文原因"},
        "errors": {"type": "array", "items": {"type": "object"}},
    },
    "required": ["detail"],
}


class GonghuiAPI(NinjaAPI):
    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(*args, **kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                for status, text in REFUSALS.items():
                    responses.setdefault(status, {"description": text, "content": error})
        return schema


api = GonghuiAPI(
    title="gonghui API",
    version="1",
    description=(
        "工会工作平台接口。所有数据按调用方（登录用户或接口客户端）所属工会的管辖范围过滤；"
        '身份证号、手机号、银行账号一律脱敏。拒绝时返回 {"detail": "中文原因"}。'
    ),
    auth=django_auth,
    urls_namespace="api",
    docs_url="/docs",
)


def _refusal(request: HttpRequest, status: int, detail: str, **extra: Any) -> HttpResponse:
    return api.create_response(request, {"detail": detail, **extra}, status=status)


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _refusal(request, 404, "未找到，或不在您的管辖范围内。")


@api.exception_handler(PermissionDenied)
def _denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _refusal(request, 403, str(exc) or "没有权限。")


@api.exception_handler(DjangoValidationError)
def _invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    return _refusal(request, 400, "；".join(exc.messages))


@api.exception_handler(ValidationError)
def _unprocessable(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields = [
        {"loc": [str(p) for p in e.get("loc", ())], "type": e.get("type", "")} for e in exc.errors
    ]
    where = "、".join(".".join(f["loc"][1:] or f["loc"]) for f in fields) or "请求"
    return _refusal(request, 422, f"参数不合要求：{where}", errors=fields)


def _app_routers() -> list[Router]:
    """The ``router`` of every installed module's ``api.py``, in INSTALLED_APPS order."""
    found = []
    for config in modules_with("api"):
        router = getattr(import_module(f"{config.name}.api"), "router", None)
        if isinstance(router, Router):
            found.append(router)
    return found


for _router in _app_routers():
    api.add_router("/", _router)
