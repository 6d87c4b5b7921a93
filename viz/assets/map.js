/* mvkg map: draws the network with vis-network and shows tooltips.
 *
 * Safety: names and sentences come from news and registries. Nothing from the data is ever
 * parsed as HTML here: the tooltip is built with createElement and textContent, and a link is
 * made only for an absolute http(s) URL. Nodes and edges carry no `title`, so vis-network's
 * own tooltip (which would use innerHTML) never runs.
 *
 * Hooks for tests: window.mvkgNetwork (the vis Network), window.mvkgReady (true once drawn),
 * window.mvkgShowTooltip(id, "node" | "edge") and window.mvkgHideTooltip().
 */
(function () {
  "use strict";

  function read(id) {
    return JSON.parse(document.getElementById(id).textContent);
  }

  var config = read("mvkg-config");
  var details = config.details || { nodes: {}, edges: {} };
  var container = document.getElementById("mvkg-network");
  var tooltip = document.getElementById("mvkg-tooltip");
  var nodes = new vis.DataSet(read("mvkg-nodes"));
  var edges = new vis.DataSet(read("mvkg-edges"));
  var physicsOn = Boolean(config.options.physics && config.options.physics.enabled);
  // Without physics (or without nodes to move) the first drawing is the final one.
  var settled = !physicsOn || nodes.length === 0;
  var pinned = false;

  window.mvkgReady = false;
  // Created empty so the listeners below are in place before the first drawing.
  var network = new vis.Network(container, { nodes: [], edges: [] }, config.options);
  window.mvkgNetwork = network;

  function markReady() {
    if (settled && !window.mvkgReady) {
      window.mvkgReady = true;
      document.body.setAttribute("data-mvkg-ready", "true");
    }
  }
  network.on("afterDrawing", markReady);
  network.on("stabilizationIterationsDone", function () {
    settled = true;
    network.redraw();
  });
  network.on("stabilized", function () {
    settled = true;
    markReady();
  });
  network.on("beforeDrawing", drawBackdrop);
  network.on("afterDrawing", drawPlaceNames);

  // ------------------------------------------------------------------ the backdrop (maps)

  function drawBackdrop(ctx) {
    var back = config.backdrop || {};
    ctx.save();
    if (back.strait) {
      var s = back.strait;
      ctx.fillStyle = "rgba(110, 165, 215, 0.16)";
      ctx.fillRect(s.x0, s.y0, s.x1 - s.x0, s.y1 - s.y0);
    }
    ctx.textAlign = "center";
    ctx.textBaseline = "bottom";
    (back.titles || []).forEach(function (t) {
      ctx.font = "bold " + (t.size || 64) + "px system-ui, sans-serif";
      ctx.fillStyle = "rgba(70, 70, 70, 0.28)";
      ctx.fillText(String(t.text), t.x, t.y);
    });
    ctx.restore();
  }

  // Place names go on top of the nodes, with a white halo, so a crowded city never hides them.
  function drawPlaceNames(ctx) {
    var labels = (config.backdrop || {}).labels || [];
    ctx.save();
    ctx.textAlign = "center";
    ctx.textBaseline = "bottom";
    ctx.lineJoin = "round";
    labels.forEach(function (l) {
      var size = l.size || 18;
      ctx.font = "600 " + size + "px system-ui, sans-serif";
      ctx.lineWidth = size / 4;
      ctx.strokeStyle = "rgba(255, 255, 255, 0.9)";
      ctx.strokeText(String(l.text), l.x, l.y);
      ctx.fillStyle = "rgba(30, 30, 30, 0.85)";
      ctx.fillText(String(l.text), l.x, l.y);
    });
    ctx.restore();
  }

  // ------------------------------------------------------------------ building the tooltip

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function safeUrl(value) {
    if (typeof value !== "string") return null;
    try {
      var url = new URL(value);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  function link(url, text) {
    var href = safeUrl(url);
    if (!href) return el("span", null, text);
    var a = el("a", null, text);
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }

  function row(label, value) {
    var line = el("div", "mvkg-row");
    line.appendChild(el("span", "mvkg-key", label));
    var cell = el("span", "mvkg-val");
    if (value instanceof Node) cell.appendChild(value);
    else cell.textContent = String(value);
    line.appendChild(cell);
    return line;
  }

  function pairs(list) {
    return (list || []).map(function (p) { return p[0] + " " + p[1]; }).join(", ");
  }

  function nodeContent(info) {
    var box = el("div");
    box.appendChild(el("div", "mvkg-name", info.name));
    if (info.t === "group") {
      box.appendChild(el("div", "mvkg-sub", "group of organisations (" + info.how + ")"));
      box.appendChild(row("organisations", info.members));
      if (info.internal) box.appendChild(row("links inside", info.internal));
      if (info.countries) box.appendChild(row("countries", pairs(info.countries)));
      if (info.kinds) box.appendChild(row("kinds", pairs(info.kinds)));
      if (info.top) {
        box.appendChild(el("div", "mvkg-sub", "Leading members"));
        var list = el("ul");
        info.top.forEach(function (name) { list.appendChild(el("li", null, name)); });
        if (info.more) list.appendChild(el("li", null, "and " + info.more + " more"));
        box.appendChild(list);
      }
      return box;
    }
    box.appendChild(el("div", "mvkg-sub", info.kind + " · " + info.where));
    (info.ids || []).forEach(function (p) { box.appendChild(row(p[0], p[1])); });
    if (info.website) box.appendChild(row("website", link(info.website, info.website)));
    if (info.topics) box.appendChild(row("topics", info.topics.join(", ")));
    (info.measures || []).forEach(function (p) { box.appendChild(row(p[0], p[1])); });
    box.appendChild(row("id", info.id));
    return box;
  }

  function edgeContent(info) {
    var box = el("div");
    box.appendChild(el("div", "mvkg-name", info.a + " — " + info.b));
    if (info.cross) box.appendChild(el("span", "mvkg-badge", "across the Øresund"));
    if (info.t === "group") {
      box.appendChild(row("links", info.links));
      if (info.cross) box.appendChild(row("Denmark–Sweden", info.cross));
      if (info.types) box.appendChild(row("types", pairs(info.types)));
      return box;
    }
    if (info.types) box.appendChild(row("types", info.types.join(", ")));
    if (info.layers) box.appendChild(row("evidence from", info.layers.join(", ")));
    if (info.direction) box.appendChild(row("direction", info.direction));
    if (info.first || info.last) {
      var dates = info.first === info.last ? info.first : (info.first || "?") + " – " + (info.last || "?");
      box.appendChild(row("dates", dates));
    }
    box.appendChild(row("reasons", info.reasons || info.weight || 1));
    if (info.confidence !== undefined) box.appendChild(row("confidence", info.confidence));
    (info.evidence || []).forEach(function (item) { box.appendChild(evidence(item)); });
    var shown = (info.evidence || []).length;
    if (info.reasons && info.reasons > shown && shown) {
      box.appendChild(el("div", "mvkg-meta", "Newest evidence shown; " + info.reasons + " reasons in all."));
    }
    return box;
  }

  function evidence(item) {
    var box = el("div", "mvkg-evidence");
    if (item.text) box.appendChild(el("div", "mvkg-quote", "“" + item.text + "”"));
    var meta = el("div", "mvkg-meta");
    var parts = [item.date, item.type, item.project].filter(Boolean);
    if (parts.length) meta.appendChild(document.createTextNode(parts.join(" · ") + " · "));
    meta.appendChild(link(item.url, item.url ? "source" : item.source || "source unknown"));
    if (item.url && item.source) meta.appendChild(document.createTextNode(" (" + item.source + ")"));
    box.appendChild(meta);
    return box;
  }

  // ------------------------------------------------------------------ showing it

  function position(pos) {
    var width = container.clientWidth;
    var height = container.clientHeight;
    var x = Math.min(pos.x + 14, Math.max(4, width - tooltip.offsetWidth - 4));
    var y = Math.min(pos.y + 14, Math.max(4, height - tooltip.offsetHeight - 4));
    tooltip.style.left = Math.max(4, x) + "px";
    tooltip.style.top = Math.max(4, y) + "px";
  }

  function show(kind, id, pos, pin) {
    var info = (kind === "edge" ? details.edges : details.nodes)[id];
    if (!info) return null;
    var content = kind === "edge" ? edgeContent(info) : nodeContent(info);
    while (tooltip.firstChild) tooltip.removeChild(tooltip.firstChild);
    if (pin) {
      var close = el("button", "mvkg-close", "×");
      close.type = "button";
      close.setAttribute("aria-label", "Close");
      close.addEventListener("click", hide);
      tooltip.appendChild(close);
    }
    tooltip.appendChild(content);
    tooltip.setAttribute("data-kind", kind);
    tooltip.setAttribute("data-id", String(id));
    tooltip.className = pin ? "mvkg-pinned" : "";
    tooltip.hidden = false;
    pinned = Boolean(pin);
    position(pos || { x: 10, y: 10 });
    return tooltip;
  }

  function hide() {
    pinned = false;
    tooltip.hidden = true;
    tooltip.className = "";
  }

  function nodeDom(id) {
    var at = network.getPositions([id])[id];
    return at ? network.canvasToDOM(at) : null;
  }

  function edgeDom(id) {
    var edge = edges.get(id);
    if (!edge) return null;
    var at = network.getPositions([edge.from, edge.to]);
    var a = at[edge.from];
    var b = at[edge.to];
    if (!a || !b) return null;
    return network.canvasToDOM({ x: (a.x + b.x) / 2, y: (a.y + b.y) / 2 });
  }

  network.on("hoverNode", function (p) {
    if (!pinned) show("node", p.node, p.pointer.DOM, false);
  });
  network.on("blurNode", function () {
    if (!pinned) hide();
  });
  network.on("hoverEdge", function (p) {
    if (!pinned) show("edge", p.edge, p.pointer.DOM, false);
  });
  network.on("blurEdge", function () {
    if (!pinned) hide();
  });
  network.on("click", function (p) {
    if (p.nodes.length) show("node", p.nodes[0], p.pointer.DOM, true);
    else if (p.edges.length) show("edge", p.edges[0], p.pointer.DOM, true);
    else hide();
  });
  network.on("dragStart", function () {
    if (!pinned) hide();
  });
  network.on("zoom", function () {
    if (!pinned) hide();
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape") hide();
  });

  window.mvkgShowTooltip = function (id, kind) {
    kind = kind === "edge" ? "edge" : "node";
    var known = id !== undefined && id !== null && (kind === "edge" ? edges : nodes).get(id);
    if (!known) return null;
    if (kind === "node") network.selectNodes([id]);
    else network.selectEdges([id]);
    return show(kind, id, kind === "node" ? nodeDom(id) : edgeDom(id), true);
  };
  window.mvkgHideTooltip = hide;

  network.setData({ nodes: nodes, edges: edges });
  if (!physicsOn) {
    network.fit({ animation: false });
    network.redraw();
  }
})();
