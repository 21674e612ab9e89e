// The filing form's helpers. Every page works without them (plain form posts); with them the draft
// is saved as the citizen types, wards are picked from suggestions, and scans upload with progress.
(function () {
  "use strict";

  function csrf(form) {
    var input = form.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  // The words come from the page (#script-messages), translated there; "{name}" marks a value.
  function say(key, values) {
    var holder = document.getElementById("script-messages");
    var text = (holder && holder.getAttribute("data-" + key)) || "";
    Object.keys(values || {}).forEach(function (name) { text = text.split("{" + name + "}").join(values[name]); });
    return text;
  }

  function showError(container, message) {
    var box = container.querySelector(".field-error");
    if (!box) { return; }
    box.textContent = message || "";
    box.hidden = !message;
    container.classList.toggle("has-error", !!message);
    var input = container.querySelector("input:not([type=hidden]), select");
    if (input && input.type !== "radio" && input.type !== "checkbox") {
      if (message) { input.setAttribute("aria-invalid", "true"); } else { input.removeAttribute("aria-invalid"); }
    }
  }

  // --- autosave: after a change, post the page in the background; valid values are stored, the
  // messages of the others appear next to their fields.
  function autosave(form) {
    var status = form.querySelector(".autosave-status");
    var timer = null;
    var inFlight = false;
    function save() {
      if (inFlight) { timer = window.setTimeout(save, 400); return; }
      inFlight = true;
      var data = new FormData(form);
      fetch(window.location.pathname, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-Autosave": "1", "X-CSRFToken": csrf(form) }
      }).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (answer) {
        if (!answer) { return; }
        form.querySelectorAll("[data-field]").forEach(function (container) {
          showError(container, answer.errors[container.getAttribute("data-field")]);
        });
        if (status) { status.textContent = answer.message; }
      }).catch(function () {
        if (status) { status.textContent = say("offline"); }
      }).then(function () { inFlight = false; });
    }
    form.addEventListener("change", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(save, 600);
    });
  }

  // --- ward picker: an ARIA combobox over /dia-gioi/xa-phuong/?q=
  function wardPicker(box) {
    var input = box.querySelector("input[role=combobox]");
    var hidden = box.querySelector("input[type=hidden]");
    var list = box.querySelector("[role=listbox]");
    var url = box.getAttribute("data-suggest-url");
    var active = -1;
    var timer = null;
    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function choose(option) {
      input.value = option.textContent;
      hidden.value = option.getAttribute("data-code");
      close();
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
    function highlight(index) {
      var options = list.querySelectorAll("[role=option]");
      if (!options.length) { return; }
      active = (index + options.length) % options.length;
      options.forEach(function (o, i) { o.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    }
    function suggest() {
      var text = input.value.trim();
      if (text.length < 2) { close(); return; }
      fetch(url + "?q=" + encodeURIComponent(text), { credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (answer) {
          list.innerHTML = "";
          answer.results.forEach(function (ward, i) {
            var li = document.createElement("li");
            li.id = input.id + "-option-" + i;
            li.setAttribute("role", "option");
            li.setAttribute("data-code", ward.code);
            li.setAttribute("aria-selected", "false");
            li.textContent = ward.label;
            li.addEventListener("mousedown", function (event) { event.preventDefault(); choose(li); });
            list.appendChild(li);
          });
          if (!answer.results.length) {
            var none = document.createElement("li");
            none.className = "none";
            none.textContent = say("no-ward");
            list.appendChild(none);
          }
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
          active = -1;
        }).catch(close);
    }
    input.addEventListener("input", function (event) {
      hidden.value = "";  // a typed name is no longer the ward picked before
      event.stopPropagation();
      window.clearTimeout(timer);
      timer = window.setTimeout(suggest, 200);
    });
    input.addEventListener("change", function (event) {
      // The form autosaves only once a ward is picked (or the field is emptied), not on every letter.
      if (input.value && !hidden.value) { event.stopPropagation(); }
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown") { event.preventDefault(); highlight(active + 1); }
      else if (event.key === "ArrowUp") { event.preventDefault(); highlight(active - 1); }
      else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        choose(list.querySelectorAll("[role=option]")[active]);
      } else if (event.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 150); });
  }

  function megabytes(bytes) { return (bytes / 1048576).toFixed(1).replace(".", document.documentElement.lang === "vi" ? "," : "."); }

  // --- uploads: one file per request, with a progress bar; size checked before sending.
  function uploader(form) {
    var fileInput = form.querySelector("input[type=file]");
    var progress = form.querySelector("progress");
    var status = form.querySelector(".upload-status");
    var field = form.querySelector(".field");
    var max = parseInt(form.getAttribute("data-max-bytes"), 10);
    // The chosen file is named before it is sent; choosing another replaces it.
    fileInput.addEventListener("change", function () {
      var file = fileInput.files[0];
      status.textContent = file ? say("chosen", {name: file.name, size: megabytes(file.size)}) : "";
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var file = fileInput.files[0];
      if (!file) { showError(field, say("choose-file")); return; }
      if (file.size > max) {
        showError(field, say("too-large", {name: file.name, size: megabytes(file.size), max: Math.round(max / 1048576)}));
        return;
      }
      showError(field, "");
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
      xhr.setRequestHeader("X-CSRFToken", csrf(form));
      progress.hidden = false;
      progress.value = 0;
      status.textContent = say("uploading");
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) { progress.value = Math.round((e.loaded / e.total) * 100); }
      });
      xhr.addEventListener("load", function () {
        var answer = {};
        try { answer = JSON.parse(xhr.responseText); } catch (ignored) { answer = {}; }
        if (xhr.status === 201) {
          progress.value = 100;
          status.textContent = answer.message;
          var list = form.parentNode.querySelector(".uploaded");
          list.hidden = false;
          // The row is rendered by the server (escaped there), with its own remove button.
          list.insertAdjacentHTML("beforeend", answer.row);
          fileInput.value = "";
        } else {
          progress.hidden = true;
          status.textContent = "";
          showError(field, (answer.errors && answer.errors.file) || say("upload-failed"));
        }
      });
      xhr.addEventListener("error", function () {
        progress.hidden = true;
        status.textContent = "";
        showError(field, say("upload-offline"));
      });
      xhr.send(new FormData(form));
    });
  }

  document.querySelectorAll("form[data-autosave]").forEach(autosave);
  document.querySelectorAll("[data-ward-picker]").forEach(wardPicker);
  document.querySelectorAll("form[data-upload]").forEach(uploader);
  // Irreversible buttons ask first: the form carries the question.
  document.addEventListener("submit", function (event) {
    var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
    if (question && !window.confirm(question)) { event.preventDefault(); }
  });
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.addEventListener("click", function () { window.print(); });
  });
})();
