// The data screen (数据大屏): draws the campaign's figures with ECharts and fetches them
// again every `data-refresh` seconds without reloading the page. Everything it needs comes
// from data attributes of <body> (CSP: no inline script); the words from the server.
(function () {
  "use strict";
  var body = document.getElementById("screen");
  if (!body || !window.echarts) return;
  var label = function (name) { return body.getAttribute("data-label-" + name) || ""; };
  var text = { color: "#e6edf7", fontSize: 16 };
  var axis = { axisLabel: { color: "#c3d0e6", fontSize: 14 }, axisLine: { lineStyle: { color: "#4a6391" } },
               splitLine: { lineStyle: { color: "#1d3360" } } };
  var charts = {};

  function chart(id) {
    if (!charts[id]) {
      var element = document.getElementById(id);
      charts[id] = echarts.init(element, null, { renderer: "canvas" });
    }
    return charts[id];
  }

  function bars(id, categories, series, horizontal) {
    var category = Object.assign({ type: "category", data: categories }, axis);
    if (!horizontal) {  // every batch named under its bars, its qualifier on a second line
      category.axisLabel = Object.assign({}, axis.axisLabel, { interval: 0,
        formatter: function (name) { return String(name).replace("（", "\n（"); } });
    }
    var value = Object.assign({ type: "value", minInterval: 1 }, axis);
    chart(id).setOption({
      animation: false,
      textStyle: text,
      legend: { top: 0, textStyle: text },
      grid: { left: 12, right: 20, top: series.length > 1 ? 34 : 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis" },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: series.map(function (s) {
        return Object.assign({ type: "bar", label: { show: true, color: "#fff", fontSize: 14,
          formatter: function (p) { return p.value || ""; } } }, s);
      })
    }, true);
  }

  function kpis(items) {
    var box = document.getElementById("screen-kpis");
    box.replaceChildren.apply(box, items.map(function (item) {
      var kpi = document.createElement("div");
      kpi.className = "screen-kpi";
      kpi.setAttribute("data-key", item.key);
      var value = document.createElement("span");
      value.className = "value";
      value.textContent = item.value;
      var name = document.createElement("span");
      name.className = "label";
      name.textContent = item.label;
      kpi.append(value, name);
      return kpi;
    }));
  }

  function draw(data) {
    document.getElementById("screen-as-of").textContent = label("as-of") + " " + data.as_of;
    kpis(data.kpis);
    bars("chart-progress", data.batches, data.progress.phases.map(function (phase, i) {
      return { name: phase, stack: "units", data: data.progress.series[i] };
    }), true);
    bars("chart-participation", data.participation.labels,
         [{ name: label("units"), data: data.participation.counts, itemStyle: { color: "#4fc3f7" } }]);
    bars("chart-hours", data.hours.labels,
         [{ name: label("units"), data: data.hours.counts, itemStyle: { color: "#81c784" } }]);
    var per = data.per_batch;
    bars("chart-opinions", data.batches, [
      { name: label("received"), data: per["appraisal.opinions"] || [], itemStyle: { color: "#90a4ae" } },
      { name: label("answered"), data: per["appraisal.answered"] || [], itemStyle: { color: "#4fc3f7" } }
    ]);
    bars("chart-rectification", data.batches, [
      { name: label("items"), data: per["rectification.items"] || [], itemStyle: { color: "#90a4ae" } },
      { name: label("done"), data: per["rectification.done"] || [], itemStyle: { color: "#66bb6a" } },
      { name: label("overdue"), data: per["rectification.overdue"] || [], itemStyle: { color: "#ef5350" } }
    ]);
    var satisfaction = data.satisfaction.value;
    chart("chart-satisfaction").setOption({
      animation: false,
      series: [{ type: "gauge", min: 0, max: 100, progress: { show: true, width: 14 },
                 axisLine: { lineStyle: { width: 14 } }, axisLabel: { color: "#c3d0e6", fontSize: 12 },
                 detail: { valueAnimation: false, formatter: satisfaction === null ? "—" : "{value}%",
                           color: "#ffd54f", fontSize: 30 },
                 data: [{ value: satisfaction === null ? 0 : Math.round(satisfaction * 10) / 10 }] }]
    }, true);
    chart("chart-tree").setOption({
      animation: false,
      legend: { show: false },
      series: [{ type: "treemap", roam: false, nodeClick: false, breadcrumb: { show: false },
                 width: "100%", height: "100%", top: 4, left: 4, right: 4, bottom: 4,
                 label: { show: true, fontSize: 13, color: "#10203f" },
                 upperLabel: { show: true, height: 24, color: "#fff", fontSize: 15 },
                 levels: [{ itemStyle: { borderColor: "#0b1630", borderWidth: 3, gapWidth: 3 } },
                          { itemStyle: { borderColor: "#10203f", borderWidth: 1, gapWidth: 1 } }],
                 data: data.tree }]
    }, true);
  }

  function load() {
    var error = document.getElementById("screen-error");
    fetch(body.getAttribute("data-url"), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) { error.hidden = true; draw(data); })
      .catch(function () { error.textContent = label("error"); error.hidden = false; });
  }

  load();
  var seconds = parseInt(body.getAttribute("data-refresh"), 10) || 60;
  window.setInterval(load, seconds * 1000);
  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (id) { charts[id].resize(); });
  });
})();
