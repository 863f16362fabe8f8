"""Pages for every registered sheet: template, upload with a dry-run preview, commit, export."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from gonghui.core import selectors
from gonghui.core.middleware import request_actor
from gonghui.core.models import Job
from gonghui.core.scoping import require_role
from gonghui.core.sheet_jobs import sheet_export_start, sheet_import_start, store_upload
from gonghui.core.sheets import write_template
from gonghui.core.sheets.registry import SheetEntry, sheet_entries
from gonghui.orgs.models import Union
from gonghui.orgs.selectors import access_union, union_choices


def _entry(sheet_name: str) -> SheetEntry:
    entry = sheet_entries().get(sheet_name)
    if entry is None:
        raise Http404("没有这个表格。")
    return entry


def sheet_home(request: HttpRequest, sheet_name: str) -> HttpResponse:
    entry = _entry(sheet_name)
    actor = request_actor(request)
    error = ""
    if request.method == "POST":
        require_role(actor, *entry.roles)
        union = access_union(actor=actor, code=request.POST.get("union", ""))
        upload = request.FILES.get("file")
        options = {o.name: request.POST.get(o.name, "").strip() for o in entry.options}
        try:
            for option in entry.options:
                if option.required and not options[option.name]:
                    raise ValidationError(f"请选择{option.label}。", code="option_missing")
            if upload is None:
                raise ValidationError("请选择要上传的文件。", code="file_missing")
            stored = store_upload(upload)
        except ValidationError as exc:
            error = "；".join(exc.messages)
        else:
            job = sheet_import_start(
                actor=actor,
                entry=entry,
                union=union,
                file=stored,
                filename=upload.name or "",
                dry_run=True,
                options=options,
            )
            return redirect("job_detail", job_id=job.pk)
    recent = selectors.jobs_visible(actor=actor).filter(params__sheet=entry.name)[:10]
    return render(
        request,
        "core/sheet_home.html",
        {
            "entry": entry,
            "unions": union_choices(actor=actor),
            "error": error,
            "recent": recent,
            "can_edit": actor.role in entry.roles,
            # A page linking here may choose an option (?fair=12): it is selected.
            "options": [
                (o, o.choices(actor) if o.choices else [], request.GET.get(o.name, ""))
                for o in entry.options
            ],
        },
        status=400 if error else 200,
    )


def sheet_template(request: HttpRequest, sheet_name: str) -> FileResponse:
    entry = _entry(sheet_name)
    actor = request_actor(request)
    if actor.union is None:
        raise Http404
    tmp = Path(tempfile.mkdtemp()) / f"{entry.title}导入模板.xlsx"
    write_template(entry.sheet(actor=actor, union=actor.union), tmp)
    return FileResponse(tmp.open("rb"), as_attachment=True, filename=tmp.name)


@require_POST
def sheet_export(request: HttpRequest, sheet_name: str) -> HttpResponse:
    entry = _entry(sheet_name)
    actor = request_actor(request)
    require_role(actor, *entry.roles)
    union = access_union(actor=actor, code=request.POST.get("union", ""))
    job = sheet_export_start(
        actor=actor, entry=entry, union=union, reveal=request.POST.get("reveal") == "1"
    )
    return redirect("job_detail", job_id=job.pk)


@require_POST
def sheet_commit(request: HttpRequest, job_id: int) -> HttpResponse:
    """Commit the file a finished dry run validated without errors."""
    actor = request_actor(request)
    dry_run = selectors.access_job(actor=actor, job_id=job_id)
    params = dry_run.params
    require_role(actor, *_entry(params.get("sheet", "")).roles)
    if (
        dry_run.kind != "sheet_import"
        or not params.get("dry_run")
        or dry_run.state != Job.State.DONE
        or dry_run.result.get("invalid", 1) != 0
        or dry_run.result.get("file_error")
    ):
        raise PermissionDenied("只有校验通过的文件才能导入。")
    entry = _entry(params["sheet"])
    union = Union.objects.get(code=params["union"])
    job = sheet_import_start(
        actor=actor,
        entry=entry,
        union=union,
        file=params["file"],
        filename=params["filename"],
        dry_run=False,
        options=params.get("options", {}),
    )
    return redirect("job_detail", job_id=job.pk)
