{% extends "base.html" %}
{% block title %}{{ record.name }}{% endblock %}
{% block content %}
<h1 class="h4 mb-3">{{ record.name }}</h1>
<dl class="row">
  <dt class="col-4 col-md-2">日期</dt><dd class="col-8 col-md-10">{{ record.held_on|date:"Y-m-d" }}</dd>
  <dt class="col-4 col-md-2">所属工会</dt><dd class="col-8 col-md-10">{{ record.union.name }}</dd>
</dl>
<a class="btn btn-sm btn-outline-secondary" href="{% url '%%app%%:list' %}">返回列表</a>
{% endblock %}
