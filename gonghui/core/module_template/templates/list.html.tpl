{% extends "base.html" %}
{% block title %}%%title%%{% endblock %}
{% block content %}
<div class="d-flex flex-wrap align-items-center gap-2 mb-3">
  <h1 class="h4 mb-0 me-auto">%%title%%</h1>
  {% if may_edit %}<a class="btn btn-sm btn-union" href="{% url '%%app%%:new' %}" data-testid="%%app%%-new"><i class="bi bi-plus-lg"></i> 新建</a>
  <a class="btn btn-sm btn-outline-secondary" href="{% url 'sheet_home' '%%app%%' %}">导入 / 导出</a>{% endif %}
</div>
<div class="table-responsive">
  <table class="table table-sm align-middle table-cards" data-testid="%%app%%-list">
    <thead><tr><th>名称</th><th>日期</th><th>所属工会</th></tr></thead>
    <tbody>
    {% for row in rows %}
    <tr>
      <td data-label="名称"><a href="{% url '%%app%%:detail' row.pk %}">{{ row.name }}</a></td>
      <td data-label="日期">{{ row.held_on|date:"Y-m-d" }}</td>
      <td data-label="所属工会">{{ row.union.name }}</td>
    </tr>
    {% empty %}
    <tr><td colspan="3" class="text-body-secondary">暂无记录。</td></tr>
    {% endfor %}
    </tbody>
  </table>
</div>
{% if next_before %}<a class="btn btn-sm btn-outline-secondary" href="?before={{ next_before }}">下一页</a>{% endif %}
{% endblock %}
