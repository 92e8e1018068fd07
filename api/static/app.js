// cuomin reviewer UI: keyboard triage and ticket actions through the JSON API (CSRF header).
"use strict";
(function () {
  const csrf = () => document.querySelector('meta[name="csrf-token"]').content;

  async function api(method, url, body) {
    const res = await fetch(url, {
      method, credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf()},
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const data = await res.json().catch(() => ({}));
    if (!res.ok) throw new Error(typeof data.detail === "string" ? data.detail : "操作失败（" + res.status + "）");
    return data;
  }

  function toast(text, bad) {
    const el = document.getElementById("toast");
    if (!el) return;
    el.textContent = text;
    el.className = bad ? "show bad" : "show";
    clearTimeout(toast.t);
    toast.t = setTimeout(() => { el.className = ""; }, 4000);
  }

  // ---- findings queue --------------------------------------------------------------
  const queue = document.getElementById("queue");
  if (queue) {
    const items = () => Array.from(queue.querySelectorAll("li.finding"));
    const current = () => queue.querySelector('li.finding[aria-selected="true"]') || items()[0];
    function select(li) {
      if (!li) return;
      items().forEach((x) => x.removeAttribute("aria-selected"));
      li.setAttribute("aria-selected", "true");
      li.focus();
    }
    async function triage(li, action, extra) {
      try {
        const out = await api("POST", "/v1/findings/" + li.dataset.id + "/triage", Object.assign({action}, extra || {}));
        li.querySelector('[data-role="state"]').textContent = out.ticket.stateName;
        li.classList.add("done");
        toast("已处理：工单 #" + out.ticket.id + " " + out.ticket.stateName);
        const next = items()[items().indexOf(li) + 1];
        if (next) select(next);
      } catch (e) { toast(e.message, true); }
    }
    function open(li, cls) {
      const form = li.querySelector("form." + cls);
      if (!form) return;
      form.hidden = false;
      const field = form.querySelector("input, select");
      field.focus();
    }
    queue.addEventListener("click", (ev) => {
      const btn = ev.target.closest("button[data-act]");
      const li = ev.target.closest("li.finding");
      if (li) select(li);
      if (!btn) return;
      const act = btn.dataset.act;
      if (act === "confirm") triage(li, "confirm");
      if (act === "false_positive") open(li, "reason");
      if (act === "assign") open(li, "assign");
    });
    queue.addEventListener("submit", (ev) => {
      ev.preventDefault();
      const form = ev.target;
      const li = form.closest("li.finding");
      if (form.classList.contains("reason")) {
        const reason = form.reason.value.trim();
        if (!reason) { toast("请填写误报理由", true); return; }
        triage(li, "false_positive", {reason});
      } else {
        triage(li, "assign", {unit: form.unit.value});
      }
      form.hidden = true;
    });
    document.addEventListener("keydown", (ev) => {
      const t = ev.target;
      if (ev.key === "Escape") { queue.querySelectorAll("form").forEach((f) => { f.hidden = true; }); select(current()); return; }
      if (t.matches("input, textarea, select") || ev.ctrlKey || ev.metaKey || ev.altKey) return;
      const li = current();
      if (!li) return;
      const list = items();
      if (ev.key === "j") select(list[Math.min(list.length - 1, list.indexOf(li) + 1)]);
      else if (ev.key === "k") select(list[Math.max(0, list.indexOf(li) - 1)]);
      else if (ev.key === "c") triage(li, "confirm");
      else if (ev.key === "f") { ev.preventDefault(); open(li, "reason"); }
      else if (ev.key === "a") { ev.preventDefault(); open(li, "assign"); }
    });
  }

  // ---- ticket page -----------------------------------------------------------------
  const actions = document.getElementById("ticket-actions");
  if (actions) {
    const id = actions.dataset.id;
    actions.addEventListener("click", async (ev) => {
      const btn = ev.target.closest("button[data-ticket-act]");
      if (!btn) return;
      const act = btn.dataset.ticketAct;
      btn.disabled = true;
      try {
        if (act === "recheck") {
          await api("POST", "/v1/tickets/" + id + "/recheck");
        } else {
          const body = {action: act};
          if (act === "false_positive" || act === "accept_risk") {
            const reason = window.prompt("请填写理由");
            if (!reason) { btn.disabled = false; return; }
            body.reason = reason;
          }
          await api("POST", "/v1/tickets/" + id + "/transition", body);
        }
        location.reload();
      } catch (e) { toast(e.message, true); btn.disabled = false; }
    });
    // While a re-check runs in the background, follow it.
    const state = document.getElementById("ticket-state");
    if (state && state.dataset.state === "rechecking") {
      let tries = 0;
      const poll = setInterval(async () => {
        tries += 1;
        try {
          const t = await fetch("/v1/tickets/" + id, {credentials: "same-origin"}).then((r) => r.json());
          if (t.state !== "rechecking" || tries > 60) { clearInterval(poll); location.reload(); }
        } catch (e) { clearInterval(poll); }
      }, 1000);
    }
  }
  const comment = document.getElementById("comment-form");
  if (comment) {
    comment.addEventListener("submit", async (ev) => {
      ev.preventDefault();
      try {
        await api("POST", "/v1/tickets/" + comment.dataset.id + "/comments", {body: comment.body.value});
        location.reload();
      } catch (e) { toast(e.message, true); }
    });
  }

  // ---- dictionary proposals -----------------------------------------------------------
  const proposals = document.getElementById("proposals");
  if (proposals) {
    proposals.addEventListener("click", async (ev) => {
      const btn = ev.target.closest("button[data-proposal-act]");
      if (!btn) return;
      const row = btn.closest("tr");
      const act = btn.dataset.proposalAct;
      let note = null;
      if (act === "reject") {
        note = window.prompt("请填写驳回理由");
        if (!note) return;
      }
      try {
        await api("POST", "/v1/dictionaries/proposals/" + row.dataset.id + "/" + act, {note});
        location.reload();
      } catch (e) { toast(e.message, true); }
    });
  }
})();
