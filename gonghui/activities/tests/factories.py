from __future__ import annotations

import datetime

import factory

from gonghui.activities.models import Activity, FollowUp, JobFair, JobFairEmployer, JobPosition


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Activity

    kind = "lecture"
    title = factory.Sequence(lambda n: f"宣讲{n}")
    held_on = datetime.date(2023, 6, 15)
    attendance = 40
    extra = factory.LazyFunction(lambda: {"speaker_type": "劳模"})


class JobFairFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobFair

    title = factory.Sequence(lambda n: f"春风送岗招聘会{n}")
    held_on = datetime.date(2023, 6, 15)
    venue = "职工服务中心"


class JobFairEmployerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobFairEmployer

    fair = factory.SubFactory(JobFairFactory)
    name = factory.Sequence(lambda n: f"招聘单位{n}")


class JobPositionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = JobPosition

    employer = factory.SubFactory(JobFairEmployerFactory)
    fair = factory.SelfAttribute("employer.fair")
    title = factory.Sequence(lambda n: f"岗位{n}")
    posts = 10


class FollowUpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FollowUp

    title = factory.Sequence(lambda n: f"督办事项{n}")
    source = FollowUp.Source.TASK
    created_on = datetime.date(2023, 3, 1)
    deadline = datetime.date(2023, 5, 31)
    assigned_by = factory.SelfAttribute("owner")
