/* 登记阵地: a click on the city's map (served by us) fills 经度 and 纬度 in GCJ-02, and marks
   the spot; typed coordinates are marked too. */
(function () {
  "use strict";
  function init() {
    var element = document.getElementById("pick-map");
    var source = document.getElementById("pick-map-data");
    if (!element || !source || typeof echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    var lng = document.getElementById("id_lng");
    var lat = document.getElementById("id_lat");
    var system = document.getElementById("id_system");
    var chart = echarts.init(element, null, { renderer: "canvas" });
    function marked() {
      var x = parseFloat(lng.value), y = parseFloat(lat.value);
      return isNaN(x) || isNaN(y) ? [] : [[x, y]];
    }
    function draw() {
      chart.setOption({
        animation: false,
        geo: {
          map: data.map,
          roam: true,
          label: { show: true, fontSize: 11 },
          itemStyle: { areaColor: "#f6f8fa", borderColor: "#8c959f" },
        },
        series: [{ type: "scatter", coordinateSystem: "geo", symbolSize: 14, itemStyle: { color: "#b5121b" }, data: marked() }],
      });
    }
    draw();
    chart.getZr().on("click", function (event) {
      var point = chart.convertFromPixel("geo", [event.offsetX, event.offsetY]);
      if (!point) return;
      lng.value = point[0].toFixed(6);
      lat.value = point[1].toFixed(6);
      if (system) system.value = "gcj02";
      draw();
    });
    [lng, lat].forEach(function (input) { input.addEventListener("change", draw); });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
