/*
 * Switchboard chat widget: one tag on any page.
 *
 *   <script src="http://HOST:PORT/widget.js" data-queue="sales" data-server="http://HOST:PORT"></script>
 *
 * It speaks the JSON protocol of docs/web-protocol.md over a WebSocket to data-server's /ws.
 * The session token is kept in localStorage, so a reload, a closed tab or a dropped connection
 * resumes the same chat; messages not yet confirmed are kept too and sent again (the server keeps
 * each message id once). Visitor and agent text is only ever put on the page as textContent.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__switchboardWidget) { return; }
  window.__switchboardWidget = true;

  var queue = script.getAttribute("data-queue") || "";
  var server = (script.getAttribute("data-server") || new URL(script.src, location.href).origin).replace(/\/+$/, "");
  var socketURL = server.replace(/^http/, "ws") + "/ws";
  var storageKey = "switchboard:" + server + ":" + queue;

  // --- Stored state: token, visitor details, messages not yet confirmed -------------------------
  function load() {
    try { return JSON.parse(localStorage.getItem(storageKey)) || {}; } catch (e) { return {}; }
  }
  var stored = load();
  stored.pending = stored.pending || [];
  function save() {
    try { localStorage.setItem(storageKey, JSON.stringify(stored)); } catch (e) { /* private mode: the chat still works until reload */ }
  }

  // --- DOM ------------------------------------------------------------------------------------
  var link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = server + "/widget.css";
  document.head.appendChild(link);

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function field(tag, className, placeholder, type) {
    var node = element(tag, className);
    node.placeholder = placeholder;
    if (type) { node.type = type; }
    return node;
  }

  var root = element("div");
  root.id = "sb-widget";
  var launcher = element("button", "sb-launcher", "Chat with us");
  launcher.type = "button";
  var badge = element("span", "sb-badge", "0");
  badge.hidden = true;
  launcher.appendChild(badge);

  var panel = element("div", "sb-panel");
  panel.hidden = true;
  var header = element("div", "sb-header");
  var title = element("span", "sb-title", "Chat");
  var endButton = element("button", "sb-end", "End chat");
  endButton.type = "button";
  var minimise = element("button", "sb-minimise", "\u2013");
  minimise.type = "button";
  minimise.setAttribute("aria-label", "Minimise chat");
  header.appendChild(title);
  header.appendChild(endButton);
  header.appendChild(minimise);
  var status = element("div", "sb-status", "Connecting\u2026");
  status.setAttribute("role", "status");
  var log = element("div", "sb-log");
  log.setAttribute("aria-live", "polite");
  var typing = element("div", "sb-typing");
  typing.hidden = true;

  var detailsForm = element("form", "sb-details");
  detailsForm.hidden = true;
  detailsForm.appendChild(element("p", "sb-note", "Before we start, tell us who you are."));
  var nameInput = field("input", "sb-name", "Your name");
  var emailInput = field("input", "sb-email", "Your e-mail", "email");
  detailsForm.appendChild(nameInput);
  detailsForm.appendChild(emailInput);
  detailsForm.appendChild(element("button", "sb-start", "Start chat"));

  var offlineForm = element("form", "sb-offline");
  offlineForm.hidden = true;
  offlineForm.appendChild(element("p", "sb-note", "Nobody can answer right now. Leave us a message and we will get back to you."));
  var offlineName = field("input", "sb-offline-name", "Your name");
  var offlineEmail = field("input", "sb-offline-email", "Your e-mail", "email");
  var offlineText = field("textarea", "sb-offline-text", "Your message");
  offlineForm.appendChild(offlineName);
  offlineForm.appendChild(offlineEmail);
  offlineForm.appendChild(offlineText);
  offlineForm.appendChild(element("button", "sb-offline-send", "Leave a message"));

  // After a close, when the queue asks for ratings: five stars and an optional comment.
  var ratingForm = element("form", "sb-rating");
  ratingForm.hidden = true;
  ratingForm.appendChild(element("p", "sb-note", "How was this chat?"));
  var stars = element("div", "sb-stars");
  var starButtons = [1, 2, 3, 4, 5].map(function (score) {
    var star = element("button", "sb-star", "\u2605");
    star.type = "button";
    star.setAttribute("data-score", String(score));
    star.setAttribute("aria-label", score + (score === 1 ? " star" : " stars"));
    stars.appendChild(star);
    return star;
  });
  ratingForm.appendChild(stars);
  var ratingComment = field("input", "sb-rating-comment", "A comment (optional)");
  ratingComment.maxLength = 500;
  ratingForm.appendChild(ratingComment);

  var composer = element("form", "sb-composer");
  var row = element("div", "sb-row");
  var input = field("textarea", "sb-input", "Type your message\u2026");
  input.maxLength = 4000;
  var send = element("button", "sb-send", "Send");
  // Attach: shown when the session allows files; the file goes by POST /upload, then its id in a message.
  var attachButton = element("button", "sb-attach", "\uD83D\uDCCE");
  attachButton.type = "button";
  attachButton.title = "Attach a file";
  attachButton.hidden = true;
  var fileInput = document.createElement("input");
  fileInput.type = "file";
  fileInput.className = "sb-file-input";
  fileInput.hidden = true;
  row.appendChild(attachButton);
  row.appendChild(fileInput);
  row.appendChild(input);
  row.appendChild(send);
  composer.appendChild(row);

  // "Download transcript" once a chat ended: a form posts the token (never in a URL), and the
  // server answers with the text as a file to save (Content-Disposition: attachment).
  var transcriptForm = element("form", "sb-transcript");
  transcriptForm.method = "POST";
  transcriptForm.action = server + "/transcript";
  transcriptForm.hidden = true;
  var transcriptToken = element("input");
  transcriptToken.type = "hidden";
  transcriptToken.name = "token";
  transcriptForm.appendChild(transcriptToken);
  transcriptForm.appendChild(element("button", "sb-transcript-download", "Download transcript"));
  transcriptForm.addEventListener("submit", function () { transcriptToken.value = stored.token || ""; });

  [header, status, log, typing, detailsForm, offlineForm, ratingForm, composer, transcriptForm].forEach(function (n) { panel.appendChild(n); });
  root.appendChild(panel);
  root.appendChild(launcher);

  function attach() { document.body.appendChild(root); }
  if (document.body) { attach(); } else { document.addEventListener("DOMContentLoaded", attach); }

  // --- Showing things -------------------------------------------------------------------------
  var open = false;
  var unread = 0;
  var session = null;      // the server's "session" frame
  var chat = null;         // the chat shown, and the last seq of it on screen
  var lastSeq = -1;
  var state = "none";      // none | queued | active | closed
  var agentName = "The agent";
  var ratable = null;      // the closed chat the visitor may rate (the "closed" frame's `rate`)
  var waitedOut = false;   // the wait ran out: offer the message form

  function scroll() { log.scrollTop = log.scrollHeight; }

  function systemLine(text) {
    if (!text) { return; }
    log.appendChild(element("div", "sb-line sb-system", text));
    scroll();
  }

  function setOpen(value) {
    open = value;
    panel.hidden = !open;
    launcher.hidden = open;
    root.classList.toggle("sb-open", open);
    if (open) { unread = 0; badge.hidden = true; input.focus(); scroll(); }
  }
  launcher.addEventListener("click", function () { setOpen(true); });
  minimise.addEventListener("click", function () { setOpen(false); });

  function chime() {
    header.classList.remove("sb-flash");
    void header.offsetWidth;  // restart the animation
    header.classList.add("sb-flash");
    try {
      var Audio = window.AudioContext || window.webkitAudioContext;
      if (!Audio) { return; }
      var context = chime.context || (chime.context = new Audio());
      var tone = context.createOscillator();
      var gain = context.createGain();
      tone.frequency.value = 880;
      gain.gain.setValueAtTime(0.08, context.currentTime);
      gain.gain.exponentialRampToValueAtTime(0.0001, context.currentTime + 0.3);
      tone.connect(gain);
      gain.connect(context.destination);
      tone.start();
      tone.stop(context.currentTime + 0.3);
    } catch (e) { /* no sound allowed yet: the flash and the badge remain */ }
  }

  function agentReplied() {
    if (!open) {
      unread += 1;
      badge.textContent = String(unread);
      badge.hidden = false;
    }
    chime();
  }

  function showLine(frame) {
    if (frame.chat !== chat) {
      if (chat !== null) { systemLine("A new chat begins."); }
      chat = frame.chat;
      lastSeq = -1;
    }
    if (frame.seq <= lastSeq) { return; }
    lastSeq = frame.seq;
    // A correction (XEP-0308 from the agent's client) changes the line it names, marked edited.
    var corrected = frame.replaces ? lineByRef(frame.replaces) : null;
    if (corrected) {
      corrected.querySelector(".sb-text").textContent = frame.text;
      corrected.classList.add("sb-edited");
      if (frame.ref) { corrected.setAttribute("data-ref", frame.ref); }
      if (frame.from === "agent" && !frame.replay) { agentReplied(); }
      return;
    }
    // The visitor's own line is already on screen where they wrote it (above the welcome that
    // answered it): it takes its place in the transcript there instead of coming again below.
    // A file they sent shows as "📎 NAME" until then.
    var file = frame.attachment && /^https?:\/\//i.test(frame.attachment.url) ? frame.attachment : null;
    if (frame.from !== "agent") {
      var own = Array.prototype.find.call(log.querySelectorAll(".sb-sent, .sb-pending"), function (n) {
        return n.textContent === frame.text || (file !== null && n.textContent === "\uD83D\uDCCE " + file.name);
      });
      if (own) {
        var id = own.getAttribute("data-id");
        stored.pending = stored.pending.filter(function (m) { return m.id !== id; });
        save();
        own.className = "sb-line sb-visitor";
        own.removeAttribute("data-id");
        own.setAttribute("data-seq", String(frame.seq));
        if (frame.ref) { own.setAttribute("data-ref", frame.ref); }
        own.textContent = "";
        own.appendChild(element("span", "sb-text", file ? "" : frame.text));
        if (file) { own.appendChild(fileLink(file)); }
        if (frame.ref && frame.ref === seenEarly) { markSeen(own); }
        return;
      }
    }
    var line = element("div", "sb-line " + (frame.from === "agent" ? "sb-agent" : "sb-visitor"));
    line.setAttribute("data-seq", String(frame.seq));
    if (frame.ref) { line.setAttribute("data-ref", frame.ref); }
    if (frame.from === "agent") {
      line.appendChild(element("span", "sb-who", frame.agent || "Agent"));
      typing.hidden = true;
    }
    // A file: a link (the server relays only http and https URLs, checked again here), which
    // stands for a text that is only its URL (what XMPP clients send beside it).
    line.appendChild(element("span", "sb-text", file && (frame.text || "").trim() === file.url ? "" : frame.text));
    if (file) { line.appendChild(fileLink(file)); }
    log.appendChild(line);
    if (frame.ref && frame.ref === seenEarly) { markSeen(line); }
    scroll();
    if (frame.from === "agent" && !frame.replay) { agentReplied(); }
  }

  // An image (by its type, raster kinds only) shows as a thumbnail inside its link, sized by the
  // stylesheet; it is fetched without a referrer, and if it cannot load the name stays instead.
  // Anything else is a link by its name.
  function fileLink(attachment) {
    var link = element("a", "sb-file", attachment.name || "file");
    link.href = attachment.url;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    if (/^image\/(png|jpeg|gif|webp)$/.test(attachment.type || "")) {
      var image = document.createElement("img");
      image.className = "sb-thumb";
      image.alt = attachment.name || "image";
      image.referrerPolicy = "no-referrer";
      image.loading = "lazy";
      image.decoding = "async";
      image.addEventListener("error", function () { image.remove(); });
      image.addEventListener("load", scroll);
      image.src = attachment.url;
      link.insertBefore(image, link.firstChild);
    }
    return link;
  }

  // "Seen" under the latest line the agent saw only.
  function markSeen(line) {
    Array.prototype.forEach.call(log.querySelectorAll(".sb-seen"), function (n) { n.classList.remove("sb-seen"); });
    line.classList.add("sb-seen");
    seenEarly = null;
  }

  // A line's ref the agent saw before the line's transcript copy came.
  var seenEarly = null;

  function lineByRef(ref) {
    var lines = log.querySelectorAll(".sb-line[data-ref]");
    for (var i = 0; i < lines.length; i++) { if (lines[i].getAttribute("data-ref") === ref) { return lines[i]; } }
    return null;
  }

  function showPending() {
    Array.prototype.forEach.call(log.querySelectorAll(".sb-pending"), function (n) { n.remove(); });
    stored.pending.forEach(function (message) {
      var line = element("div", "sb-line sb-visitor sb-pending", message.upload ? "\uD83D\uDCCE " + message.name : message.text);
      line.setAttribute("data-id", message.id);
      log.appendChild(line);
    });
    scroll();
  }

  function minutes(seconds) {
    if (typeof seconds !== "number") { return "a few minutes"; }  // the queue has no recent history
    var m = Math.max(1, Math.round(seconds / 60));
    return m === 1 ? "about a minute" : "about " + m + " minutes";
  }

  function showForms() {
    var needDetails = session && (session.form.name && !stored.name || session.form.email && !stored.email);
    var offline = session && (!session.online || waitedOut) && (state === "none" || state === "closed") && stored.pending.length === 0;
    detailsForm.hidden = !needDetails || offline;
    offlineForm.hidden = !offline || stored.leftMessage === true;
    composer.hidden = !detailsForm.hidden || !offlineForm.hidden;
    ratingForm.hidden = !ratable || state !== "closed";
    endButton.hidden = state !== "queued" && state !== "active";
  }

  // --- The connection -------------------------------------------------------------------------
  var socket = null;
  var retries = 0;

  function sendFrame(frame) {
    if (socket && socket.readyState === WebSocket.OPEN && session) {
      socket.send(JSON.stringify(frame));
      return true;
    }
    return false;
  }

  function flushPending() {
    stored.pending.forEach(function (message) {
      var frame = { type: "message", id: message.id, text: message.text };
      if (message.upload) { frame.upload = message.upload; }
      sendFrame(frame);
    });
  }

  function connect() {
    session = null;
    socket = new WebSocket(socketURL);
    socket.onopen = function () {
      var hello = { type: "hello", queue: queue };
      if (stored.token) { hello.token = stored.token; }
      if (chat !== null) { hello.chat = chat; hello.after = lastSeq; }
      if (stored.name) { hello.name = stored.name; }
      if (stored.email) { hello.email = stored.email; }
      socket.send(JSON.stringify(hello));
    };
    socket.onmessage = function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      receive(frame);
    };
    socket.onclose = function () {
      socket = null;
      session = null;
      status.textContent = "Reconnecting\u2026";
      var delay = Math.min(10000, 500 * Math.pow(2, retries));
      retries += 1;
      setTimeout(connect, delay);
    };
  }

  function receive(frame) {
    switch (frame.type) {
    case "session":
      retries = 0;
      session = frame;
      stored.token = frame.token;
      save();
      title.textContent = frame.title || "Chat";
      attachButton.hidden = !frame.uploads;
      if (frame.uploads) { fileInput.accept = frame.uploads.types.join(","); }
      if (state === "none") { status.textContent = frame.online ? "Ask us anything." : "We are away right now."; }
      flushPending();
      break;
    case "message":
      showLine(frame);
      showPending();
      break;
    case "seen":
      var seen = lineByRef(frame.ref);
      // The agent may see a line before its transcript copy (which carries its ref) reaches this
      // page: the mark waits for it (see showLine).
      if (seen) { markSeen(seen); } else { seenEarly = frame.ref; }
      break;
    case "received":
      stored.pending = stored.pending.filter(function (m) { return m.id !== frame.id; });
      save();
      // Kept where it is until its transcript line comes (see showLine); no longer pending.
      Array.prototype.forEach.call(log.querySelectorAll(".sb-pending"), function (n) {
        if (n.getAttribute("data-id") === frame.id) { n.className = "sb-line sb-visitor sb-sent"; }
      });
      showPending();
      break;
    case "queued":
      state = "queued";
      waitedOut = false;
      transcriptForm.hidden = true;
      status.textContent = frame.position <= 1
        ? "You are next in line (" + minutes(frame.eta) + ")."
        : "You are number " + frame.position + " in line (" + minutes(frame.eta) + ").";
      systemLine(frame.text);
      break;
    case "assigned":
      state = "active";
      transcriptForm.hidden = true;
      agentName = frame.agent || agentName;
      status.textContent = "You are chatting with " + agentName + ".";
      systemLine(frame.text);
      break;
    case "typing":
      typing.textContent = agentName + " is typing\u2026";
      typing.hidden = frame.state !== "composing";
      break;
    case "notice":
      systemLine(frame.text);
      break;
    case "closed":
      var wasOpen = state !== "closed";
      state = "closed";
      typing.hidden = true;
      status.textContent = "This chat has ended. Write again to start a new one.";
      transcriptForm.hidden = !stored.token;
      if (wasOpen) { systemLine(frame.text); }
      ratable = frame.rate || null;
      if (frame.offline) { waitedOut = true; stored.leftMessage = false; }
      break;
    case "rated":
      ratable = null;
      systemLine("Thank you for your rating!");
      break;
    case "error":
      if (frame.code === "invalid-token") {
        delete stored.token;
        save();
        chat = null;
        lastSeq = -1;
        if (socket) { socket.close(); }
      } else {
        systemLine("\u26a0 " + frame.message);
      }
      break;
    }
    showForms();
  }

  // --- Visitor input --------------------------------------------------------------------------
  var typingSent = 0;
  var pauseTimer = null;

  input.addEventListener("input", function () {
    var now = Date.now();
    if (now - typingSent > 3000) {
      typingSent = now;
      sendFrame({ type: "typing", state: "composing" });
    }
    clearTimeout(pauseTimer);
    pauseTimer = setTimeout(function () { typingSent = 0; sendFrame({ type: "typing", state: "paused" }); }, 4000);
  });

  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      composer.requestSubmit ? composer.requestSubmit() : submit();
    }
  });

  function submit() {
    var text = input.value.trim();
    if (!text) { return; }
    input.value = "";
    clearTimeout(pauseTimer);
    typingSent = 0;
    var message = { id: "m-" + Date.now().toString(36) + "-" + Math.random().toString(36).slice(2, 10), text: text };
    stored.pending.push(message);
    save();
    showPending();
    sendFrame({ type: "message", id: message.id, text: message.text });
  }
  composer.addEventListener("submit", function (event) { event.preventDefault(); submit(); });

  attachButton.addEventListener("click", function () { fileInput.click(); });
  fileInput.addEventListener("change", function () {
    var file = fileInput.files && fileInput.files[0];
    fileInput.value = "";
    if (!file || !session) { return; }
    if (session.uploads && file.size > session.uploads.max_bytes) {
      systemLine("That file is too large to send.");
      return;
    }
    fetch(server + "/upload?name=" + encodeURIComponent(file.name), {
      method: "POST", headers: { "Authorization": "Bearer " + stored.token }, body: file
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (!response.ok) { throw new Error(answer.message || "The file could not be sent."); }
        return answer;
      });
    }).then(function (answer) {
      var message = { id: "f-" + answer.id, text: "", upload: answer.id, name: answer.name };
      stored.pending.push(message);
      save();
      showPending();
      sendFrame({ type: "message", id: message.id, text: "", upload: answer.id });
    }).catch(function (error) { systemLine(error.message); });
  });

  detailsForm.addEventListener("submit", function (event) {
    event.preventDefault();
    stored.name = nameInput.value.trim();
    stored.email = emailInput.value.trim();
    save();
    showForms();
    if (socket) { socket.close(); }  // say hello again with the details
  });

  offlineForm.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = offlineText.value.trim();
    if (!text) { return; }
    if (sendFrame({ type: "offline", name: offlineName.value.trim(), email: offlineEmail.value.trim(), text: text })) {
      stored.leftMessage = true;
      save();
      offlineText.value = "";
      showForms();
    }
  });

  starButtons.forEach(function (star) {
    star.addEventListener("click", function () {
      if (!ratable) { return; }
      var score = Number(star.getAttribute("data-score"));
      starButtons.forEach(function (s, i) { s.classList.toggle("sb-star-on", i < score); });
      sendFrame({ type: "rating", chat: ratable, score: score, comment: ratingComment.value.trim() });
    });
  });
  ratingForm.addEventListener("submit", function (event) { event.preventDefault(); });

  // One id per chat: a click again (no goodbye came) ends nothing more, even handled late.
  endButton.addEventListener("click", function () {
    sendFrame(chat !== null ? { type: "end", id: "end-" + chat } : { type: "end" });
  });

  showPending();
  connect();
})();
