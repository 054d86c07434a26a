/* The editor assistant: an "AI" button beside the page editor's text fields and a side panel.
 *
 * Progressive enhancement: without this script the editor works as Wagtail's.
 * The panel's markup and sentences come from the server (templates/ai/assistant/editor.html),
 * in the person's language. Model text is only ever set as text (textContent, input values,
 * a paste into the rich text editor): never as HTML markup.
 *
 * Events from POST stream/ (server-sent events): start, token, done, error; each carries
 * the candidate number. Stop aborts the request and asks the server to stop the model.
 */
(function () {
  "use strict";

  var configElement = document.getElementById("cimaise-ai-config");
  var stringsElement = document.getElementById("cimaise-ai-strings");
  var template = document.getElementById("cimaise-ai-template");
  var route = window.location.pathname.match(/\/pages\/(\d+)\/edit\/|\/pages\/add\/[\w-]+\/[\w-]+\/(\d+)\//);
  var pageForm = document.querySelector("form[data-edit-form]");
  if (!configElement || !stringsElement || !template || !route || !pageForm) {
    return;
  }
  var config = JSON.parse(configElement.textContent);
  var strings = JSON.parse(stringsElement.textContent);
  var pageId = route[1] || "";
  var parentId = route[2] || "";

  // Fields the assistant serves: model fields by name, alternative texts inside blocks, every rich text editor.
  var PLAIN_FIELDS = ["title", "intro", "seo_title", "search_description", "image_alt"];
  var BLOCK_FIELDS = ["alt_text"];
  var TITLE_FIELDS = ["title", "seo_title", "search_description"];

  var info = null; // what GET model/ said: model label, actions, networks, languages
  var panel = null;
  var current = null; // {element, kind: "plain"|"rich", path, label, trigger}
  var running = null; // {controller, token}
  var resultTemplate = null;

  function format(text, values) {
    return String(text).replace(/%\((\w+)\)s/g, function (_match, name) {
      return values && values[name] !== undefined ? values[name] : "";
    });
  }

  function csrfToken() {
    var input = pageForm.querySelector("input[name=csrfmiddlewaretoken]") ||
      document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) {
      return input.value;
    }
    var cookie = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return cookie ? decodeURIComponent(cookie[1]) : "";
  }

  function randomToken() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (byte) {
      return ("0" + byte.toString(16)).slice(-2);
    }).join("");
  }

  function post(url, data, options) {
    var body = new FormData();
    Object.keys(data).forEach(function (key) {
      body.append(key, data[key]);
    });
    return fetch(url, Object.assign({
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: {"X-CSRFToken": csrfToken(), "X-Requested-With": "XMLHttpRequest"}
    }, options || {}));
  }

  function revisionId() {
    var overwrite = pageForm.querySelector("input[name=overwrite_revision_id]");
    var loaded = pageForm.querySelector("input[name=loaded_revision_id]");
    return (overwrite && overwrite.value) || (loaded && loaded.value) || "";
  }

  // --- fields ---------------------------------------------------------------------------------

  function streamChild(element) {
    return element.closest("[data-streamfield-child]");
  }

  /* The ledger's name for a field: "intro", or "body/<block id>" and "body/<block id>/alt_text" in a StreamField. */
  function fieldPath(input) {
    var name = input.name || "";
    var child = streamChild(input);
    if (!child || name.indexOf("-") === -1) {
      return name;
    }
    var path = name.split("-")[0] + "/" + child.getAttribute("data-contentpath");
    var inner = name.match(/-value-([a-z_][a-z0-9_]*)$/);
    return inner ? path + "/" + inner[1] : path;
  }

  function labelFor(input, kind) {
    var label = input.id ? document.querySelector('label[for="' + input.id + '"]') : null;
    var text = label ? label.textContent.replace(/\*/g, "").trim() : "";
    var child = streamChild(input);
    var blockType = child ? child.querySelector(".c-sf-block__type") : null;
    var parts = [];
    if (blockType) {
      parts.push(blockType.textContent.trim());
    }
    if (text && parts.indexOf(text) === -1) {
      parts.push(text);
    }
    if (!parts.length) {
      var key = (input.name || "").split("-").pop();
      parts.push(strings.pageFieldLabels[key] || (kind === "rich" ? strings.richText : input.name));
    }
    return parts.join(" › ");
  }

  function richInput(editor) {
    var wrapper = editor.closest(".Draftail-Editor__wrapper");
    var previous = wrapper ? wrapper.previousElementSibling : null;
    if (previous && previous.tagName === "INPUT") {
      return previous;
    }
    var holder = wrapper ? wrapper.parentElement : null;
    return holder ? holder.querySelector("input[type=hidden]") : null;
  }

  function attach(element, kind, input) {
    if (element.hasAttribute("data-cimaise-ai")) {
      return;
    }
    element.setAttribute("data-cimaise-ai", kind);
    var trigger = template.content.querySelector("[data-cimaise-ai-trigger]").cloneNode(true);
    var field = {element: element, kind: kind, input: input, trigger: trigger};
    field.label = labelFor(input, kind);
    trigger.setAttribute("aria-label", format(strings.trigger, {field: field.label}));
    trigger.addEventListener("click", function () {
      field.path = fieldPath(input); // a block moved or renamed since: read it again
      openPanel(field);
    });
    var anchor = element.closest("[data-field-input]") || element.closest(".Draftail-Editor__wrapper") || element;
    anchor.insertAdjacentElement("afterend", trigger);
  }

  function scan(root) {
    if (!info) {
      return;
    }
    root.querySelectorAll("input[type=text], textarea").forEach(function (input) {
      var name = input.name || "";
      var last = name.split("-").pop();
      // A field may also ask for the assistant itself (data-ai-assist="<its usual action>"), e.g. an event's
      // social media post or the message of its reminders.
      if (PLAIN_FIELDS.indexOf(name) !== -1 || input.hasAttribute("data-ai-assist") ||
          (name.indexOf("-") !== -1 && BLOCK_FIELDS.indexOf(last) !== -1)) {
        attach(input, "plain", input);
      }
    });
    root.querySelectorAll(".Draftail-Editor").forEach(function (editor) {
      var input = richInput(editor);
      if (input && input.name) {
        attach(editor, "rich", input);
      }
    });
  }

  function fieldText(field) {
    if (field.kind === "rich") {
      var content = field.element.querySelector(".public-DraftEditor-content");
      return content ? content.innerText.replace(/\n{3,}/g, "\n\n").trim() : "";
    }
    return field.element.value.trim();
  }

  // --- putting text in a field ----------------------------------------------------------------

  function nextFrame() {
    return new Promise(function (resolve) {
      window.requestAnimationFrame(function () {
        window.setTimeout(resolve, 0);
      });
    });
  }

  function comparable(text) {
    return String(text).replace(/\s+/g, " ").trim();
  }

  function applyPlain(field, text, kind) {
    var input = field.element;
    var before = input.value.replace(/\s+$/, "");
    var separator = input.tagName === "TEXTAREA" ? "\n\n" : " ";
    input.value = kind === "replaced" || !before ? text : before + separator + text;
    input.dispatchEvent(new Event("input", {bubbles: true}));
    input.dispatchEvent(new Event("change", {bubbles: true}));
    return Promise.resolve(true);
  }

  function textNodes(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var nodes = [];
    while (walker.nextNode()) {
      if (walker.currentNode.parentElement.closest("[data-text]")) {
        nodes.push(walker.currentNode);
      }
    }
    return nodes;
  }

  function paragraphs(text) {
    return text.split(/\n/).map(function (part) {
      return part.trim();
    }).filter(Boolean);
  }

  function paragraphsHtml(lines) {
    return lines.map(function (line) {
      var holder = document.createElement("p");
      holder.textContent = line; // model text, as text
      return holder.outerHTML;
    }).join("");
  }

  /* Draftail (Draft.js) keeps its own model of the text: give it the answer as a paste, which it handles. */
  function applyRich(field, text, kind) {
    var content = field.element.querySelector(".public-DraftEditor-content");
    if (!content) {
      return Promise.resolve(false);
    }
    content.focus();
    var selection = window.getSelection();
    var range = document.createRange();
    var nodes = textNodes(content);
    var hasText = comparable(content.innerText) !== "";
    if (nodes.length) {
      var last = nodes[nodes.length - 1];
      range.setStart(kind === "replaced" ? nodes[0] : last, kind === "replaced" ? 0 : last.length);
      range.setEnd(last, last.length);
    } else {
      range.selectNodeContents(content);
    }
    selection.removeAllRanges();
    selection.addRange(range);
    return nextFrame().then(nextFrame).then(function () {
      var data = new DataTransfer();
      var lines = paragraphs(text);
      if (kind === "inserted" && hasText) {
        // Appended after the text already there, as new paragraphs: Draft.js starts a block at each line
        // of a plain-text paste (an empty first line ends the paragraph the caret is in).
        data.setData("text/plain", "\n" + lines.join("\n"));
      } else {
        data.setData("text/plain", lines.join("\n"));
        data.setData("text/html", paragraphsHtml(lines));
      }
      content.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true}));
      return nextFrame();
    }).then(nextFrame).then(function () {
      var after = comparable(content.innerText);
      var expected = comparable(text.split(/\n+/)[0]);
      return after.indexOf(expected) !== -1;
    });
  }

  function copyToClipboard(text) {
    if (navigator.clipboard && navigator.clipboard.writeText) {
      return navigator.clipboard.writeText(text).then(function () {
        return true;
      }, function () {
        return false;
      });
    }
    return Promise.resolve(false);
  }

  function markApplied(interaction) {
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = config.appliedInput;
    input.value = interaction;
    pageForm.appendChild(input);
  }

  // --- the panel ------------------------------------------------------------------------------

  function part(name) {
    return panel.querySelector("[data-" + name + "]");
  }

  function setStatus(message) {
    part("status").textContent = message || "";
  }

  function setError(message) {
    var error = part("error");
    error.textContent = message || "";
    error.hidden = !message;
  }

  function option(value, label, disabled) {
    var element = document.createElement("option");
    element.value = value;
    element.textContent = label;
    element.disabled = Boolean(disabled);
    return element;
  }

  function buildPanel() {
    panel = template.content.querySelector("[data-cimaise-ai-panel]").cloneNode(true);
    resultTemplate = template.content.querySelector("[data-result-template]");
    document.body.appendChild(panel);

    var select = part("action");
    var refused = {};
    info.actions.forEach(function (action) {
      select.appendChild(option(action.key, action.label, !action.allowed));
      if (!action.allowed) {
        (refused[action.reason] = refused[action.reason] || []).push(action.label);
      }
    });
    var policy = part("policy");
    var reasons = Object.keys(refused);
    if (reasons.length) {
      policy.textContent = reasons.map(function (reason) {
        return format(strings.notAllowed, {actions: refused[reason].join(", "), reason: reason});
      }).join(" ");
      policy.hidden = false;
    }
    info.networks.forEach(function (network) {
      part("network").appendChild(option(network.key, network.label));
    });
    info.languages.forEach(function (language) {
      part("language").appendChild(option(language.code, language.label));
    });
    var temperature = part("temperature");
    temperature.value = String(Math.min(Math.max(info.temperature, 0), 1.5));
    showTemperature();
    part("model").textContent = format(strings.model, {model: info.model});

    temperature.addEventListener("input", showTemperature);
    select.addEventListener("change", actionChanged);
    part("form").addEventListener("submit", function (event) {
      event.preventDefault();
      generate();
    });
    part("stop").addEventListener("click", stop);
    part("close").addEventListener("click", closePanel);
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        event.preventDefault();
        event.stopPropagation();
        closePanel();
      } else if (event.key === "Tab" && coversScreen()) {
        keepFocusInside(event);
      }
    });
    part("results").addEventListener("click", function (event) {
      var button = event.target.closest("[data-use]");
      if (button) {
        useResult(button.closest(".cimaise-ai-result"), button.getAttribute("data-use"));
      }
    });
  }

  /* On a phone the panel covers the page: Tab then cycles inside it, as in a modal dialog. */
  function coversScreen() {
    return panel.getBoundingClientRect().width >= window.innerWidth - 1;
  }

  function keepFocusInside(event) {
    var focusable = Array.prototype.filter.call(
      panel.querySelectorAll("button, select, textarea, input"),
      function (element) {
        return !element.disabled && element.offsetParent !== null && element.tabIndex >= 0;
      });
    if (!focusable.length) {
      return;
    }
    var first = focusable[0];
    var last = focusable[focusable.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  }

  function showTemperature() {
    part("temperature-value").textContent = Number(part("temperature").value).toFixed(1);
  }

  function allowed(key) {
    return info.actions.some(function (action) {
      return action.key === key && action.allowed;
    });
  }

  function defaultAction(field) {
    var name = field.path.split("/").pop();
    var asked = field.input && field.input.getAttribute("data-ai-assist");
    var wanted = asked ? asked
      : name === "image_alt" || name === "alt_text" ? "alt_text"
      : TITLE_FIELDS.indexOf(name) !== -1 ? "titles" : "rewrite";
    if (allowed(wanted)) {
      return wanted;
    }
    var first = info.actions.filter(function (action) {
      return action.allowed;
    })[0];
    return first ? first.key : info.actions[0].key;
  }

  function actionChanged() {
    var action = part("action").value;
    var text = part("text");
    var fromScratch = action === "draft" || action === "alt_text";
    part("text-label").textContent = action === "draft" ? strings.briefLabel
      : action === "alt_text" ? strings.describeLabel : strings.textLabel;
    part("text-help").textContent = action === "draft" ? strings.briefHelp
      : action === "alt_text" ? strings.describeHelp : strings.textHelp;
    if (fromScratch && text.value === current.text) {
      text.value = "";
    } else if (!fromScratch && !text.value.trim()) {
      text.value = current.text;
    }
    part("network-row").hidden = action !== "social";
    part("language-row").hidden = action !== "translate";
    part("generate").disabled = !allowed(action) || Boolean(running);
  }

  function openPanel(field) {
    if (!panel) {
      buildPanel();
    }
    if (current && current !== field) {
      current.trigger.setAttribute("aria-expanded", "false");
    }
    if (running && current !== field) {
      stop();
    }
    current = field;
    field.text = fieldText(field);
    part("field-label").textContent = field.label;
    part("text").value = field.text;
    part("action").value = defaultAction(field);
    var other = info.languages.filter(function (language) {
      return language.code !== info.language;
    })[0];
    if (other) {
      part("language").value = other.code;
    }
    part("results").textContent = "";
    setError("");
    setStatus("");
    actionChanged();
    panel.hidden = false;
    document.body.classList.add("cimaise-ai-open");
    field.trigger.setAttribute("aria-expanded", "true");
    part("action").focus();
  }

  function closePanel() {
    if (!panel || panel.hidden) {
      return;
    }
    if (running) {
      stop();
    }
    panel.hidden = true;
    document.body.classList.remove("cimaise-ai-open");
    if (current) {
      current.trigger.setAttribute("aria-expanded", "false");
      if (document.contains(current.trigger)) {
        current.trigger.focus();
      }
    }
  }

  function setRunning(state) {
    var stopHadFocus = document.activeElement === part("stop");
    running = state;
    part("generate").hidden = Boolean(state);
    part("stop").hidden = !state;
    part("generate").disabled = Boolean(state) || !allowed(part("action").value);
    if (state) {
      part("stop").focus();
    } else if (stopHadFocus && !panel.hidden) {
      // The answer is there (or the reason why not): go to the first proposal, else back to Generate.
      var first = part("results").querySelector(".cimaise-ai-result:not([data-used])");
      (first || part("generate")).focus();
    }
  }

  // --- generating -----------------------------------------------------------------------------

  function resultItem(candidate) {
    return part("results").querySelector('[data-candidate="' + candidate + '"]');
  }

  function newResult(event) {
    var item = resultTemplate.cloneNode(true);
    item.removeAttribute("data-result-template");
    item.setAttribute("data-candidate", event.candidate);
    item.setAttribute("aria-busy", "true");
    item.tabIndex = -1; // focused when the answers are ready
    item.querySelector("[data-result-title]").textContent = format(strings.proposal, {number: event.candidate});
    item.querySelector("[data-result-model]").textContent = format(strings.writtenBy, {model: event.model});
    item.querySelector("[data-result-text]").appendChild(document.createTextNode(""));
    part("results").appendChild(item);
    return item;
  }

  function finishResult(event) {
    var item = resultItem(event.candidate);
    if (!item) {
      return;
    }
    item.removeAttribute("aria-busy");
    item.setAttribute("data-interaction", event.interaction);
    item.cimaiseText = event.text;
    item.querySelector("[data-result-text]").textContent = event.text;
    item.querySelector("[data-result-model]").textContent = format(strings.writtenBy, {model: event.model});
    var count = item.querySelector("[data-result-count]");
    if (event.limit) {
      var network = part("network").selectedOptions[0];
      var values = {count: event.length, limit: event.limit, network: network ? network.textContent : ""};
      count.textContent = format(event.length > event.limit ? strings.tooLong : strings.charactersLimit, values);
      count.classList.toggle("cimaise-ai-result__count--over", event.length > event.limit);
    } else {
      count.textContent = format(strings.characters, {count: event.length});
    }
    count.hidden = false;
    var buttons = item.querySelector("[data-result-buttons]");
    buttons.hidden = false;
    buttons.querySelectorAll("button").forEach(function (button) {
      button.setAttribute("aria-label", button.textContent.trim() + " – " +
        item.querySelector("[data-result-title]").textContent);
    });
  }

  function handle(event, name, state) {
    if (name === "start") {
      newResult(event);
      part("model").textContent = format(strings.model, {model: event.model});
      setStatus(format(strings.writing, {number: event.candidate, total: event.candidates}));
    } else if (name === "token") {
      var item = resultItem(event.candidate);
      if (item) {
        item.querySelector("[data-result-text]").firstChild.appendData(event.text);
      }
    } else if (name === "done") {
      finishResult(event);
      state.done += 1;
    } else if (name === "error") {
      var failed = resultItem(event.candidate);
      if (failed && !failed.hasAttribute("data-interaction")) {
        failed.remove(); // unfinished text is never offered
      }
      state.failed = true;
      if (event.code === "cancelled") {
        setStatus(strings.stopped);
      } else {
        setStatus("");
        setError(event.message);
      }
    }
  }

  function parseEvents(buffer, state) {
    var blocks = buffer.split("\n\n");
    var rest = blocks.pop();
    blocks.forEach(function (block) {
      var name = "message";
      var data = "";
      block.split("\n").forEach(function (line) {
        if (line.indexOf("event:") === 0) {
          name = line.slice(6).trim();
        } else if (line.indexOf("data:") === 0) {
          data += line.slice(5).trim();
        }
      });
      if (data) {
        handle(JSON.parse(data), name, state);
      }
    });
    return rest;
  }

  function generate() {
    var action = part("action").value;
    if (running || !current || !allowed(action)) {
      return;
    }
    setError("");
    part("results").textContent = "";
    var token = randomToken();
    var controller = new AbortController();
    var state = {done: 0, failed: false};
    setRunning({controller: controller, token: token});
    setStatus(format(strings.writing, {number: 1, total: part("candidates").value}));
    post(config.urls.stream, {
      action: action,
      text: part("text").value,
      field: current.path,
      page: pageId,
      parent: parentId,
      revision: revisionId(),
      language: info.language,
      network: action === "social" ? part("network").value : "",
      target_language: action === "translate" ? part("language").value : "",
      candidates: part("candidates").value,
      temperature: part("temperature").value,
      token: token
    }, {signal: controller.signal}).then(function (response) {
      if (!response.ok || !response.body) {
        return response.json().then(function (body) {
          throw new Error(body.error || strings.unreachable);
        }, function () {
          throw new Error(response.status === 403 ? strings.forbidden : strings.unreachable);
        });
      }
      var reader = response.body.getReader();
      var decoder = new TextDecoder();
      var buffer = "";
      function read() {
        return reader.read().then(function (chunk) {
          if (chunk.done) {
            parseEvents(buffer + decoder.decode() + "\n\n", state);
            return null;
          }
          buffer = parseEvents(buffer + decoder.decode(chunk.value, {stream: true}), state);
          return read();
        });
      }
      return read();
    }).then(function () {
      if (!state.failed) {
        setStatus(format(strings.done, {count: state.done}));
      }
    }, function (error) {
      if (error && error.name === "AbortError") {
        part("results").querySelectorAll("[aria-busy]").forEach(function (item) {
          item.remove();
        });
        setStatus(strings.stopped);
      } else {
        part("results").querySelectorAll("[aria-busy]").forEach(function (item) {
          item.remove();
        });
        setError(error && error.message && error.message !== "Failed to fetch" ? error.message : strings.unreachable);
        setStatus("");
      }
    }).then(function () {
      setRunning(null);
    });
  }

  function stop() {
    if (!running) {
      return;
    }
    var state = running;
    setStatus(strings.stopping);
    post(config.urls.cancel, {token: state.token}, {keepalive: true}).catch(function () {});
    state.controller.abort();
  }

  function recordOutcome(item, kind) {
    return post(config.urls.outcome, {interaction: item.getAttribute("data-interaction"), kind: kind})
      .then(function (response) {
        return response.json().then(function (body) {
          if (!response.ok) {
            throw new Error(body.error || String(response.status));
          }
          return body;
        });
      }).catch(function (error) {
        setError(format(strings.recordFailed, {reason: error.message}));
      });
  }

  function useResult(item, kind) {
    var text = item.cimaiseText || "";
    var interaction = item.getAttribute("data-interaction");
    setError("");
    if (kind === "discarded") {
      var next = item.nextElementSibling || item.previousElementSibling;
      item.remove();
      setStatus(strings.discarded);
      recordOutcome(item, kind);
      var target = next ? next.querySelector("[data-use]") : part("generate");
      (target || part("action")).focus();
      return;
    }
    if (!current || !document.contains(current.element)) {
      setError(strings.fieldGone);
      return;
    }
    var apply = current.kind === "rich" ? applyRich : applyPlain;
    apply(current, text, kind).then(function (applied) {
      if (applied) {
        markApplied(interaction);
        recordOutcome(item, kind);
        setStatus(kind === "replaced" ? strings.replaced : strings.inserted);
        item.querySelector("[data-result-buttons]").hidden = true;
        item.setAttribute("data-used", kind);
        part("generate").focus();
        return;
      }
      copyToClipboard(text).then(function () {
        setStatus(strings.copied);
      });
    });
  }

  // --- start ----------------------------------------------------------------------------------

  var query = pageId ? "?page=" + pageId : "?parent=" + parentId;
  fetch(config.urls.model + query, {credentials: "same-origin", headers: {"Accept": "application/json"}})
    .then(function (response) {
      return response.ok ? response.json() : null;
    })
    .then(function (body) {
      if (!body || !body.actions) {
        return; // no permission to use the assistant here: no buttons
      }
      info = body;
      scan(pageForm);
      var pending = false;
      new MutationObserver(function () {
        if (!pending) {
          pending = true;
          window.requestAnimationFrame(function () {
            pending = false;
            scan(pageForm);
          });
        }
      }).observe(pageForm, {childList: true, subtree: true});
    })
    .catch(function () {});
})();
