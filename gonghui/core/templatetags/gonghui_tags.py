from typing import Any

from django import template

from gonghui.core.formatting import yuan

register = template.Library()


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """``mapping|get_item:key`` for keys known only at render time (sidebar badges)."""
    try:
        return mapping[key]
    except (KeyError, TypeError):
        return None


@register.filter
def money(value: Any) -> str:
    """An amount as every page shows it: thousands separated, two decimals ("12,345.60")."""
    return yuan(value)


@register.simple_tag
def may_download_result(job: Any, user: Any) -> bool:
    """Whether the user may download the job's result file (its starter, or an admin)."""
    from gonghui.core.jobs import job_result_refusal

    return bool(job.result_file) and not job_result_refusal(actor=user, job=job)
