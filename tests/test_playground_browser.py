"""The playground in a real browser: Playwright driving Debian's chromium.

Needs ``pip install -e '.[playground]'`` (Playwright's Python package only; never
``playwright install``) and ``apt-get install -y chromium``; skipped with the reason
otherwise. Screenshots at 1400 and 390 px go to $GLASSNET_SCREENSHOTS (default: the
test's temporary folder).
"""

import os

import numpy as np
import pytest

import glassnet

from .playground_server import start_server

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed "
                                   "(pip install -e '.[playground]')")
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def base():
    url, _, stop = start_server()
    yield url
    stop()


@pytest.fixture
def page(browser, base):
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(base + "/")
    wait_for(page, "window.GN && GN.info && GN.frame && GN.frame.network")
    yield page
    page.close()
    assert errors == []


def fish_csv(path):
    """A survey as Japanese Excel saves it: cp932, Japanese column and class names."""
    rng = np.random.default_rng(3)
    lines = ["体長,体重,水温,魚種"]
    for name, (length, weight) in {"鯛": (30, 600), "鮭": (60, 3000), "鯵": (20, 150)}.items():
        for _ in range(30):
            lines.append(f"{rng.normal(length, 4):.1f},{rng.normal(weight, weight * .15):.0f},"
                         f"{rng.normal(15, 2):.1f},{name}")
    order = [0] + list(1 + rng.permutation(90))
    path.write_bytes("\r\n".join(lines[i] for i in order).encode("cp932"))
    return path


def wait_for(page, expression, timeout=30000):
    """Wait until the page's ``expression`` is true. Playwright's ``wait_for_function``
    evaluates a string with eval(), which the playground's Content-Security-Policy
    forbids (no 'unsafe-eval'); ``page.evaluate`` goes through the debugger and is not
    bound by it."""
    import time

    deadline = time.monotonic() + timeout / 1000
    while True:
        try:
            if page.evaluate(expression):
                return
        except Exception:  # noqa: BLE001 - a part not there yet (GN.info undefined)
            if time.monotonic() > deadline:
                raise
        if time.monotonic() > deadline:
            raise TimeoutError(f"waited {timeout / 1000:.0f} s for {expression}")
        page.wait_for_timeout(20)


def wait_frame(page, condition):
    wait_for(page, f"(() => {{ var f = GN.frame; return f && f.version >= GN.info.version "
                           f"&& ({condition}); }})()", timeout=60000)


def region_pixels(page):
    return page.evaluate("document.getElementById('region').toDataURL()")


def steps(page, n):
    for _ in range(n):
        before = page.evaluate("GN.frame.step")
        page.click("#step")
        wait_frame(page, f"f.step === {before + 1}")


def test_a_newcomers_session_on_a_japanese_csv(page, tmp_path):
    path = fish_csv(tmp_path / "魚.csv")
    page.set_input_files("#file", str(path))
    wait_for(page, "GN.info && GN.info.target === '魚種' && GN.info.features.length === 3")
    # features: leave the water temperature out
    page.uncheck("#features input[value='水温']")
    wait_for(page, "GN.info.features.join() === '体長,体重'")
    assert page.input_value("#target") == "魚種"
    assert page.evaluate("GN.info.classes") == ["鮭", "鯛", "鯵"]
    # a wider network and Adam, by clicking
    page.click("#layer-controls button[data-d='1']")
    page.select_option("#optimizer", "adam")
    page.fill("#learning_rate", "0.05")
    page.dispatch_event("#learning_rate", "change")
    wait_for(page, "GN.info.layers[0].units === 3 && GN.info.spec.optimizer.name === "
                           "'adam' && GN.info.spec.optimizer.learning_rate === 0.05")
    wait_frame(page, "f.step === 0")
    wait_for(page, "GN.stats.draws > 0")
    untrained = region_pixels(page)
    initial_kernel = page.evaluate("GN.frame.network.layers[0].kernel")

    page.click("#play")
    wait_frame(page, "f.epoch >= 150")
    page.click("#play")  # pause
    wait_frame(page, "!f.playing")
    loss = page.evaluate("GN.frame.history.loss")
    assert loss[-1] < 0.5 * loss[0]
    page.wait_for_timeout(200)
    assert region_pixels(page) != untrained

    step_before = page.evaluate("GN.frame.step")
    steps(page, 1)
    assert page.evaluate("GN.frame.step") == step_before + 1

    # reset: the same initial weights, so the same curve step by step
    page.click("#reset")
    wait_frame(page, "f.step === 0 && f.epoch === 0")
    assert page.evaluate("GN.frame.network.layers[0].kernel") == initial_kernel
    steps(page, 6)
    first = page.evaluate("GN.frame.history.loss")
    page.click("#reset")
    wait_frame(page, "f.step === 0")
    steps(page, 6)
    assert page.evaluate("GN.frame.history.loss") == first

    # the model file loads in glassnet and predicts like the page's network
    with page.expect_download() as download:
        page.click("#dl-model")
    saved = tmp_path / "playground.glassnet"
    download.value.save_as(saved)
    model = glassnet.load_model(saved)
    assert model.info["feature_names"] == ["体長", "体重"]
    assert model.info["class_names"] == ["鮭", "鯛", "鯵"]
    frame_output = page.evaluate("GN.frame.trace.output")
    row = page.evaluate("GN.frame.trace.features")
    np.testing.assert_allclose(model.predict(np.array([row]))[0], frame_output, rtol=1e-5)

    # Japanese UI
    page.click("#lang-ja")
    wait_for(page, "document.documentElement.lang === 'ja'")
    assert page.inner_text(".col.data h2") == "データ"
    assert "エポック" in page.inner_text(".controls")
    assert "90 行" in page.inner_text("#csv-info")
    page.click("#play")
    wait_frame(page, "f.epoch >= 300")
    page.click("#play")
    wait_frame(page, "!f.playing")
    assert any(w in page.inner_text("#verdict") for w in ("良好", "過学習", "学習不足"))
    page.evaluate("document.fonts.ready")
    page.evaluate("window.scrollTo(0, 0)")
    shots = os.environ.get("GLASSNET_SCREENSHOTS", str(tmp_path))
    page.screenshot(path=os.path.join(shots, "playground-1400.png"), full_page=True)
    # the setup lives in the URL
    assert "%E9%AD%9A%E7%A8%AE" in page.url  # 魚種, the target


def test_hover_and_click_show_formulas_traces_and_gradient_checks(page):
    steps(page, 3)
    box = page.locator("#net").bounding_box()
    node = page.evaluate("GN.net.nodes.find(n => n.col === 1)")
    page.mouse.move(box["x"] + node["x"] + node["s"] / 2, box["y"] + node["y"] + node["s"] / 2)
    tip = page.inner_text("#tip")
    assert "α = a₀ + Σᵢ aᵢ xᵢ" in tip and "δ = ∂E/∂α" in tip and "sigmoid(α)" in tip
    link = page.evaluate("GN.net.links[0]")
    t = 0.5
    x = (link["p"][0] + link["p"][3]) / 2
    y = (1 - t) ** 3 * link["p"][1] + 3 * (1 - t) ** 2 * t * link["p"][1] + \
        3 * (1 - t) * t ** 2 * link["p"][4] + t ** 3 * link["p"][4]
    page.mouse.move(box["x"] + x, box["y"] + y)
    assert "∂E/∂a = δ x" in page.inner_text("#tip")

    region = page.locator("#region").bounding_box()
    xy = page.evaluate("GN.pointXY(GN.info, GN.info.view, 10, "
                       "document.getElementById('region').clientWidth, "
                       "document.getElementById('region').clientHeight)")
    with page.expect_response(lambda r: "/api/trace" in r.url) as response:
        page.mouse.click(region["x"] + xy[0], region["y"] + xy[1])
    trace = response.value.json()
    assert trace["row"] == page.evaluate("GN.info.points.index[10]")
    assert all(r["relative_error"] < 1e-6 for r in trace["gradients"])
    page.wait_for_selector("#gradcheck table")
    assert len(page.query_selector_all("#trace table")) == 2  # hidden and output layer
    # beside the trace: why this row got its answer, base + contributions = output
    page.wait_for_selector("#contributions table.why")
    cells = page.evaluate("[...document.querySelectorAll('#contributions td.name')]"
                          ".map(td => td.textContent)")
    assert cells[0].startswith("base") and sorted(cells[1:]) == ["x1", "x2"]
    numbers = page.evaluate("[...document.querySelectorAll('#contributions tr')].slice(1)"
                            ".map(tr => tr.children[1].textContent)")
    total = sum(float(v) for v in numbers[:-1])  # base and the two contributions
    assert total == pytest.approx(float(numbers[-1]), abs=2e-3)  # as shown (rounded)
    # the trace beside it is of the same row (the redraw after the click kept it)
    row = trace["row"] + 1
    assert page.inner_text("#trace p.note").startswith(f"Row {row}:")
    assert page.inner_text("#contributions p.note").startswith(f"Row {row}:")
    shots = os.environ.get("GLASSNET_SCREENSHOTS")
    if shots:
        page.locator("section.trace").screenshot(path=os.path.join(shots, "why-this-row.png"))


def test_redraws_at_least_ten_times_a_second_while_training(page):
    page.click("#play")
    wait_frame(page, "f.playing")
    start = page.evaluate("[GN.stats.draws, performance.now()]")
    page.wait_for_timeout(3000)
    end = page.evaluate("[GN.stats.draws, performance.now()]")
    epoch = page.evaluate("GN.frame.epoch")
    page.click("#play")
    rate = (end[0] - start[0]) / ((end[1] - start[1]) / 1000)
    assert rate >= 10, f"{rate:.1f} redraws a second"
    assert epoch > 100  # and it trained meanwhile


def test_phone_width_layout(browser, base, tmp_path):
    page = browser.new_page(viewport={"width": 390, "height": 844})
    page.goto(base + "/")
    wait_for(page, "window.GN && GN.info && GN.frame && GN.frame.network")
    steps(page, 2)
    widths = page.evaluate("[document.documentElement.scrollWidth, "
                           "document.getElementById('region').clientWidth]")
    assert widths[0] <= 390 and widths[1] > 300  # no sideways scrolling; a full-width map
    page.click("#play")
    wait_frame(page, "f.epoch >= 300")
    page.click("#play")
    wait_frame(page, "!f.playing")
    page.evaluate("document.fonts.ready")
    shots = os.environ.get("GLASSNET_SCREENSHOTS", str(tmp_path))
    page.screenshot(path=os.path.join(shots, "playground-390.png"), full_page=True)
    page.close()


def test_the_url_restores_the_setup(browser, base):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(base + "/")
    wait_for(page, "window.GN && GN.info && GN.frame")
    page.click("#datasets button[data-name='spiral']")
    page.click("#add-layer")
    wait_for(page, "GN.info.classes.length === 3 && GN.info.layers.length === 3")
    url = page.url
    page.close()
    again = browser.new_page(viewport={"width": 1400, "height": 900})
    again.goto(url)
    wait_for(again, "window.GN && GN.info && GN.info.layers.length === 3")
    assert again.evaluate("GN.state.data.name") == "spiral"
    again.close()


# Hostile data and links (issue 25): text from a file or a link stays text ------------------------
XSS = "x'><img src=/static/none onerror=\"window.pwned=1\">"


def test_column_and_class_names_with_quotes_and_markup_stay_text(page, tmp_path):
    console = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    names = ["a'b", XSS, "<b>bold</b>"]
    lines = [",".join(['"' + n.replace('"', '""') + '"' for n in names] + ["class"])]
    classes = ["<i onmouseover=alert(1)>c1</i>", "c'2"]
    for i in range(60):
        lines.append(f"{i % 7},{i % 5},{(i * 3) % 11},\"{classes[i % 2]}\"")
    path = tmp_path / "quotes.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    page.set_input_files("#file", str(path))
    wait_for(page, "GN.info && GN.info.target === 'class' && GN.info.features.length === 3")
    assert page.evaluate("GN.info.features") == names
    # the names as the page shows them: checkbox values, labels, the axes' options
    assert page.eval_on_selector_all("#features input", "els => els.map(e => e.value)") == \
        names + ["class"]
    assert page.eval_on_selector_all("#target option", "els => els.map(e => e.value)") == \
        names + ["class"]
    assert page.eval_on_selector_all("#view-x option", "els => els.map(e => e.textContent)") == \
        names
    page.uncheck(f"#features input[value=\"{names[0]}\"]")  # the quote does not break it
    wait_for(page, "GN.info.features.length === 2")
    steps(page, 2)
    wait_for(page, "document.querySelectorAll('#confusion th').length > 0")
    headers = page.eval_on_selector_all("#confusion th", "els => els.map(e => e.textContent)")
    assert set(classes) <= set(headers)
    assert page.evaluate("document.querySelectorAll('img, i, b:not(#epoch):not(#steps)"
                         ":not(#lr-now):not(.lc b)').length") == 0
    assert page.evaluate("window.pwned") is None
    assert [c for c in console if "Content Security Policy" in c] == []


def test_a_shared_link_cannot_put_markup_into_the_page(browser, base):
    import json
    import urllib.parse

    state = {"data": {"source": "builtin", "name": XSS},
             "split": {"validation": 0.2, "method": XSS},
             "spec": {"hidden": [{"units": XSS, "activation": XSS}, 3, None], "loss": XSS},
             "view": {"x": XSS, "y": 1}, "lang": XSS, "__proto__": {"polluted": 1}}
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    console = []
    page.on("console", lambda m: console.append(m.text) if m.type == "error" else None)
    page.goto(base + "/#" + urllib.parse.quote(json.dumps(state)))
    wait_for(page, "window.GN && GN.session && "
                           "!document.getElementById('error').hidden")
    assert "setup.data.name must be one of" in page.text_content("#error")
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert page.evaluate("window.pwned") is None
    assert page.evaluate("({}).polluted") is None
    # the layer boxes show the link's text as text
    assert XSS in page.eval_on_selector_all(".lc b", "els => els.map(e => e.textContent)")
    page.close()


def test_the_page_loads_without_csp_violations_or_missing_files(browser, base):
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    problems = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("response", lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400
            else None)
    page.goto(base + "/")
    wait_for(page, "window.GN && GN.info && GN.frame && GN.frame.network")
    page.click("#play")
    wait_for(page, "GN.frame.epoch >= 2")
    page.click("#play")
    page.wait_for_timeout(300)
    assert problems == []
    page.close()


def test_network_labels_are_whole_and_inside_the_drawing(page, tmp_path):
    """Issue 28: "ク質(" and "あきた" were all the page showed of タンパク質(g) and
    あきたこまち. Every label the network drawing writes is recorded with its box."""
    rng = np.random.default_rng(5)
    lines = ["タンパク質(g),アミロース(%),品種"]
    for name, (p, a) in {"あきたこまち": (6.2, 17.5), "コシヒカリ": (6.0, 16.5),
                         "ひとめぼれ": (6.8, 19.0)}.items():
        lines += [f"{rng.normal(p, .3):.2f},{rng.normal(a, .8):.1f},{name}" for _ in range(20)]
    path = tmp_path / "米.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    page.set_input_files("#file", str(path))
    wait_for(page, "GN.info && GN.info.target === '品種'")
    wait_frame(page, "f.step === 0")
    page.evaluate("document.fonts.ready")
    page.evaluate("""(() => {
        var canvas = document.getElementById('net'), ctx = canvas.getContext('2d');
        window.drawn = [];
        var fill = ctx.fillText;
        ctx.fillText = function (text, x, y) {
          var width = ctx.measureText(text).width, align = ctx.textAlign;
          var left = align === 'right' ? x - width : align === 'center' ? x - width / 2 : x;
          window.drawn.push([String(text), left, left + width, canvas.clientWidth]);
          return fill.apply(ctx, arguments);
        };
    })()""")
    page.set_viewport_size({"width": 1399, "height": 1000})  # a resize redraws
    page.wait_for_timeout(300)
    steps(page, 1)
    drawn = page.evaluate("window.drawn")
    texts = {t for t, *_ in drawn}
    assert {"タンパク質(g)", "アミロース(%)", "あきたこまち", "コシヒカリ", "ひとめぼれ"} <= texts
    for text, left, right, width in drawn:
        assert left >= 0 and right <= width + 0.5, f"{text!r} drawn from {left} to {right}"


def test_a_price_sheet_ticks_the_inputs_the_command_line_takes(page, tmp_path):
    """番号 (an ID) unticked, 区 (text) ticked, and the "4,719" price column a number target."""
    from .test_price_sheet import price_sheet

    path = tmp_path / "価格.csv"
    price_sheet(path, n=120, blank=0.0)
    page.set_input_files("#file", str(path))
    wait_for(page, "GN.info && GN.info.target === '価格(万円)'")
    ticked = page.evaluate("Array.from(document.querySelectorAll('#features input'))"
                           ".filter(b => b.checked).map(b => b.value)")
    assert ticked == ["面積(m2)", "築年数", "駅徒歩(分)", "区"]
    wait_for(page, "GN.info.features.length === 7")  # 3 numbers and 4 wards
    assert page.evaluate("GN.info.classes") in (None, [])
    page.screenshot(path=os.path.join(os.environ.get("GLASSNET_SCREENSHOTS", str(tmp_path)),
                                      "price-sheet.png"))
