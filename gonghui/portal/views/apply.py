"""The worker's applications from the phone and the services near them (/m/): each through
the office's own service, with the worker as ``ApplicantActor`` for themselves. Thin."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from gonghui.aid.documents import claim_check, claim_create_with_documents, required_labels
from gonghui.aid.forms import CLAIM_FIELDS, DOCUMENT_FIELDS, ClaimForm
from gonghui.aid.models import Category
from gonghui.aid.services.relief import relief_apply, relief_policy_for
from gonghui.aid.workflows import CLAIM, RELIEF
from gonghui.care.models import BookingChannel, BookingTopic, LegalKind
from gonghui.care.services.counseling import booking_make
from gonghui.care.services.legal import legal_open
from gonghui.care.services.perks import perks_due_to
from gonghui.care.services.recuperation import recuperation_apply
from gonghui.care.workflows import RECUPERATION
from gonghui.core.formatting import yuan
from gonghui.core.problems import problems_show
from gonghui.portal import forms, selectors
from gonghui.portal.models import WorkerAccount
from gonghui.portal.services import accounts, joining
from gonghui.portal.views.worker import int_param, members_only, page_context, worker_only


@worker_only
def apply_aid(request: HttpRequest, account: WorkerAccount) -> HttpResponse:
    """A mutual-aid claim from the phone: the staff's form and rules (the same checks on each
    document's content and size), for the worker's own member row, submitted at once."""
    member = selectors.member_of(account)
    if member is None or member.status != member.Status.ACTIVE:
        return members_only(request, account, "申请职工医疗互助金")
    actor = joining.applicant(account, member.union)
    form = ClaimForm(request.POST or None, request.FILES or None, actor=actor, member=member)
    if request.method == "POST":
        if form.is_valid():
            try:
                claim = claim_create_with_documents(
                    actor=actor, uploads=form.uploads(), **form.claim_fields()
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(
                    request,
                    f"互助金申请已提交，按方案计算互助金 {yuan(claim.amount)} 元，"
                    "审核结果会在消息中通知您。",
                )
                return redirect("portal:my_claim", claim_id=claim.pk)
        elif form.only_documents_wrong():
            refused = claim_check(actor=actor, **form.claim_fields())
            if refused is not None:
                form.add_service_errors(refused)
    return render(
        request,
        "portal/apply_aid.html",
        page_context(
            request,
            account,
            form=form,
            member=member,
            documents=[(Category(c).label, "、".join(required_labels(c))) for c in Category.values],
            document_fields=[form[name] for name in DOCUMENT_FIELDS],
            claim_fields=[form[name] for name in CLAIM_FIELDS if name in form.fields],
        ),
        status=400 if form.errors else 200,
    )


@worker_only
def my_claim(request: HttpRequest, account: WorkerAccount, claim_id: int) -> HttpResponse:
    item = selectors.access_own_claim(account=account, claim_id=claim_id)
    return render(
        request,
        "portal/claim_detail.html",
        page_context(
            request,
            account,
            item=item,
            state=CLAIM.state_label(item.state),
            timeline=selectors.timeline(CLAIM, item),
            documents=item.documents.count(),
        ),
    )


@worker_only
def counseling(request: HttpRequest, account: WorkerAccount) -> HttpResponse:
    """湖工心安: the worker books a free hour at a counselling station of their county."""
    person = selectors.person_of(account)
    error = ""
    if person is not None and request.method == "POST":
        slot = (
            selectors.counseling_slots(person)
            .filter(pk=int_param(request.POST.get("slot")))
            .first()
        )
        if slot is None:
            error = "这个时段已被预约或已过去，请另选一个。"
        else:
            try:
                booking_make(
                    actor=joining.applicant(account, person.union),
                    slot=slot,
                    id_number=accounts.account_id_number(account),
                    name=account.name,
                    topic=request.POST.get("topic", ""),
                    channel=BookingChannel.SELF,
                )
            except ValidationError as exc:
                error = "；".join(exc.messages)
            else:
                messages.success(request, "已预约，请按时到咨询站。如不能前往，请致电咨询站取消。")
                return redirect("portal:counseling")
    return render(
        request,
        "portal/counseling.html",
        page_context(
            request,
            account,
            person=person,
            slots=list(selectors.counseling_slots(person)[:40]) if person else [],
            bookings=list(selectors.my_bookings(account)[:10]),
            topics=BookingTopic.choices,
            error=error,
        ),
        status=400 if error else 200,
    )


@worker_only
def near(request: HttpRequest, account: WorkerAccount) -> HttpResponse:
    """The nearest open stations (from the phone's position), and what is due to the worker:
    this month's perks and the services received."""
    from gonghui.sites.geo import visitor_point
    from gonghui.sites.selectors import public_stations

    point, problem = visitor_point(
        request.GET.get("lng"), request.GET.get("lat"), request.GET.get("system")
    )
    person = selectors.person_of(account)
    return render(
        request,
        "portal/near.html",
        page_context(
            request,
            account,
            stations=public_stations(near=point, limit=5) if point else [],
            located=point is not None,
            problem=problem,
            perks=perks_due_to(
                person_hash=account.id_hash, union=person.union, month=timezone.localdate()
            )
            if person is not None
            else [],
            services=list(selectors.services_received(account)),
        ),
    )


@worker_only
def apply_relief(request: HttpRequest, account: WorkerAccount) -> HttpResponse:
    """大病救助 from the phone: the staff's service and rules, for the worker's own member row."""
    member = selectors.member_of(account)
    if member is None or member.status != member.Status.ACTIVE:
        return members_only(request, account, "申请大病救助")
    this_year = timezone.localdate().year
    years = [this_year, this_year - 1]
    policy = relief_policy_for(member.union, int_param(request.POST.get("year")) or this_year)
    form = forms.ReliefForm(
        request.POST or None, years=years, diseases=list(policy.diseases) if policy else []
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = relief_apply(
                actor=joining.applicant(account, member.union), member=member, **data
            )
        except ValidationError as exc:
            problems_show(form, exc)
        else:
            messages.success(request, f"大病救助申请已提交，按政策救助金 {yuan(item.amount)} 元。")
            return redirect("portal:my_relief", relief_id=item.pk)
    return render(
        request,
        "portal/apply_relief.html",
        page_context(request, account, form=form, member=member, policy=policy),
        status=400 if form.errors else 200,
    )


@worker_only
def my_relief(request: HttpRequest, account: WorkerAccount, relief_id: int) -> HttpResponse:
    item = selectors.access_own(account=account, kind="relief", item_id=relief_id)
    return render(
        request,
        "portal/relief_detail.html",
        page_context(
            request,
            account,
            item=item,
            state=RELIEF.state_label(item.state),
            timeline=selectors.timeline(RELIEF, item),
        ),
    )


@worker_only
def apply_recuperation(request: HttpRequest, account: WorkerAccount) -> HttpResponse:
    """职工疗休养: the worker applies for a place in a batch open to their county."""
    person = selectors.person_of(account)
    batches = list(selectors.recuperation_batches(person)) if person is not None else []
    error = ""
    if person is not None and request.method == "POST":
        batch = next((b for b in batches if b.pk == int_param(request.POST.get("batch"))), None)
        if batch is None:
            error = "请选择一个仍在报名的批次。"
        else:
            try:
                item = recuperation_apply(
                    actor=joining.applicant(account, person.union),
                    batch=batch,
                    id_number=accounts.account_id_number(account),
                    name=account.name,
                    frontline=request.POST.get("frontline") == "on",
                )
            except ValidationError as exc:
                error = "；".join(exc.messages)
            else:
                messages.success(request, "疗休养申请已提交，由市总工会按名额和优先顺序分配。")
                return redirect("portal:my_recuperation", application_id=item.pk)
    return render(
        request,
        "portal/apply_recuperation.html",
        page_context(request, account, person=person, batches=batches, error=error),
        status=400 if error else 200,
    )


@worker_only
def my_recuperation(
    request: HttpRequest, account: WorkerAccount, application_id: int
) -> HttpResponse:
    item = selectors.access_own(account=account, kind="recuperation", item_id=application_id)
    return render(
        request,
        "portal/recuperation_detail.html",
        page_context(
            request,
            account,
            item=item,
            state=RECUPERATION.state_label(item.state),
            timeline=selectors.timeline(RECUPERATION, item),
        ),
    )


@worker_only
def legal(request: HttpRequest, account: WorkerAccount) -> HttpResponse:
    """法律咨询: the worker describes the problem; the case is opened at their union, whose
    legal service answers and closes it (the office's 法律服务 ledger)."""
    person = selectors.person_of(account)
    error = ""
    if person is not None and request.method == "POST":
        try:
            legal_open(
                actor=joining.applicant(account, person.union),
                union=person.union,
                id_number=accounts.account_id_number(account),
                name=account.name,
                kind=LegalKind.CONSULTATION,
                opened_on=timezone.localdate(),
                summary=request.POST.get("summary", ""),
                employer_name=request.POST.get("employer_name", ""),
            )
        except ValidationError as exc:
            error = "；".join(exc.messages)
        else:
            messages.success(request, f"已提交给{person.union.name}，工会法律服务人员会与您联系。")
            return redirect("portal:legal")
    return render(
        request,
        "portal/legal.html",
        page_context(
            request,
            account,
            person=person,
            cases=list(selectors.my_legal_cases(account)),
            error=error,
            typed=request.POST,
        ),
        status=400 if error else 200,
    )
