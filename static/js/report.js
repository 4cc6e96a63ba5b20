/* Draws a report's chart with ECharts (SVG renderer: sharp in print) from the JSON block
   #report-data the page carries. bar / line / pie / stacked_bar; two groups become one
   series per value of the second group (first group along the axis). */
(function () {
  "use strict";

  function formatValue(value, fmt) {
    if (value === null || value === undefined) { return "—"; }
    if (typeof value !== "number") { return String(value); }  /* a min/max of dates is text */
    if (fmt === "percent") { return (value * 100).toFixed(1) + "%"; }
    if (fmt === "money") { return value.toLocaleString("zh-CN", {minimumFractionDigits: 2, maximumFractionDigits: 2}); }
    return Number.isInteger(value) ? value.toLocaleString("zh-CN") : value.toFixed(2);
  }

  function unique(values) {
    var seen = [], i;
    for (i = 0; i < values.length; i++) {
      if (seen.indexOf(values[i]) < 0) { seen.push(values[i]); }
    }
    return seen;
  }

  /* The measures drawn: those of the first measure's format on the left axis, and those of
     the next format (e.g. a rate, or money beside counts) on a right axis, drawn as lines. */
  function axesOf(measures) {
    var left = measures.filter(function (m) { return m.format === measures[0].format; });
    var rest = measures.filter(function (m) { return m.format !== measures[0].format; });
    var right = rest.length ? rest.filter(function (m) { return m.format === rest[0].format; }) : [];
    return {left: left, right: right};
  }

  function valueAxis(fmt, position) {
    return {type: "value", position: position, axisLabel: {formatter: function (v) {
      return fmt === "percent" ? Math.round(v * 100) + "%" : v.toLocaleString("zh-CN");
    }}};
  }

  function oneGroup(data, chart, group, measures) {
    var labels = data.rows.map(function (r) { return r[group.key]; });
    if (chart === "pie") {
      var m = measures[0];
      return {
        tooltip: {renderMode: "richText", trigger: "item", valueFormatter: function (v) { return formatValue(v, m.format); }},
        legend: {type: "scroll", bottom: 0},
        series: [{type: "pie", name: m.title, radius: ["30%", "62%"], label: {formatter: "{b}：{c}（{d}%）"},
                  data: data.rows.map(function (r) { return {name: r[group.key], value: r[m.key]}; })}]
      };
    }
    var axes = axesOf(measures);
    var kind = chart === "line" ? "line" : "bar";
    var series = axes.left.map(function (m) {
      return {type: kind, name: m.title, stack: chart === "stacked_bar" ? "left" : undefined,
              data: data.rows.map(function (r) { return r[m.key]; }),
              tooltip: {valueFormatter: function (v) { return formatValue(v, m.format); }}};
    }).concat(axes.right.map(function (m) {
      return {type: "line", name: m.title, yAxisIndex: 1, data: data.rows.map(function (r) { return r[m.key]; }),
              tooltip: {valueFormatter: function (v) { return formatValue(v, m.format); }}};
    }));
    var yAxis = [valueAxis(axes.left[0].format, "left")];
    if (axes.right.length) { yAxis.push(valueAxis(axes.right[0].format, "right")); }
    return {tooltip: {renderMode: "richText", trigger: "axis"}, legend: {type: "scroll", top: 0},
            grid: {left: 16, right: 16, top: 40, bottom: 8, containLabel: true},
            xAxis: {type: "category", data: labels, axisLabel: {interval: 0, rotate: labels.length > 8 ? 35 : 0}},
            yAxis: yAxis, series: series};
  }

  function twoGroups(data, chart, down, across, measure) {
    var labels = data.totals.rows.map(function (r) { return r[down.key]; });
    var columns = data.totals.columns.map(function (r) { return r[across.key]; });
    var kind = chart === "line" ? "line" : "bar";
    var series = columns.map(function (c) {
      return {type: kind, name: c, stack: chart === "stacked_bar" ? "all" : undefined,
              data: labels.map(function (l) {
                var row = data.rows.filter(function (r) { return r[down.key] === l && r[across.key] === c; })[0];
                return row ? row[measure.key] : 0;
              })};
    });
    return {tooltip: {renderMode: "richText", trigger: "axis", valueFormatter: function (v) { return formatValue(v, measure.format); }},
            legend: {type: "scroll", top: 0},
            grid: {left: 16, right: 16, top: 40, bottom: 8, containLabel: true},
            xAxis: {type: "category", data: labels, axisLabel: {interval: 0, rotate: labels.length > 8 ? 35 : 0}},
            yAxis: [valueAxis(measure.format, "left")], series: series};
  }

  function optionFor(data, chart) {
    var groups = data.columns.filter(function (c) { return c.role === "group"; });
    var measures = data.columns.filter(function (c) { return c.role === "measure"; });
    if (groups.length === 2) {
      return twoGroups(data, chart === "pie" ? "stacked_bar" : chart, groups[0], groups[1], measures[0]);
    }
    return oneGroup(data, chart, groups[0], measures);
  }

  function draw() {
    var holder = document.getElementById("report-chart");
    var source = document.getElementById("report-data");
    if (!holder || !source || typeof window.echarts === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var chart = window.echarts.init(holder, null, {renderer: "svg"});
    var option = optionFor(data, holder.getAttribute("data-chart") || data.chart);
    option.animation = false;  /* the printed page and the screenshot show the final chart */
    chart.setOption(option);
    holder.setAttribute("data-ready", "1");
    window.addEventListener("resize", function () { chart.resize(); });
    window.addEventListener("beforeprint", function () { chart.resize(); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
}());
