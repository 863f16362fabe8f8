{% extends "base.html" %}
{% block title %}新建%%title%%{% endblock %}
{% block content %}
<h1 class="h4 mb-3">新建%%title%%</h1>
<form method="post" class="card" style="max-width: 40rem;">{% csrf_token %}
  <div class="card-body row g-3">
    {% if form.non_field_errors %}<div class="col-12"><div class="alert alert-danger mb-0" role="alert">{{ form.non_field_errors|join:"；" }}</div></div>{% endif %}
    {% for field in form %}
    <div class="col-12">
      <label class="form-label small" for="{{ field.id_for_label }}">{{ field.label }}</label>
      <input class="form-control{% if field.errors %} is-invalid{% endif %}" type="{{ field.field.widget.input_type }}" name="{{ field.html_name }}" id="{{ field.id_for_label }}" value="{{ field.value|default_if_none:'' }}" required>
      {% for error in field.errors %}<div class="invalid-feedback">{{ error }}</div>{% endfor %}
    </div>
    {% endfor %}
    <div class="col-12 d-flex gap-2">
      <button class="btn btn-union" type="submit" data-testid="%%app%%-save">保存</button>
      <a class="btn btn-outline-secondary" href="{% url '%%app%%:list' %}">返回</a>
    </div>
  </div>
</form>
{% endblock %}
