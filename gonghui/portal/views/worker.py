"""The workers' own pages (/m/): thin, each reading through ``selectors`` from the signed-in
worker's account and writing through ``services``. A staff user who opens them is told
where their pages are; the middleware keeps a worker out of everything else."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from gonghui.aid.documents import claim_check, claim_create_with_documents, required_labels
from gonghui.aid.forms import CLAIM_FIELDS, DOCUMENT_FIELDS, ClaimForm
from gonghui.aid.models import Category
from gonghui.aid.services.relief import relief_apply, relief_policy_for
from gonghui.aid.workflows import CLAIM, RELIEF
from gonghui.care.models import BookingChannel, BookingTopic, LegalKind
from gonghui.care.services.counseling import booking_make
from gonghui.care.services.legal import legal_open
from gonghui.care.services.perks import perks_due_to
from gonghui.care.services.recuperation import application_make
from gonghui.care.workflows import RECUPERATION
from gonghui.core.formatting import yuan
from gonghui.core.middleware import client_ip
from gonghui.core.problems import problems_show
from gonghui.core.security import LoginError
from gonghui.members.models import MassEnrollment
from gonghui.portal import forms, selectors
from gonghui.portal.models import WorkerAccount
from gonghui.portal.services import accounts, card, joining
from gonghui.portal.workflows import JOIN


def worker_only(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The page is the worker's own: it gets their account as ``account``."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        account = selectors.account_of(request.user)
        if account is None:
            return render(request, "portal/staff_here.html", status=403)
        return view(request, account, *args, **kwargs)

    return wrapped


def _qr_svg(data: str) -> str:
    return str(segno.make(data, error="m").svg_inline(scale=5, dark="#000", light="#fff"))


def _base(request: HttpRequest, account: WorkerAccount, **context: Any) -> dict[str, Any]:
    return {"account": account, "unread": selectors.unread_count(account), **context}


@worker_only
def home(request: HttpRequest, account: WorkerAccount) -> HttpResponse:
    member = selectors.member_of(account)
    joins = list(selectors.my_joins(account)[:5])
    return render(
        request,
        "portal/home.html",
        _base(
            request,
            account,
            member=member if member and member.status == member.Status.ACTIVE else None,
            lines=selectors.my_applications(account)[:5],
            open_join=next((j for j in joins if j.state in joining.OPEN_STATES), None),
            tab="home",
        ),
    )


def login_view(request: HttpRequest) -> HttpResponse:
    form = forms.LoginForm(request.POST or None)
    error = ""
    if request.method == "POST" and form.is_valid():
        try:
            accounts.worker_login(
                request=request,
                phone=form.cleaned_data["phone"],
                password=form.cleaned_data["password"],
                ip=client_ip(request),
            )
        except LoginError as exc:
            error = str(exc)
        else:
            return redirect(_next(request))
    status = 400 if error else 200
    return render(
        request,
        "portal/login.html",
        {"form": form, "error": error, "next": _next(request, "")},
        status=status,
    )


def _next(request: HttpRequest, default: str = "/m/") -> str:
    """Where to go after signing in: the portal page asked for (an event's QR code leads to
    its join form), never elsewhere."""
    target = request.GET.get("next", "")
    if target.startswith("/m/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}
    ):
        return target
    return default


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("portal:login")


def _sign_in(request: HttpRequest, account: WorkerAccount, password: str) -> None:
    phone_user = account.user.username
    from gonghui.core.security import staff_login

    staff_login(request=request, username=phone_user, password=password, ip=client_ip(request))


def signup(request: HttpRequest) -> HttpResponse:
    form = forms.SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = accounts.account_signup(
                form=accounts.SignupForm(
                    name=data["name"],
                    id_number=data["id_number"],
                    phone=data["phone"],
                    password=data["password"],
                ),
                ip=client_ip(request),
            )
        except ValidationError as exc:
            problems_show(form, exc)
        else:
            _sign_in(request, account, data["password"])
            messages.success(request, "注册成功，欢迎使用职工服务。")
            return redirect(_next(request))
    return render(
        request,
        "portal/signup.html",
        {"form": form, "next": _next(request, "")},
        status=400 if form.errors else 200,
    )


def activate(request: HttpRequest) -> HttpResponse:
    form = forms.ActivateForm(request.POST or None, initial={"code": request.GET.get("code", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            account = accounts.account_activate(
                code=data["code"],
                phone=data["phone"],
                password=data["password"],
                ip=client_ip(request),
            )
        except ValidationError as exc:
            problems_show(form, exc)
        else:
            _sign_in(request, account, data["password"])
            messages.success(request, "账号已激活。")
            return redirect(_next(request))
    return render(
        request, "portal/activate.html", {"form": form}, status=400 if form.errors else 200
    )


@worker_only
def join(request: HttpRequest, account: WorkerAccount) -> HttpResponse:
    event = _event(request)
    union = selectors.joinable_union(request.POST.get("union") or request.GET.get("union"))
    if event is not None:
        union = event.union
    form = forms.JoinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = joining.join_apply(
                account=account,
                form=joining.JoinForm(
                    union=union,
                    employer_name=data["employer_name"],
                    employer_uscc=data["employer_uscc"],
                    employment_form=data["employment_form"],
                    occupation=data["occupation"],
                    mass_enrollment=event,
                ),
            )
        except ValidationError as exc:
            problems_show(form, exc)
        else:
            messages.success(
                request, f"入会申请已提交给{item.union.name}，审核结果会在消息中通知您。"
            )
            return redirect("portal:my_join", join_id=item.pk)
    query = request.GET.get("q", "")
    return render(
        request,
        "portal/join.html",
        _base(
            request,
            account,
            form=form,
            union=union,
            event=event,
            query=query,
            found=selectors.unions_for_join(query) if query and union is None else [],
            member=selectors.member_of(account),
        ),
        status=400 if form.errors else 200,
    )


def _event(request: HttpRequest) -> MassEnrollment | None:
    raw = request.POST.get("event") or request.GET.get("event") or ""
    return (
        MassEnrollment.objects.select_related("union").filter(pk=int(raw)).first()
        if raw.isdigit()
        else None
    )


@worker_only
def my_join(request: HttpRequest, account: WorkerAccount, join_id: int) -> HttpResponse:
    item = selectors.access_own_join(account=account, join_id=join_id)
    if request.method == "POST" and request.POST.get("action") == "withdraw":
        try:
            joining.join_withdraw(account=account, item=item)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已撤回这份入会申请。")
        return redirect("portal:my_join", join_id=item.pk)
    return render(
        request,
        "portal/join_detail.html",
        _base(
            request,
            account,
            item=item,
            state=JOIN.state_label(item.state),
            timeline=selectors.timeline(JOIN, item),
            may_withdraw=item.state in joining.OPEN_STATES,
        ),
    )


@worker_only
def applications(request: HttpRequest, account: WorkerAccount) -> HttpResponse:
    return render(
        request,
        "portal/applications.html",
        _base(request, account, lines=selectors.my_applications(account), tab="apps"),
    )


@worker_only
def apply_aid(request: HttpRequest, account: WorkerAccount) -> HttpResponse:
    """A mutual-aid claim from the phone: the staff's form and rules (the same checks on each
    document's content and size), for the worker's own member row, submitted at once."""
    member = selectors.member_of(account)
    if member is None or member.status != member.Status.ACTIVE:
        return _members_only(request, account, "申请职工医疗互助金")
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
        _base(
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
        _base(
            request,
            account,
            item=item,
            state=CLAIM.state_label(item.state),
            timeline=selectors.timeline(CLAIM, item),
            documents=item.documents.count(),
        ),
    )


def _members_only(request: HttpRequest, account: WorkerAccount, what: str) -> HttpResponse:
    """What a worker who is not (or no longer) a member is told on a members' page."""
    return render(
        request, "portal/members_only.html", _base(request, account, what=what), status=404
    )


@worker_only
def member_card(request: HttpRequest, account: WorkerAccount) -> HttpResponse:
    member = selectors.member_of(account)
    if member is None or member.status != member.Status.ACTIVE:
        return _members_only(request, account, "使用电子会员卡")
    token = card.card_token(member)
    url = request.build_absolute_uri(reverse("portal:card_verify")) + f"?t={token}"
    return render(
        request,
        "portal/card.html",
        _base(
            request,
            account,
            member=member,
            member_no=card.member_no(member),
            qr=_qr_svg(url),
            shown_at=timezone.localtime(),
            minutes=card.settings.GONGHUI_PORTAL_CARD_MINUTES,
            tab="card",
        ),
    )


@worker_only
def inbox(request: HttpRequest, account: WorkerAccount) -> HttpResponse:
    found = selectors.messages_of(account)
    WorkerAccount.objects.filter(pk=account.pk).update(messages_seen_at=timezone.now())
    return render(
        request,
        "portal/messages.html",
        _base(request, account, found=found, unread=0, tab="messages"),
    )


@worker_only
def me(request: HttpRequest, account: WorkerAccount) -> HttpResponse:
    return render(
        request,
        "portal/me.html",
        _base(
            request,
            account,
            member=selectors.member_of(account),
            registration=selectors.registration_of(account),
            tab="me",
        ),
    )


@worker_only
def counseling(request: HttpRequest, account: WorkerAccount) -> HttpResponse:
    """湖工心安: the worker books a free hour at a counselling station of their county."""
    person = selectors.person_of(account)
    error = ""
    if person is not None and request.method == "POST":
        slot = selectors.counseling_slots(person).filter(pk=_int(request.POST.get("slot"))).first()
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
        _base(
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


def _int(raw: Any) -> int:
    return int(raw) if isinstance(raw, str) and raw.isdigit() else 0


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
        _base(
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
        return _members_only(request, account, "申请大病救助")
    this_year = timezone.localdate().year
    years = [this_year, this_year - 1]
    policy = relief_policy_for(member.union, _int(request.POST.get("year")) or this_year)
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
        _base(request, account, form=form, member=member, policy=policy),
        status=400 if form.errors else 200,
    )


@worker_only
def my_relief(request: HttpRequest, account: WorkerAccount, relief_id: int) -> HttpResponse:
    item = selectors.access_own(account=account, kind="relief", item_id=relief_id)
    return render(
        request,
        "portal/relief_detail.html",
        _base(
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
        batch = next((b for b in batches if b.pk == _int(request.POST.get("batch"))), None)
        if batch is None:
            error = "请选择一个仍在报名的批次。"
        else:
            try:
                item = application_make(
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
        _base(request, account, person=person, batches=batches, error=error),
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
        _base(
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
        _base(
            request,
            account,
            person=person,
            cases=list(selectors.my_legal_cases(account)),
            error=error,
            typed=request.POST,
        ),
        status=400 if error else 200,
    )
