// glassnet playground: the network drawing (cells with thumbnails, links by weight)
// and the hover cards with each formula's live numbers.
"use strict";
var GN = window.GN || {};
window.GN = GN;

GN.net = {nodes: [], links: []};

// Thumbnail image of one cell: its output over the plane, diverging colours.
function thumbImage(thumb, size) {
  var q = GN.bytes(thumb.data), scale = Math.max(Math.abs(thumb.low), Math.abs(thumb.high), 1e-12);
  var c = document.createElement("canvas"); c.width = size; c.height = size;
  var ctx = c.getContext("2d"), img = ctx.createImageData(size, size);
  for (var i = 0; i < size * size; i++) {
    var v = thumb.low + q[i] / 255 * (thumb.high - thumb.low), col = GN.diverging(v / scale);
    img.data[4 * i] = col[0]; img.data[4 * i + 1] = col[1]; img.data[4 * i + 2] = col[2]; img.data[4 * i + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  return c;
}

// Input feature i over the plane: a ramp along x or y, flat when held fixed.
function inputThumb(i, view, size) {
  var data = new Array(size * size), lo = -1, hi = 1;
  for (var r = 0; r < size; r++) for (var c = 0; c < size; c++)
    data[r * size + c] = i === view.x ? (c / (size - 1)) * 2 - 1 : i === view.y ? 1 - (r / (size - 1)) * 2 : 0;
  var bytes = data.map(function (v) { return Math.round((v - lo) / (hi - lo) * 255); });
  return thumbImage({low: lo, high: hi, data: btoa(String.fromCharCode.apply(null, bytes))}, size);
}

// The text whole when it fits in ``room`` pixels, else cut with an ellipsis to fit.
function fitText(ctx, text, room) {
  text = String(text);
  if (ctx.measureText(text).width <= room) return text;
  while (text.length > 1 && ctx.measureText(text + "…").width > room) text = text.slice(0, -1);
  return text + "…";
}

function linksOf(layer) {
  var out = [];
  if (layer.kernel) {
    layer.kernel.forEach(function (row, i) { row.forEach(function (w, j) {
      out.push([i, j, w, layer.kernel_grad ? layer.kernel_grad[i][j] : null]); }); });
  } else out = layer.strongest;
  return out;
}

GN.drawNetwork = function (canvas, info, frame, view) {
  var fitted = GN.fit(canvas), ctx = fitted[0], w = fitted[1], h = fitted[2];
  ctx.clearRect(0, 0, w, h);
  var sizes = [info.features.length].concat(info.layers.map(function (l) { return l.units; }));
  // room for the names, measured (Japanese names are wide), at most a fifth of the width
  // each side; the outputs are the classes, or p(second class) for one logistic output
  ctx.font = GN.FONT;
  var last = sizes[sizes.length - 1], classes = info.classes || [];
  var outNames = classes.length && classes.length === last ? classes :
    classes.length === 2 && last === 1 ? ["p(" + classes[1] + ")"] : null;
  var widest = function (list) {
    return Math.max.apply(null, [0].concat((list || []).map(function (s) { return ctx.measureText(s).width; })));
  };
  var cap = w / 5, labelLeft = Math.min(cap, widest(info.features)), labelRight = Math.min(cap, widest(outNames));
  var ncol = sizes.length, top = 22, bottom = 8;
  var left = Math.max(44, labelLeft + 24), right = Math.max(30, labelRight + 24);
  var colX = sizes.map(function (_, c) { return left + c * (w - left - right) / Math.max(1, ncol - 1); });
  var nodes = [], links = [];
  sizes.forEach(function (n, c) {
    var room = (h - top - bottom) / n, s = Math.max(2, Math.min(36, room * 0.8, (w / ncol) * 0.45));
    for (var j = 0; j < n; j++) nodes.push({col: c, idx: j, x: colX[c] - s / 2, y: top + room * (j + 0.5) - s / 2, s: s});
  });
  var byCol = sizes.map(function (_, c) { return nodes.filter(function (nd) { return nd.col === c; }); });
  // links first, under the cells
  var layers = frame && frame.network ? frame.network.layers : [];
  layers.forEach(function (layer, L) {
    var ls = linksOf(layer), most = 1e-12;
    ls.forEach(function (l) { most = Math.max(most, Math.abs(l[2])); });
    ls.forEach(function (l) {
      var a = byCol[L][l[0]], b = byCol[L + 1][l[1]];
      if (!a || !b) return;
      var x0 = a.x + a.s, y0 = a.y + a.s / 2, x1 = b.x, y1 = b.y + b.s / 2, mx = (x0 + x1) / 2;
      var width = 0.3 + 5 * Math.abs(l[2]) / most;
      ctx.strokeStyle = l[2] >= 0 ? "rgba(0,114,178,0.75)" : "rgba(213,94,0,0.75)";
      ctx.lineWidth = width; ctx.beginPath(); ctx.moveTo(x0, y0);
      ctx.bezierCurveTo(mx, y0, mx, y1, x1, y1); ctx.stroke();
      links.push({L: L, i: l[0], j: l[1], w: l[2], g: l[3], p: [x0, y0, mx, x1, y1]});
    });
  });
  // cells: thumbnails when there is room, a coloured square otherwise
  nodes.forEach(function (nd) {
    var img = null;
    if (nd.s >= 10) {
      if (nd.col === 0) img = inputThumb(nd.idx, view, 20);
      // A frame of the previous network can arrive just after cells were added or
      // removed: draw a thumbnail only for a cell the frame knows.
      else if (layers[nd.col - 1] && layers[nd.col - 1].thumbs && layers[nd.col - 1].thumbs[nd.idx])
        img = thumbImage(layers[nd.col - 1].thumbs[nd.idx], 20);
    }
    if (img) { ctx.imageSmoothingEnabled = false; ctx.drawImage(img, nd.x, nd.y, nd.s, nd.s); }
    else { ctx.fillStyle = nd.col === 0 ? "#888" : "#bbb"; ctx.fillRect(nd.x, nd.y, nd.s, nd.s); }
    var focus = nd.col === 0 && (nd.idx === view.x || nd.idx === view.y);
    ctx.lineWidth = focus ? 2 : 1; ctx.strokeStyle = focus ? "#000" : "#777";
    ctx.strokeRect(nd.x, nd.y, nd.s, nd.s);
  });
  // labels: feature names left of the inputs, layer names on top
  ctx.font = GN.FONT; ctx.fillStyle = "#333"; ctx.textAlign = "center";
  var names = [GN.t("inputs")].concat(info.layers.map(function (l) { return l.activation; }));
  colX.forEach(function (x, c) { ctx.fillText(names[c] + " (" + sizes[c] + ")", x, 12); });
  if (byCol[0].length && byCol[0][0].s >= 10) {
    ctx.textAlign = "right";
    byCol[0].forEach(function (nd) {
      ctx.fillText(fitText(ctx, info.features[nd.idx], nd.x - 4), nd.x - 3, nd.y + nd.s / 2 + 4);
    });
  }
  var out = byCol[ncol - 1];
  if (outNames && out[0].s >= 8) {
    ctx.textAlign = "left";
    out.forEach(function (nd) {
      ctx.fillText(fitText(ctx, outNames[nd.idx], w - nd.x - nd.s - 4), nd.x + nd.s + 3, nd.y + nd.s / 2 + 4);
    });
  }
  GN.net = {nodes: nodes, links: links};
};

function bezierDistance(p, x, y) {
  var best = 1e9;
  for (var k = 0; k <= 16; k++) {
    var t = k / 16, u = 1 - t;
    var bx = u * u * u * p[0] + 3 * u * u * t * p[2] + 3 * u * t * t * p[2] + t * t * t * p[3];
    var by = u * u * u * p[1] + 3 * u * u * t * p[1] + 3 * u * t * t * p[4] + t * t * t * p[4];
    best = Math.min(best, Math.hypot(bx - x, by - y));
  }
  return best;
}

GN.hitNetwork = function (x, y) {
  var nd = GN.net.nodes.find(function (n) { return x >= n.x - 2 && x <= n.x + n.s + 2 && y >= n.y - 2 && y <= n.y + n.s + 2; });
  if (nd) return {node: nd};
  var best = null, dist = 5;
  GN.net.links.forEach(function (l) { var d = bezierDistance(l.p, x, y); if (d < dist) { dist = d; best = l; } });
  return best ? {link: best} : null;
};

var SUB = "₀₁₂₃₄₅₆₇₈₉";
function sub(n) { return String(n).split("").map(function (d) { return SUB[+d]; }).join(""); }

// The formula of a cell or a link with the live numbers of the traced row.
GN.formula = function (hit, info, frame) {
  var f = GN.fmt, tr = frame && frame.trace, t = GN.t, lines = [];
  var rowNote = tr ? " (" + t("row") + " " + (tr.row + 1) + ")" : "";
  if (hit.node) {
    var nd = hit.node, j = nd.idx;
    if (nd.col === 0) {
      lines.push("x" + sub(j + 1) + ": " + info.features[j]);
      if (tr) lines.push("= " + f(tr.features[j]) + rowNote, t("after scaling") + ": " + f(tr.layers[0].inputs[j]));
      return lines.join("\n");
    }
    var L = nd.col - 1, layer = frame.network.layers[L], meta = info.layers[L], tl = tr && tr.layers[L];
    var name = L === info.layers.length - 1 && info.classes ? info.classes[j] : (j + 1);
    lines.push(meta.name + ", " + t("cell") + " " + name + " (" + meta.activation + ")");
    lines.push("α = a" + sub(0) + " + Σᵢ aᵢ xᵢ");
    if (tl && layer.kernel) {
      var terms = tl.inputs.slice(0, 6).map(function (x, i) { return f(layer.kernel[i][j]) + "×" + f(x); });
      if (tl.inputs.length > 6) terms.push("… (" + (tl.inputs.length - 6) + " " + t("more") + ")");
      lines.push("  = " + f(layer.bias[j]) + " + " + terms.join(" + "));
    }
    if (tl) {
      lines.push("  = " + f(tl.alpha[j]) + rowNote);
      lines.push("y = " + meta.activation + "(α) = " + f(tl.output[j]));
      lines.push("δ = ∂E/∂α = " + f(tl.delta[j]));
    }
    if (layer.bias_grad) lines.push("∂E/∂a" + sub(0) + " (" + t("last batch") + ") = " + f(layer.bias_grad[j]));
    return lines.join("\n");
  }
  var l = hit.link, tlay = tr && tr.layers[l.L];
  lines.push("a = " + f(l.w) + "   (" + (l.L === 0 ? info.features[l.i] : t("cell") + " " + (l.i + 1)) +
             " → " + info.layers[l.L].name + " " + t("cell") + " " + (l.j + 1) + ")");
  if (tlay) {
    var x = tlay.inputs[l.i], d = tlay.delta[l.j];
    lines.push("∂E/∂a = δ x = " + f(d) + " × " + f(x) + " = " + f(d * x) + rowNote);
  }
  if (l.g !== null && l.g !== undefined) lines.push("∂E/∂a (" + t("last batch") + ") = " + f(l.g));
  return lines.join("\n");
};
