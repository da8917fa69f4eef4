// glassnet playground: decision regions with contours, learning curves, tables.
// Plain Canvas 2D; everything here draws what a frame says and keeps no state.
"use strict";
var GN = window.GN || {};
window.GN = GN;

// Okabe & Ito, as glassnet's figures (plotting/style.py).
GN.PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];
// Canvas text needs the Japanese face too (class and column names).
GN.FONT = "11px \"DejaVu Sans\", \"glassnet-ja\", sans-serif";
GN.colour = function (k) { return GN.PALETTE[k % GN.PALETTE.length]; };
GN.rgb = function (hex) { return [1, 3, 5].map(function (i) { return parseInt(hex.slice(i, i + 2), 16); }); };

// base64 bytes (0..255) -> Uint8Array
GN.bytes = function (b64) {
  var s = atob(b64), out = new Uint8Array(s.length);
  for (var i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
  return out;
};

// Diverging colour for v in [-1, 1]: vermillion (negative) - white - blue (positive).
GN.diverging = function (v) {
  v = Math.max(-1, Math.min(1, v));
  var end = v >= 0 ? [0, 114, 178] : [213, 94, 0], t = Math.abs(v);
  return [255 + (end[0] - 255) * t, 255 + (end[1] - 255) * t, 255 + (end[2] - 255) * t];
};

GN.fmt = function (v, digits) {
  if (v === null || v === undefined) return "–";
  if (typeof v !== "number") return String(v);
  if (v !== 0 && (Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3)) return v.toExponential(digits === undefined || digits > 2 ? 2 : 1);
  return v.toFixed(digits === undefined ? 4 : digits).replace(/\.?0+$/, "") || "0";
};

// Canvas sized to its CSS box at the screen's pixel ratio; returns [ctx, width, height].
GN.fit = function (canvas, height) {
  var ratio = window.devicePixelRatio || 1, w = canvas.clientWidth || canvas.width;
  var h = height || canvas.clientHeight || canvas.height;
  if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
    canvas.width = Math.round(w * ratio); canvas.height = Math.round(h * ratio);
  }
  var ctx = canvas.getContext("2d");
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return [ctx, w, h];
};

// Marching squares: line segments where grid (size x size, row 0 at the top) crosses level.
GN.contour = function (grid, size, level) {
  var segs = [];
  function at(r, c) { return grid[r * size + c]; }
  function cross(a, b) { return (level - a) / (b - a); }
  for (var r = 0; r < size - 1; r++) {
    for (var c = 0; c < size - 1; c++) {
      var tl = at(r, c), tr = at(r, c + 1), br = at(r + 1, c + 1), bl = at(r + 1, c);
      var pts = [];
      if ((tl >= level) !== (tr >= level)) pts.push([c + cross(tl, tr), r]);
      if ((tr >= level) !== (br >= level)) pts.push([c + 1, r + cross(tr, br)]);
      if ((bl >= level) !== (br >= level)) pts.push([c + cross(bl, br), r + 1]);
      if ((tl >= level) !== (bl >= level)) pts.push([c, r + cross(tl, bl)]);
      if (pts.length === 2) segs.push(pts);
      else if (pts.length === 4) { segs.push([pts[0], pts[1]]); segs.push([pts[2], pts[3]]); }
    }
  }
  return segs;
};

// Decision regions (classification) or the predicted value (regression) plus the points.
GN.drawRegion = function (canvas, region, info, view) {
  if (!region || !(region.classes || region.value)) return;  // a frame from before a new setup
  var fitted = GN.fit(canvas), ctx = fitted[0], w = fitted[1], h = fitted[2];
  var n = region.size, img = ctx.createImageData(n, n), px = img.data, k, i;
  if (region.classes) {
    var grids = region.classes.map(GN.bytes), K = grids.length, cols = [];
    for (k = 0; k < K; k++) cols.push(GN.rgb(GN.colour(k)));
    for (i = 0; i < n * n; i++) {
      var best = 0;
      for (k = 1; k < K; k++) if (grids[k][i] > grids[best][i]) best = k;
      var p = grids[best][i] / 255, t = 0.15 + 0.6 * Math.max(0, (p - 1 / K) / (1 - 1 / K));
      for (var ch = 0; ch < 3; ch++) px[4 * i + ch] = 255 + (cols[best][ch] - 255) * t;
      px[4 * i + 3] = 255;
    }
  } else {
    var g = GN.bytes(region.value.data);
    for (i = 0; i < n * n; i++) {
      var c = GN.diverging(g[i] / 127.5 - 1);
      px[4 * i] = c[0]; px[4 * i + 1] = c[1]; px[4 * i + 2] = c[2]; px[4 * i + 3] = 255;
    }
  }
  var off = GN.offscreen || (GN.offscreen = document.createElement("canvas"));
  if (off.width !== n) { off.width = n; off.height = n; }
  off.getContext("2d").putImageData(img, 0, 0);
  ctx.imageSmoothingEnabled = true;
  ctx.drawImage(off, 0, 0, n, n, 0, 0, w, h);
  var sx = w / (n - 1), sy = h / (n - 1);
  if (region.classes) {
    [[0.5, []], [0.95, [5, 4]]].forEach(function (spec) {
      var level = Math.round(spec[0] * 255);
      ctx.setLineDash(spec[1]); ctx.lineWidth = 1.6;
      grids.forEach(function (grid, k) {
        ctx.strokeStyle = GN.colour(k); ctx.beginPath();
        GN.contour(grid, n, level).forEach(function (s) {
          ctx.moveTo(s[0][0] * sx, s[0][1] * sy); ctx.lineTo(s[1][0] * sx, s[1][1] * sy);
        });
        ctx.stroke();
      });
    });
    ctx.setLineDash([]);
  }
  GN.drawPoints(ctx, w, h, info, view);
};

// Pixel position of data row j on the region canvas.
GN.pointXY = function (info, view, j, w, h) {
  var x = info.points.x[j][view.x], y = info.points.x[j][view.y];
  return [(x - view.xlim[0]) / (view.xlim[1] - view.xlim[0]) * w,
          (view.ylim[1] - y) / (view.ylim[1] - view.ylim[0]) * h];
};

GN.drawPoints = function (ctx, w, h, info, view) {
  var pts = info.points, lo = Math.min.apply(null, pts.label), hi = Math.max.apply(null, pts.label);
  var r = 3.5;
  for (var j = 0; j < pts.x.length; j++) {
    var xy = GN.pointXY(info, view, j, w, h), col;
    if (info.task === "classification") col = GN.colour(pts.label[j]);
    else { var c = GN.diverging(hi > lo ? 2 * (pts.label[j] - lo) / (hi - lo) - 1 : 0); col = "rgb(" + c.join(",") + ")"; }
    if (pts.x.length > 1000) {  // many points: squares draw several times faster than circles
      ctx.fillStyle = col; ctx.fillRect(xy[0] - 1.5, xy[1] - 1.5, 3, 3);
      if (!pts.train[j]) { ctx.fillStyle = "#fff"; ctx.fillRect(xy[0] - 0.5, xy[1] - 0.5, 1, 1); }
      continue;
    }
    ctx.beginPath(); ctx.arc(xy[0], xy[1], r, 0, 2 * Math.PI);
    ctx.fillStyle = pts.train[j] ? col : "#fff"; ctx.fill();
    ctx.lineWidth = pts.train[j] ? 0.8 : 1.8; ctx.strokeStyle = pts.train[j] ? "#fff" : col; ctx.stroke();
  }
  if (GN.focus !== undefined && GN.focus !== null) {
    var k = pts.index.indexOf(GN.focus);
    if (k >= 0) {
      var f = GN.pointXY(info, view, k, w, h);
      ctx.beginPath(); ctx.arc(f[0], f[1], r + 4, 0, 2 * Math.PI);
      ctx.lineWidth = 2; ctx.strokeStyle = "#000"; ctx.stroke();
    }
  }
};

// A line chart of several series {x, y, colour, dash, label}; y from 0 unless told.
GN.lineChart = function (canvas, series, opts) {
  var fitted = GN.fit(canvas), ctx = fitted[0], w = fitted[1], h = fitted[2];
  var left = 52, right = 8, top = 14, bottom = 20;
  ctx.clearRect(0, 0, w, h);
  ctx.font = GN.FONT; ctx.fillStyle = "#444";
  var xs = [], ys = [];
  series.forEach(function (s) { s.x.forEach(function (v) { xs.push(v); });
    s.y.forEach(function (v) { if (v !== null && isFinite(v)) ys.push(v); }); });
  if (!xs.length || !ys.length) { ctx.fillText(opts.empty || "", left, top + 20); return; }
  var x0 = Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
  var y0 = opts.fromZero === false ? Math.min.apply(null, ys) : Math.min(0, Math.min.apply(null, ys));
  var y1 = Math.max.apply(null, ys);
  if (opts.max !== undefined) y1 = Math.max(y1, opts.max);
  if (x1 === x0) x1 = x0 + 1;
  if (y1 === y0) y1 = y0 + 1;
  function X(v) { return left + (v - x0) / (x1 - x0) * (w - left - right); }
  function Y(v) { return top + (y1 - v) / (y1 - y0) * (h - top - bottom); }
  ctx.strokeStyle = "#ccc"; ctx.lineWidth = 1; ctx.beginPath();
  ctx.moveTo(left, top); ctx.lineTo(left, h - bottom); ctx.lineTo(w - right, h - bottom); ctx.stroke();
  ctx.textAlign = "right";
  [y0, (y0 + y1) / 2, y1].forEach(function (v) { ctx.fillText(GN.fmt(v, 3), left - 4, Y(v) + 4); });
  ctx.textAlign = "left"; ctx.fillText(GN.fmt(x0, 2), left, h - 5);
  ctx.textAlign = "right"; ctx.fillText(GN.fmt(x1, 2) + (opts.xlabel ? " " + opts.xlabel : ""), w - right, h - 5);
  series.forEach(function (s) {
    ctx.strokeStyle = s.colour; ctx.setLineDash(s.dash || []); ctx.lineWidth = s.width || 1.8;
    ctx.beginPath();
    var moved = false;
    for (var i = 0; i < s.x.length; i++) {
      if (s.y[i] === null || !isFinite(s.y[i])) { moved = false; continue; }
      if (s.points) { ctx.moveTo(X(s.x[i]) + 2.5, Y(s.y[i])); ctx.arc(X(s.x[i]), Y(s.y[i]), 2.5, 0, 6.3); continue; }
      if (moved) ctx.lineTo(X(s.x[i]), Y(s.y[i])); else ctx.moveTo(X(s.x[i]), Y(s.y[i]));
      moved = true;
    }
    if (s.points) { ctx.fillStyle = s.colour; ctx.fill(); } else ctx.stroke();
  });
  ctx.setLineDash([]);
  ctx.textAlign = "left"; var lx = left + 6;
  series.forEach(function (s) {
    if (!s.label) return;
    ctx.fillStyle = s.colour; ctx.fillText(s.label, lx, top - 2); lx += ctx.measureText(s.label).width + 12;
  });
};

// Every element with data in it is built here, with DOM text and attribute APIs: no
// string of the user's data is ever parsed as HTML (a column named '"><img onerror=...>
// stays text). GN.h("th", {title: t}, ["text", child]) makes <th title=t>text child</th>.
GN.h = function (tag, attrs, children) {
  var el = tag === "svg" || tag === "path" ? document.createElementNS("http://www.w3.org/2000/svg", tag)
    : document.createElement(tag);
  Object.keys(attrs || {}).forEach(function (k) {
    var v = attrs[k];
    if (v === undefined || v === null || v === false) return;
    if (k === "text") el.textContent = String(v);
    else if (k === "dataset") Object.keys(v).forEach(function (d) { el.dataset[d] = String(v[d]); });
    else if (k === "style") Object.keys(v).forEach(function (s) { el.style[s] = v[s]; });
    else if (k === "checked" || k === "selected" || k === "value") el[k] = v;
    else el.setAttribute(k, v === true ? "" : String(v));
  });
  (children || []).forEach(function (c) {
    if (c !== null && c !== undefined) el.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
  });
  return el;
};
// Replace an element's children (never with parsed HTML).
GN.fill = function (el, children) { el.replaceChildren.apply(el, children.filter(function (c) { return c; })); };

GN.confusionTable = function (el, conf, classes, t) {
  var h = GN.h, m = conf.matrix, most = 1;
  m.forEach(function (row) { row.forEach(function (v) { most = Math.max(most, v); }); });
  var head = h("tr", {}, [h("th", {text: t("true \\ predicted")})].concat(
    classes.map(function (c) { return h("th", {text: c}); })));
  var body = m.map(function (row, i) {
    return h("tr", {}, [h("th", {text: classes[i]})].concat(row.map(function (v, j) {
      var a = (0.08 + 0.6 * v / most).toFixed(2), col = i === j ? "0,114,178" : "213,94,0";
      return h("td", {text: v, style: {background: "rgba(" + col + "," + (v ? a : 0) + ")"}});
    })));
  });
  GN.fill(el, [h("table", {}, [head].concat(body))]);
};

// Seed 003's tables: for each layer, every cell's alpha, y and delta for one row.
GN.traceTables = function (el, trace, info, t) {
  var h = GN.h;
  var note = h("p", {"class": "note", text: t("Row") + " " + (trace.row + 1) + ": " +
    info.features.map(function (f, i) { return f + " = " + GN.fmt(trace.features[i]); }).join(", ") +
    "; " + info.target + " = " + trace.label + "; E = " + GN.fmt(trace.loss)});
  var tables = trace.layers.map(function (layer) {
    var rows = [h("tr", {}, [h("th", {text: layer.layer + " (" + layer.activation + ")"}), h("th", {text: "α = Σ a x"}),
      h("th", {text: "y = f(α)"}), h("th", {text: "δ = ∂E/∂α"})])];
    layer.alpha.forEach(function (a, j) {
      rows.push(h("tr", {}, [h("th", {text: j + 1}), h("td", {text: GN.fmt(a)}), h("td", {text: GN.fmt(layer.output[j])}),
        h("td", {text: GN.fmt(layer.delta[j])})]));
    });
    return h("table", {}, rows);
  });
  GN.fill(el, [note].concat(tables));
};

// Why one row got its answer: base, each input column's contribution (largest first) as
// a bar left (lowers) or right (raises) of a shared axis, then the output; base + the
// contributions = output. Built from DOM text nodes only.
GN.contributionBars = function (el, c, t) {
  var h = GN.h;
  if (!c.names) { GN.fill(el, [h("p", {"class": "note", text: c.note})]); return; }
  var order = c.values.map(function (_, i) { return i; }).sort(function (a, b) {
    return Math.abs(c.values[b]) - Math.abs(c.values[a]); });
  var most = Math.max.apply(null, c.values.map(Math.abs).concat([1e-12]));
  var what = c.classes ? t("probability of") + " " + c.explained : c.explained;
  var rows = [h("tr", {}, [h("th", {text: t("input column")}), h("th", {text: t("contribution")}), h("th", {})])];
  rows.push(h("tr", {}, [h("td", {"class": "name", text: t("base (average over the background)")}),
    h("td", {text: GN.fmt(c.base)}), h("td", {})]));
  order.forEach(function (i) {
    var v = c.values[i], share = 50 * Math.abs(v) / most;
    var fill = h("div", {"class": "fill", style: {left: (v >= 0 ? 50 : 50 - share) + "%", width: share + "%",
      background: v >= 0 ? GN.PALETTE[5] : GN.PALETTE[0]}});
    var text = (v >= 0 ? "+" : "") + GN.fmt(v) + (c.standard_error ? " ± " + GN.fmt(c.standard_error[i], 2) : "");
    rows.push(h("tr", {}, [h("td", {"class": "name", text: c.names[i]}), h("td", {text: text}),
      h("td", {"class": "bar"}, [h("div", {"class": "axis", style: {left: "50%"}}), fill])]));
  });
  rows.push(h("tr", {}, [h("th", {text: what}), h("th", {text: GN.fmt(c.output)}), h("th", {})]));
  GN.fill(el, [h("p", {"class": "note", text: t("Row") + " " + (c.row + 1) + ": " +
    t("base + the contributions = the output for this row.")}),
    h("table", {"class": "why"}, rows), h("p", {"class": "note", text: c.note})]);
};

GN.gradTable = function (el, rows, t, note) {
  var h = GN.h;
  if (!rows) { GN.fill(el, note ? [h("p", {"class": "note", text: note})] : []); return; }
  var head = h("tr", {}, [t("weight"), t("relative error"), t("analytic"), t("numerical")].map(function (s) {
    return h("th", {text: s}); }));
  var body = rows.map(function (r) {
    var show = function (v) { return v.slice(0, 4).map(function (x) { return GN.fmt(x, 6); }).join(" ") + (r.size > 4 ? " …" : ""); };
    return h("tr", {}, [h("th", {text: r.weight}), h("td", {text: r.relative_error.toExponential(1)}),
      h("td", {text: show(r.analytic)}), h("td", {text: show(r.numerical)})]);
  });
  GN.fill(el, [h("h3", {text: t("Backprop against numerical differentiation (this row)")}), h("table", {}, [head].concat(body))]);
};
