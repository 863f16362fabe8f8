/* 阵地地图: the sites as points on the city's map (ECharts and the vendored Huzhou shapes,
   served by us: no tile server, nothing from outside). Points are coloured by kind; a click
   on a point opens the site, a click on a county drills down to it. */
(function () {
  "use strict";

  var COLOURS = {
    outdoor_station: "#b5121b",
    workers_home: "#1f6feb",
    culture_site: "#8250df",
    counseling_station: "#1a7f37",
    service_center: "#bf8700",
    livestream_room: "#57606a",
  };

  function escapeHtml(value) {
    return String(value === null || value === undefined ? "" : value).replace(/[&<>"']/g, function (ch) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[ch];
    });
  }

  // Centre and zoom that hold every point (a county's sites fill the view).
  function fit(points) {
    if (!points.length) return {};
    var lngs = points.map(function (p) { return p.value[0]; });
    var lats = points.map(function (p) { return p.value[1]; });
    var west = Math.min.apply(null, lngs), east = Math.max.apply(null, lngs);
    var south = Math.min.apply(null, lats), north = Math.max.apply(null, lats);
    var span = Math.max(east - west, north - south, 0.3); // at least a county
    return { center: [(west + east) / 2, (south + north) / 2], zoom: Math.min(5, Math.max(1, 1.2 / span)) };
  }

  function draw() {
    var element = document.getElementById("site-map");
    var source = document.getElementById("site-map-data");
    if (!element || !source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    var chart = echarts.init(element, null, { renderer: "canvas" });
    var byKind = {};
    data.points.forEach(function (p) { (byKind[p.kind] = byKind[p.kind] || []).push(p); });
    var series = Object.keys(byKind).map(function (kind) {
      return {
        name: byKind[kind][0].kind_label,
        type: "scatter",
        coordinateSystem: data.map ? "geo" : "cartesian2d",
        symbolSize: 9,
        itemStyle: { color: COLOURS[kind] || "#57606a" },
        data: byKind[kind],
      };
    });
    var view = data.drill ? fit(data.points) : {};
    var option = {
      animation: false,
      tooltip: {
        trigger: "item",
        formatter: function (p) {
          return p.data && p.data.name ? escapeHtml(p.data.name) + "<br>" + escapeHtml(p.data.kind_label) : escapeHtml(p.name);
        },
      },
      legend: { top: 0, type: "scroll" },
      series: series,
    };
    if (data.map) {
      option.geo = {
        map: data.map,
        roam: true,
        center: view.center,
        zoom: view.zoom || 1,
        label: { show: !data.drill, fontSize: 11 },
        itemStyle: { areaColor: "#f6f8fa", borderColor: "#8c959f" },
        emphasis: { itemStyle: { areaColor: "#fde8e8" } },
      };
    } else {
      option.xAxis = { type: "value", scale: true };
      option.yAxis = { type: "value", scale: true };
    }
    chart.setOption(option, true);
    chart.on("click", function (p) {
      if (p.componentType === "series" && p.data && p.data.id) {
        window.location.href = data.site_url.replace(/0\/$/, p.data.id + "/");
      } else if (p.componentType === "geo" && data.regions[p.name]) {
        var params = new URLSearchParams(window.location.search);
        params.set("union", data.regions[p.name]);
        window.location.search = params.toString();
      }
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
