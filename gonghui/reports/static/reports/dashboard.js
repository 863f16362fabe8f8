/* 驾驶舱: draws the dashboard's charts from the JSON the page embeds (#dashboard-data), and
   reloads them from the server when the user picks another indicator. No CDN: ECharts and
   the Huzhou map are served from our static files. */
(function () {
  "use strict";

  var RED = "#b5121b";
  var GREY = "#8c959f";
  var charts = {};

  // ECharts puts a formatter's string into the page as HTML: every value from the data
  // (a union's name is typed by a user) goes through this first.
  function escapeHtml(value) {
    return String(value === null || value === undefined ? "" : value).replace(/[&<>"']/g, function (ch) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[ch];
    });
  }

  function number(value) {
    return value === null || value === undefined ? null : Number(value);
  }

  function format(value, places) {
    if (value === null || value === undefined) return "—";
    return Number(value).toLocaleString("zh-CN", {
      minimumFractionDigits: places,
      maximumFractionDigits: places,
    });
  }

  function narrow() {
    return window.innerWidth < 576;
  }

  function chartFor(id) {
    var element = document.getElementById(id);
    if (!element) return null;
    if (!charts[id]) charts[id] = echarts.init(element, null, { renderer: "canvas" });
    return charts[id];
  }

  function childUrl(data, code) {
    var params = new URLSearchParams(window.location.search);
    params.set("union", code);
    params.set("month", data.year + "-" + String(data.month).padStart(2, "0"));
    params.set("indicator", data.indicator.key);
    return window.location.pathname + "?" + params.toString();
  }

  function drawTrend(data) {
    var chart = chartFor("trend-chart");
    if (!chart) return;
    var places = data.indicator.places;
    chart.setOption(
      {
        animation: false,
        tooltip: {
          trigger: "axis",
          valueFormatter: function (v) { return format(v, places) + " " + data.indicator.unit; },
        },
        legend: { top: 0, data: [data.this_year_label, data.last_year_label] },
        grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: data.months, axisLabel: { interval: narrow() ? 1 : 0 } },
        yAxis: {
          type: "value",
          minInterval: places ? 0 : 1, // counts have no fractions
          axisLabel: { formatter: function (v) { return Number(v).toLocaleString("zh-CN"); } },
        },
        series: [
          { name: data.this_year_label, type: "bar", data: data.this_year.map(number), itemStyle: { color: RED } },
          { name: data.last_year_label, type: "line", data: data.last_year.map(number), itemStyle: { color: GREY }, lineStyle: { color: GREY } },
        ],
      },
      true
    );
  }

  function drawMap(data) {
    var chart = chartFor("map-chart");
    if (!chart || !data.map) return;
    var places = data.indicator.places;
    var values = data.children.map(function (c) {
      return { name: c.map_name, value: number(c.value), code: c.code, union: c.name, text: c.text };
    });
    var max = Math.max.apply(null, values.map(function (v) { return v.value || 0; }).concat([1]));
    chart.setOption(
      {
        animation: false,
        tooltip: {
          trigger: "item",
          formatter: function (p) {
            var d = p.data || {};
            return (
              escapeHtml(d.union || p.name) + "<br>" +
              escapeHtml((d.text || format(p.value, places)) + " " + data.indicator.unit)
            );
          },
        },
        visualMap: {
          min: 0,
          max: max,
          left: narrow() ? "center" : "left",
          bottom: 0,
          orient: narrow() ? "horizontal" : "vertical",
          calculable: true,
          itemHeight: narrow() ? 140 : 120,
          inRange: { color: ["#fde8e8", RED] },
          formatter: function (v) { return format(v, places); },
        },
        series: [
          {
            type: "map",
            map: data.map,
            roam: false,
            layoutCenter: ["50%", narrow() ? "45%" : "50%"],
            layoutSize: narrow() ? "85%" : "95%",
            label: { show: true, fontSize: narrow() ? 10 : 12 },
            emphasis: { label: { show: true }, itemStyle: { areaColor: "#f6c343" } },
            data: values,
          },
        ],
      },
      true
    );
    chart.off("click");
    chart.on("click", function (p) {
      if (p.data && p.data.code) window.location.href = childUrl(data, p.data.code);
    });
  }

  function drawRank(data) {
    var chart = chartFor("rank-chart");
    if (!chart) return;
    var places = data.indicator.places;
    var rows = data.children;
    var element = document.getElementById("rank-chart");
    element.style.height = Math.max(160, rows.length * 30 + 60) + "px";
    chart.resize();
    chart.setOption(
      {
        animation: false,
        tooltip: {
          trigger: "axis",
          axisPointer: { type: "shadow" },
          valueFormatter: function (v) { return format(v, places) + " " + data.indicator.unit; },
        },
        grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
        xAxis: {
          type: "value",
          splitNumber: narrow() ? 2 : 5,
          minInterval: places ? 0 : 1,
          axisLabel: { formatter: function (v) { return Number(v).toLocaleString("zh-CN"); } },
        },
        yAxis: {
          type: "category",
          inverse: true, // the best first, at the top
          data: rows.map(function (c) { return c.name; }),
          axisLabel: { width: narrow() ? 96 : 180, overflow: "truncate" },
        },
        series: [
          {
            type: "bar",
            data: rows.map(function (c) { return { value: number(c.value), code: c.code }; }),
            itemStyle: { color: RED },
            barMaxWidth: 24,
            label: {
              show: true,
              position: "right",
              formatter: function (p) { return format(p.value, places); },
            },
          },
        ],
      },
      true
    );
    chart.off("click");
    chart.on("click", function (p) {
      if (p.data && p.data.code) window.location.href = childUrl(data, p.data.code);
    });
    var body = document.getElementById("rank-table");
    if (body) {
      body.replaceChildren.apply(
        body,
        rows.map(function (c) {
          var tr = document.createElement("tr");
          [c.rank === null ? "—" : String(c.rank), c.name, c.text].forEach(function (text, i) {
            var td = document.createElement("td");
            td.textContent = text;
            if (i === 2) td.className = "text-end";
            tr.appendChild(td);
          });
          return tr;
        })
      );
    }
  }

  function draw(data) {
    document.querySelectorAll(".js-indicator-label").forEach(function (e) { e.textContent = data.indicator.label; });
    document.querySelectorAll(".js-indicator-unit").forEach(function (e) { e.textContent = data.indicator.unit; });
    document.querySelectorAll(".js-ytd-label").forEach(function (e) { e.textContent = data.ytd_label; });
    drawTrend(data);
    drawMap(data);
    drawRank(data);
    document.body.dataset.dashboardReady = data.indicator.key;
  }

  function reload(form) {
    var params = new URLSearchParams(new FormData(form));
    delete document.body.dataset.dashboardReady;
    fetch(form.dataset.url + "?" + params.toString(), { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        draw(data);
        var asOf = document.querySelector("[data-testid=as-of]");
        if (asOf) asOf.textContent = data.as_of_text;
        history.replaceState(null, "", window.location.pathname + "?" + params.toString());
      })
      .catch(function () { form.submit(); });
  }

  function start() {
    var source = document.getElementById("dashboard-data");
    if (!source || typeof echarts === "undefined") return;
    draw(JSON.parse(source.textContent));
    var form = document.getElementById("dashboard-form");
    form.querySelector("[name=indicator]").addEventListener("change", function () { reload(form); });
    window.addEventListener("resize", function () {
      Object.keys(charts).forEach(function (id) { charts[id].resize(); });
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
