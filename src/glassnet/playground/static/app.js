// glassnet playground: the page's state (a glassnet ModelSpec plus the data choice),
// the controls, the server calls and the redraw loop. The state lives in the URL.
"use strict";
var GN = window.GN || {};
window.GN = GN;
var $ = function (id) { return document.getElementById(id); };

GN.state = {
  data: {source: "builtin", name: "sample2", noise: 0.1, size: 200},
  split: {validation: 0.2, method: "random", seed: 0},
  spec: {hidden: [{units: 2, activation: "sigmoid"}], activation: "sigmoid", output_activation: "auto",
         loss: "auto", kernel_initializer: "uniform", l1: 0, l2: 0, dropout: 0, batch_norm: false,
         scale: "standard", optimizer: {name: "sgd", learning_rate: 0.5}, batch_size: 100, seed: 0,
         dtype: "float32"},
  view: {x: 0, y: 1},
  lang: "en"
};
GN.messages = {};
GN.t = function (key) { return GN.messages[key] || key; };
GN.stats = {frames: 0, draws: 0, started: performance.now()};
var ACTIVATIONS = ["sigmoid", "tanh", "relu", "leaky_relu", "swish", "linear"];
var DATASETS = ["sample2", "sample3", "xor", "moons", "circles", "spiral", "steps", "blobs"];
var PARAMS = {};
var CLASSES_NOTE = "Regions: colour of the most likely class; solid line p = 0.5, dashed p = 0.95. Filled dots train, rings validate.";
var REGRESSION_NOTE = "Colour: the predicted value, blue high, vermillion low; the dots are coloured by their target. Filled dots train, rings validate.";
var ICON_PLAY = "M8 5l11 7-11 7z", ICON_PAUSE = "M7 5h3.5v14H7zM13.5 5H17v14h-3.5z";
function icon(path) {
  return GN.h("svg", {viewBox: "0 0 24 24", width: 22, height: 22}, [GN.h("path", {d: path, fill: "currentColor"})]);
}
function showIcon(path) {
  var b = $("play");
  if (b.dataset.icon !== path) { b.dataset.icon = path; GN.fill(b, [icon(path)]); }
}

function api(path, body, raw) {
  var opts = {method: body === undefined ? "GET" : "POST"};
  if (body !== undefined) {
    opts.body = raw ? body : JSON.stringify(body);
    opts.headers = {"Content-Type": raw ? "application/octet-stream" : "application/json"};
  }
  var sep = path.indexOf("?") >= 0 ? "&" : "?";
  return fetch(path + sep + "session=" + encodeURIComponent(GN.session || ""), opts).then(function (r) {
    return r.json().then(function (v) { if (!r.ok) throw new Error(v.error || r.statusText); return v; });
  });
}

function showError(message) {
  var el = $("error");
  el.hidden = !message; el.textContent = message || "";
}

function saveURL() {
  history.replaceState(null, "", "#" + encodeURIComponent(JSON.stringify(GN.state)));
}

function loadURL() {
  if (location.hash.length < 2) return;
  try {
    // only the known parts, each a plain object (a link is data, never code or prototypes)
    var s = JSON.parse(decodeURIComponent(location.hash.slice(1))), plain = function (v) {
      return v !== null && typeof v === "object" && !Array.isArray(v); };
    if (!plain(s) || !plain(s.data) || !plain(s.spec)) return;
    ["data", "split", "spec", "view"].forEach(function (k) {
      if (!plain(s[k])) return;
      var merged = k === "data" ? {} : Object.assign({}, GN.state[k]);  // a link's gaps keep the defaults
      Object.keys(s[k]).forEach(function (key) {
        if (key !== "__proto__" && key !== "constructor" && key !== "prototype") merged[key] = s[k][key]; });
      GN.state[k] = merged;
    });
    if (!Array.isArray(GN.state.spec.hidden)) GN.state.spec.hidden = [];
    if (s.lang === "en" || s.lang === "ja") GN.state.lang = s.lang;
  } catch (e) { showError("The link's setup could not be read: " + e.message); }
}

// Language -------------------------------------------------------------------------------
function setLang(lang) {
  return fetch("/api/messages?lang=" + encodeURIComponent(lang)).then(function (r) { return r.json(); }).then(function (c) {
    GN.messages = c.messages || {};
    GN.state.lang = lang; document.documentElement.lang = lang;
    document.querySelectorAll("[data-i18n]").forEach(function (el) { el.textContent = GN.t(el.dataset.i18n); });
    document.querySelectorAll("[data-i18n-title]").forEach(function (el) { el.title = GN.t(el.dataset.i18nTitle); });
    $("lang-en").className = lang === "en" ? "on" : ""; $("lang-ja").className = lang === "ja" ? "on" : "";
    csvInfo(); paramsInfo(); saveURL(); redraw();
  });
}

// Setup: everything that changes the network or the data rebuilds it (paused) -----------------
var setupTimer = null;
function setup() {
  clearTimeout(setupTimer);
  setupTimer = setTimeout(sendSetup, 200);
}

var lastSetup = null;
function sendSetup() {
  saveURL();
  var sent = JSON.stringify([GN.state.data, GN.state.split, GN.state.spec]);
  if (sent === lastSetup && GN.info) return Promise.resolve();  // nothing changed: keep training
  lastSetup = sent;
  return api("/api/setup", GN.state).then(function (info) {
    GN.info = info; GN.focus = 0;
    GN.state.view = {x: info.view.x, y: info.view.y, fixed: GN.state.view.fixed && info.view.fixed};
    paramsInfo();
    $("python").textContent = info.python;
    showError(null); renderLayers(); renderView(); renderData(); saveURL(); redraw();
  }).catch(function (e) { lastSetup = null; showError(e.message); });
}

function readSettings() {
  var spec = GN.state.spec, num = function (id) { return parseFloat($(id).value); };
  var lr = num("learning_rate"), schedule = $("schedule").value, opt = {name: $("optimizer").value};
  if (schedule) {
    var steps = Math.max(1, parseInt($("decay_steps").value, 10) || 1), rate = num("decay_rate");
    var cfg = {name: schedule, initial_learning_rate: lr};
    if (schedule === "step_decay") { cfg.drop_every = steps; cfg.factor = rate; }
    else if (schedule === "cosine_decay") { cfg.decay_steps = steps; cfg.alpha = rate; }
    else { cfg.decay_steps = steps; cfg.decay_rate = rate; }
    opt.learning_rate = cfg;
  } else opt.learning_rate = lr;
  if (opt.name === "sgd" && num("momentum")) opt.momentum = num("momentum");
  spec.optimizer = opt;
  ["loss", "kernel_initializer", "output_activation"].forEach(function (k) { spec[k] = $(k).value; });
  ["l1", "l2", "dropout"].forEach(function (k) { spec[k] = num(k) || 0; });
  spec.batch_size = parseInt($("batch_size").value, 10) || null;
  spec.seed = parseInt($("seed").value, 10) || 0;
  spec.batch_norm = $("batch_norm").checked;
  spec.class_weight = $("class_weight").value || null;
  $("momentum-box").hidden = opt.name !== "sgd";
  $("decay-box").hidden = !schedule;
  setup();
}

function writeSettings() {
  var spec = GN.state.spec, opt = typeof spec.optimizer === "string" ? {name: spec.optimizer} : spec.optimizer;
  if (!opt || typeof opt !== "object") opt = {name: "sgd"};
  $("optimizer").value = opt.name;
  var lr = opt.learning_rate;
  if (lr && typeof lr === "object") {
    $("schedule").value = lr.name; $("learning_rate").value = lr.initial_learning_rate;
    $("decay_steps").value = lr.decay_steps || lr.drop_every || 100;
    $("decay_rate").value = lr.decay_rate !== undefined ? lr.decay_rate : lr.factor !== undefined ? lr.factor : lr.alpha;
  } else { $("schedule").value = ""; if (lr !== undefined) $("learning_rate").value = lr; }
  $("momentum").value = opt.momentum || 0;
  ["loss", "kernel_initializer", "output_activation", "l1", "l2", "dropout", "seed"].forEach(function (k) {
    if (spec[k] !== undefined) $(k).value = spec[k]; });
  $("batch_size").value = spec.batch_size || "";
  $("batch_norm").checked = !!spec.batch_norm;
  $("class_weight").value = spec.class_weight === "balanced" ? "balanced" : "";
  $("momentum-box").hidden = opt.name !== "sgd";
  $("decay-box").hidden = !$("schedule").value;
  $("validation").value = GN.state.split.validation; $("split-method").value = GN.state.split.method;
  $("validation-out").textContent = Math.round(GN.state.split.validation * 100) + " %";
}

// Network editing by clicking ------------------------------------------------------------
function option(value, selected, label) {
  return GN.h("option", {value: value, selected: value === selected, text: label === undefined ? value : label});
}

function renderLayers() {
  var box = $("layer-controls"), spec = GN.state.spec;
  spec.hidden = spec.hidden.map(function (h) {
    return typeof h === "number" ? {units: h, activation: spec.activation}
      : h !== null && typeof h === "object" ? h : {units: 2, activation: spec.activation}; });
  GN.fill(box, spec.hidden.map(function (h, i) {
    return GN.h("div", {"class": "lc"}, [
      GN.h("div", {}, [GN.h("button", {dataset: {l: i, d: -1}, text: "−"}), " ", GN.h("b", {text: h.units}), " ",
                       GN.h("button", {dataset: {l: i, d: 1}, text: "+"})]),
      GN.h("select", {dataset: {l: i}}, ACTIVATIONS.map(function (a) { return option(a, h.activation || spec.activation); }))]);
  }));
  box.querySelectorAll("button").forEach(function (b) {
    b.onclick = function () {
      var h = spec.hidden[+b.dataset.l];
      h.units = Math.max(1, Math.min(1024, h.units + (+b.dataset.d)));
      renderLayers(); setup();
    };
  });
  box.querySelectorAll("select").forEach(function (s) {
    s.onchange = function () { spec.hidden[+s.dataset.l].activation = s.value; setup(); };
  });
}

// Data panel -------------------------------------------------------------------------------
function renderData() {
  var d = GN.state.data;
  document.querySelectorAll("#datasets button").forEach(function (b) {
    b.className = d.source === "builtin" && b.dataset.name === d.name ? "on" : ""; });
  var params = d.source === "builtin" ? (PARAMS[d.name] || []) : [];
  $("noise-box").hidden = params.indexOf("noise") < 0; $("size-box").hidden = params.indexOf("size") < 0;
  $("csv-box").hidden = d.source !== "upload" || !GN.columns;
}

function pickBuiltin(name) {
  GN.state.data = {source: "builtin", name: name};
  if ((PARAMS[name] || []).indexOf("noise") >= 0) GN.state.data.noise = parseFloat($("noise").value);
  if ((PARAMS[name] || []).indexOf("size") >= 0) GN.state.data.size = parseInt($("size").value, 10);
  GN.state.view = {x: 0, y: 1};
  renderData(); setup();
}

function paramsInfo() {
  var info = GN.info;
  if (info) $("params").textContent = info.params + " " + GN.t("weights") + ", " + info.rows.train + " / " +
    info.rows.validation + " " + GN.t("rows (train / validation)");
}

function csvInfo() {
  var cols = GN.columns;
  if (cols) $("csv-info").textContent = cols.name + ": " + cols.rows + " " + GN.t("rows") + ", " +
    cols.columns.length + " " + GN.t("columns") + " (" + (cols.sheet ? GN.t("sheet") + " " + cols.sheet : cols.encoding) + ")";
}

function showColumns(cols) {
  GN.columns = cols;
  var d = GN.state.data, target = cols.columns.indexOf(d.target) >= 0 ? d.target : cols.columns[cols.columns.length - 1];
  csvInfo();
  $("sheet-box").hidden = !cols.sheets;
  if (cols.sheets) GN.fill($("sheet"), cols.sheets.map(function (s) { return option(s, cols.sheet); }));
  GN.fill($("target"), cols.columns.map(function (c) { return option(c, target); }));
  var chosen = d.features || cols.columns.filter(function (c, i) {
    return c !== target && (cols.inputs ? cols.inputs[i] : cols.numeric[i]);  // as the command line
  });
  GN.fill($("features"), cols.columns.map(function (c) {
    return GN.h("label", {}, [GN.h("input", {type: "checkbox", value: c, checked: chosen.indexOf(c) >= 0 && c !== target}), " " + c]);
  }));
  $("task").value = d.task || "auto"; $("missing").value = d.missing || "error";
  readColumns();
}

function readColumns() {
  var target = $("target").value, features = [];
  $("features").querySelectorAll("input").forEach(function (box) {
    if (box.value === target) box.checked = false;
    if (box.checked) features.push(box.value);
  });
  GN.state.data = {source: "upload", target: target, features: features, task: $("task").value, missing: $("missing").value};
  if (GN.columns && GN.columns.sheet) GN.state.data.sheet = GN.columns.sheet;
  GN.state.view = {x: 0, y: 1};
  renderData(); setup();
}

function upload(file) {
  if (!file) return;
  if (file.size > GN.uploadLimit) { showError(GN.t("The file is larger than the upload limit") + " (" + Math.round(GN.uploadLimit / 1048576) + " MiB)"); return; }
  file.arrayBuffer().then(function (buf) {
    return api("/api/upload?name=" + encodeURIComponent(file.name), buf, true);
  }).then(function (cols) {
    if (GN.state.data.source !== "upload") GN.state.data = {source: "upload"};
    showColumns(cols);
  }).catch(function (e) { showError(e.message); });
}

function pickSheet(name) {
  api("/api/sheet", {sheet: name}).then(function (cols) {
    GN.state.data = {source: "upload", sheet: cols.sheet};
    showColumns(cols);
  }).catch(function (e) {
    if (GN.columns) $("sheet").value = GN.columns.sheet;  // the menu shows the sheet in use
    showError(e.message);
  });
}

// The plane of the decision regions -----------------------------------------------------------
function renderView() {
  var info = GN.info, v = GN.state.view;
  var opts = function (sel) { return info.features.map(function (f, i) { return option(String(i), String(sel), f); }); };
  GN.fill($("view-x"), opts(v.x)); GN.fill($("view-y"), opts(v.y));
  var fixed = info.view.fixed;
  GN.fill($("fixed-box"), info.features.map(function (f, i) {
    if (i === v.x || i === v.y || info.features.length > 40) return null;
    var step = (info.high[i] - info.low[i]) / 100 || 0.01;
    return GN.h("label", {}, [f + " = ", GN.h("output", {text: GN.fmt(fixed[i])}), GN.h("br"),
      GN.h("input", {type: "range", dataset: {f: i}, min: info.low[i], max: info.high[i], step: step, value: fixed[i]})]);
  }));
  $("fixed-box").querySelectorAll("input").forEach(function (r) {
    r.oninput = function () {
      r.parentNode.querySelector("output").textContent = GN.fmt(parseFloat(r.value));
      fixed[+r.dataset.f] = parseFloat(r.value); GN.state.view.fixed = fixed.slice(); sendView();
    };
  });
  $("curve-box").hidden = info.task !== "regression"; $("confusion-box").hidden = info.task === "regression";
  var note = $("region-note");
  note.dataset.i18n = info.task === "regression" ? REGRESSION_NOTE : CLASSES_NOTE; note.textContent = GN.t(note.dataset.i18n);
  $("metric-chart").hidden = false;
}

var viewTimer = null;
function sendView() {
  clearTimeout(viewTimer);
  viewTimer = setTimeout(function () {
    api("/api/view", GN.state.view).then(function (r) { GN.info.view = r.view; saveURL(); })
      .catch(function (e) { showError(e.message); });
  }, 80);
}

// Frames and drawing ----------------------------------------------------------------------------
var drawPending = false;
function redraw() { if (!drawPending) { drawPending = true; requestAnimationFrame(draw); } }

function draw() {
  drawPending = false;
  var f = GN.frame, info = GN.info;
  // a frame older than the setup shows another network: wait for the next one
  if (!f || !info || f.empty || !f.network || f.version < info.version) return;
  if (f.error) { showError(f.error); return; }
  var view = info.view, t0 = performance.now();
  GN.drawRegion($("region"), f.region, info, view);
  var t1 = performance.now();
  GN.drawNetwork($("net"), info, f, view);
  var t2 = performance.now();
  GN.stats.regionMs = (GN.stats.regionMs || 0) + t1 - t0; GN.stats.networkMs = (GN.stats.networkMs || 0) + t2 - t1;
  var h = f.history || {}, e = h.epoch || [], cls = info.task === "classification";
  var curves = [{x: e, y: h.loss || [], colour: GN.colour(0), label: GN.t("training")}];
  if (h.val_loss) curves.push({x: e, y: h.val_loss, colour: GN.colour(5), dash: [5, 4], label: GN.t("validation")});
  GN.lineChart($("loss-chart"), curves, {xlabel: GN.t("epochs"), empty: GN.t("loss: press play")});
  var key = cls ? "accuracy" : "mae", metric = [{x: e, y: h[key] || [], colour: GN.colour(0), label: GN.t(key)}];
  if (h["val_" + key]) metric.push({x: e, y: h["val_" + key], colour: GN.colour(5), dash: [5, 4]});
  GN.lineChart($("metric-chart"), metric, {max: cls ? 1 : undefined, xlabel: GN.t("epochs")});
  $("verdict").textContent = verdict(f.verdict);
  if (f.message) showError(f.message);
  if (cls && f.confusion) GN.confusionTable($("confusion"), f.confusion, info.classes, GN.t);
  if (!cls && f.curve) {
    var xs = info.points.x.map(function (r) { return r[view.x]; });
    GN.lineChart($("curve"), [{x: xs, y: info.points.label, colour: GN.colour(1), points: true, label: info.target},
      {x: f.curve.x, y: f.curve.y, colour: GN.colour(0), label: GN.t("model")}], {fromZero: false, xlabel: info.features[view.x]});
  }
  if (f.trace) GN.traceTables($("trace"), f.trace, info, GN.t);
  GN.stats.drawMs = (GN.stats.drawMs || 0) + performance.now() - t0;
  GN.stats.draws++;
}

function onFrame(event) {
  var f = JSON.parse(event.data);
  GN.frame = f; GN.stats.frames++;
  $("epoch").textContent = f.epoch || 0; $("steps").textContent = f.step || 0;
  $("lr-now").textContent = f.learning_rate !== undefined ? GN.fmt(f.learning_rate) : "–";
  showIcon(f.playing ? ICON_PAUSE : ICON_PLAY);
  GN.playing = !!f.playing;
  redraw();
}

// The over-fitting verdict: the server's sentence in English, a translated one otherwise.
var VERDICTS = {
  "good": "Good fit: the validation loss is lowest at epoch {epoch} and has not risen since.",
  "over-fits": "Over-fits from epoch {epoch}: the validation loss rises while the training loss keeps falling.",
  "under-fits": "Under-fits: the loss is still falling; train longer or use a larger model.",
  "no validation data": "The training loss has levelled off; without validation data over-fitting cannot be judged."
};
function verdict(v) {
  if (!v) return "";
  if (GN.state.lang === "en" || !VERDICTS[v.key]) return v.message;
  return GN.t(VERDICTS[v.key]).replace("{epoch}", v.best_epoch === null ? "?" : v.best_epoch + 1);
}

// Wiring --------------------------------------------------------------------------------------
function control(action) {
  return api("/api/control", {action: action}).catch(function (e) { showError(e.message); });
}

function wire() {
  GN.fill($("datasets"), DATASETS.map(function (n) { return GN.h("button", {dataset: {name: n}, text: n}); }));
  $("datasets").querySelectorAll("button").forEach(function (b) { b.onclick = function () { pickBuiltin(b.dataset.name); }; });
  ["noise", "size"].forEach(function (k) {
    $(k).oninput = function () { $(k + "-out").textContent = $(k).value; };
    $(k).onchange = function () { if (GN.state.data.source === "builtin") pickBuiltin(GN.state.data.name); };
  });
  $("validation").oninput = function () { $("validation-out").textContent = Math.round($("validation").value * 100) + " %"; };
  $("validation").onchange = function () { GN.state.split.validation = parseFloat($("validation").value); setup(); };
  $("split-method").onchange = function () { GN.state.split.method = $("split-method").value; setup(); };
  document.querySelectorAll(".settings input, .settings select, #output_activation").forEach(function (el) { el.onchange = readSettings; });
  $("file").onchange = function () { upload($("file").files[0]); };
  $("sheet").onchange = function () { pickSheet($("sheet").value); };
  var drop = $("drop");
  drop.ondragover = function (e) { e.preventDefault(); drop.classList.add("over"); };
  drop.ondragleave = function () { drop.classList.remove("over"); };
  drop.ondrop = function (e) { e.preventDefault(); drop.classList.remove("over"); upload(e.dataTransfer.files[0]); };
  $("target").onchange = readColumns; $("task").onchange = readColumns; $("missing").onchange = readColumns;
  $("features").onchange = readColumns;
  $("add-layer").onclick = function () { GN.state.spec.hidden.push({units: 2, activation: GN.state.spec.activation}); renderLayers(); setup(); };
  $("remove-layer").onclick = function () { GN.state.spec.hidden.pop(); renderLayers(); setup(); };
  $("play").onclick = function () { control(GN.playing ? "pause" : "play"); };
  $("step").onclick = function () { control("step"); };
  $("reset").onclick = function () { control("reset"); };
  $("view-x").onchange = $("view-y").onchange = function () {
    GN.state.view = {x: +$("view-x").value, y: +$("view-y").value, fixed: GN.info.view.fixed};
    api("/api/view", GN.state.view).then(function (r) { GN.info.view = r.view; renderView(); saveURL(); })
      .catch(function (e) { showError(e.message); });
  };
  $("region").onclick = function (e) {
    var info = GN.info; if (!info) return;
    var rect = $("region").getBoundingClientRect(), x = e.clientX - rect.left, y = e.clientY - rect.top, best = -1, dist = 12;
    info.points.x.forEach(function (_, j) {
      var p = GN.pointXY(info, info.view, j, rect.width, rect.height), d = Math.hypot(p[0] - x, p[1] - y);
      if (d < dist) { dist = d; best = j; }
    });
    if (best < 0) return;
    GN.focus = info.points.index[best];
    api("/api/trace", {row: GN.focus}).then(function (tr) {
      if (GN.frame) GN.frame.trace = tr;  // the redraw below shows this row, not the last frame's
      GN.traceTables($("trace"), tr, info, GN.t); GN.gradTable($("gradcheck"), tr.gradients, GN.t, tr.gradients_note); redraw();
      $("trace").scrollIntoView({behavior: "smooth", block: "nearest"});
    }).catch(function (e) { showError(e.message); });
    var row = GN.focus;
    api("/api/contributions", {row: row}).then(function (c) {
      if (GN.focus === row) GN.contributionBars($("contributions"), c, GN.t);
    }).catch(function (e) { showError(e.message); });
  };
  var net = $("net"), tip = $("tip");
  net.onmousemove = function (e) {
    var rect = net.getBoundingClientRect(), hit = GN.frame && GN.hitNetwork(e.clientX - rect.left, e.clientY - rect.top);
    if (!hit) { tip.hidden = true; return; }
    tip.textContent = GN.formula(hit, GN.info, GN.frame); tip.hidden = false;
    var x = e.clientX - rect.left + 14, y = e.clientY - rect.top + 14;
    tip.style.left = Math.min(x, rect.width - tip.offsetWidth - 4) + "px"; tip.style.top = y + "px";
  };
  net.onmouseleave = function () { tip.hidden = true; };
  $("lang-en").onclick = function () { setLang("en"); };
  $("lang-ja").onclick = function () { setLang("ja"); };
  $("copy-url").onclick = function () { saveURL(); if (navigator.clipboard) navigator.clipboard.writeText(location.href); };
  $("python-box").ontoggle = function () {
    if ($("python-box").open) fetch("/api/download/python?session=" + GN.session).then(function (r) { return r.text(); })
      .then(function (text) { $("python").textContent = text; });
  };
  window.addEventListener("resize", redraw);
  window.addEventListener("pagehide", function () { navigator.sendBeacon("/api/close?session=" + GN.session); });
}

function start() {
  showIcon(ICON_PLAY);
  loadURL(); wire(); writeSettings(); renderLayers();
  Promise.all([fetch("/api/datasets").then(function (r) { return r.json(); }),
               fetch("/api/session", {method: "POST"}).then(function (r) { return r.json(); })]).then(function (res) {
    Object.keys(res[0]).forEach(function (k) { PARAMS[k] = res[0][k].params; });
    var s = res[1];
    if (s.error) { showError(s.error); return; }
    GN.session = s.session; GN.uploadLimit = s.upload_limit;
    ["model", "coefficients", "predictions", "report"].forEach(function (k) {
      $("dl-" + k).href = "/api/download/" + k + "?session=" + encodeURIComponent(s.session); });
    if (location.hash.length < 2) {
      if (s.initial.source === "upload") GN.state.data = {source: "upload"};
      else GN.state.data = {source: "builtin", name: s.initial.name};
    }
    var source = new EventSource("/api/events?session=" + encodeURIComponent(s.session));
    source.onmessage = onFrame;
    var ready = GN.state.lang !== "en" ? setLang(GN.state.lang) : Promise.resolve();
    return ready.then(function () {
      if (s.initial.source === "upload" && GN.state.data.source === "upload") showColumns(s.initial.columns);
      else { renderData(); return sendSetup(); }
    });
  }).catch(function (e) { showError(e.message); });
}

start();
