// The app shell: header, tab bar, hash router, and the seven screens (plus set-up) drawn with plain DOM;
// the village ledger screen is in ledger.ts.
import "./style.css";
import { call } from "./api";
import { add, clear, h } from "./dom";
import { attachmentPicker, attachmentStrip, recordPhotos } from "./attachments";
import { followUpList } from "./followups";
import { findingList } from "./findings";
import { conflictLine, conflictList } from "./conflicts";
import { detailsForm, EMPTY_DETAILS, householdExtras } from "./households";
import { familyDraft, householdDraft, keepDraft } from "./drafts";
import { nearbyScreen } from "./nearby";
import { ledgerScreen } from "./ledger";
import { lockScreen, pinForm, watchLock } from "./lock";
import { lockView } from "./lock-logic";
import { parseEnrollQr } from "./transport/enroll-qr";
import { platform } from "./transport/platform";
import type {
  CheckKindCode,
  DiaryItem,
  HouseholdFilter,
  VisitPeriodCode,
  HouseholdInput,
  HouseholdStatusCode,
  LeaveKindCode,
  Location,
  LockStatus,
  MonthGaps,
  MonthScores,
  ScoreItemEntry,
  ScoreItemKindCode,
  ScoreSheetView,
  SetupStatus,
  SyncStatus,
  TeamView,
  VisitItem,
} from "./generated/contract";
import { CAUSES, causeKey, lang, leaveKindKey, scoreKindKey, setLang, statusKey, t, type Key } from "./i18n";
import {
  calendarWeeks,
  docLabel,
  dayClass,
  daysBehind,
  debounce,
  diaryDateBounds,
  diaryEntryMeta,
  diaryWritable,
  entryOf,
  errorText,
  isCommandError,
  filingText,
  gapLines,
  automaticLines,
  formatPoints,
  LEAVE_KINDS,
  leaveActions,
  previewPoints,
  SCORE_KINDS,
  scoreItemLine,
  scoreItemProblems,
  scoreStateLabel,
  leaveStateLabel,
  formatDateTime,
  parseRoute,
  routeHash,
  shanghaiParts,
  shiftMonth,
  tabOf,
  type Route,
} from "./logic";

/** How many days back a visit's own time may be chosen: `Policy::default().visit_backdate_days`
 * (the device judges with the default policy; `crates/taizhang-rules/policy.default.toml`). */
const VISIT_BACKDATE_DAYS = 7;

let setup: SetupStatus | null = null;
const root = document.getElementById("app") as HTMLElement;
const TABS: { screen: Route["screen"]; key: Key }[] = [
  { screen: "today", key: "tab.today" },
  { screen: "households", key: "tab.households" },
  { screen: "visit", key: "tab.visit" },
  { screen: "diary", key: "tab.diary" },
  { screen: "team", key: "tab.team" },
  { screen: "ledger", key: "tab.ledger" },
  { screen: "sync", key: "tab.sync" },
];

function go(r: Route): void {
  const hash = routeHash(r);
  if (location.hash === hash) void render();
  else location.hash = hash;
}

function toast(text: string, kind: "ok" | "error" = "ok"): void {
  document.querySelectorAll(".toast").forEach((t) => t.remove());
  const el = h("div", { class: `toast ${kind}`, role: "status", "data-testid": "toast" }, text);
  document.body.append(el);
  setTimeout(() => el.remove(), 4000);
}

function errorBox(e: unknown): HTMLElement {
  const { text, detail } = errorText(e);
  return h(
    "div",
    { class: "error", role: "alert", "data-testid": "error" },
    h("p", {}, text),
    h("details", {}, h("summary", {}, t("common.technical")), h("small", {}, detail)),
  );
}

/** Runs a command for a button: disables it meanwhile, shows the error in `where` on failure. */
async function act<T>(btn: HTMLButtonElement | null, where: HTMLElement, f: () => Promise<T>): Promise<T | undefined> {
  if (btn) btn.disabled = true;
  where.querySelectorAll(":scope > .error").forEach((e) => e.remove());
  try {
    return await f();
  } catch (e) {
    where.prepend(errorBox(e));
    return undefined;
  } finally {
    if (btn) btn.disabled = false;
  }
}

/** The device location, or null when there is none within a few seconds (never a gate). */
function getLocation(timeoutMs = 5000): Promise<Location | null> {
  return new Promise((resolve) => {
    if (!("geolocation" in navigator)) return resolve(null);
    const timer = setTimeout(() => resolve(null), timeoutMs + 500);
    navigator.geolocation.getCurrentPosition(
      (p) => {
        clearTimeout(timer);
        resolve({ lat: p.coords.latitude, lon: p.coords.longitude, accuracyM: p.coords.accuracy ?? null });
      },
      () => {
        clearTimeout(timer);
        resolve(null);
      },
      { enableHighAccuracy: true, timeout: timeoutMs, maximumAge: 60_000 },
    );
  });
}

function field(label: string, input: HTMLElement): HTMLElement {
  return h("label", { class: "field" }, h("span", {}, label), input);
}

// ---- the shell ----

function shell(route: Route): HTMLElement {
  const current = tabOf(route);
  const who = setup?.member?.name
    ? `${setup.member.name}${setup.member.role ? " · " + t(`role.${setup.member.role}` as Key) : ""}`
    : "";
  const header = h(
    "header",
    { class: "top" },
    h("strong", {}, t("app.title")),
    h("span", { class: "who" }, [setup?.village?.name, who].filter(Boolean).join(" · ")),
    h(
      "button",
      { class: "lang", "data-testid": "lang-toggle", onclick: () => void switchLanguage(lang() === "zh" ? "en" : "zh") },
      t("lang.switch"),
    ),
  );
  const nav = h(
    "nav",
    { class: "tabs" },
    TABS.map((tab) =>
      h(
        "a",
        {
          href: routeHash({ screen: tab.screen, month: null, household: null } as Route),
          class: tab.screen === current ? "active" : "",
          "data-testid": `tab-${tab.screen}`,
        },
        t(tab.key),
      ),
    ),
  );
  return h("div", { class: "shell" }, header, h("main", { id: "screen" }), joinedNav(nav));
}

function joinedNav(nav: HTMLElement): HTMLElement | null {
  return setup?.joined ? nav : null;
}

async function switchLanguage(to: "zh" | "en"): Promise<void> {
  setLang(to);
  if (setup) {
    try {
      setup = await call("save_settings", { ...setup.settings, language: to });
    } catch {
      // The language still switches for this session.
    }
  }
  await render();
}

let renderSeq = 0;

async function render(): Promise<void> {
  const seq = ++renderSeq;
  let route = parseRoute(location.hash);
  if (!setup?.joined) route = { screen: "setup" };
  clear(root);
  root.append(shell(route));
  const screen = root.querySelector("#screen") as HTMLElement;
  screen.append(h("p", { class: "muted" }, t("common.loading")));
  const body = h("section", { class: `screen screen-${route.screen}`, "data-testid": `screen-${route.screen}` });
  try {
    await SCREENS[route.screen](body, route as never);
  } catch (e) {
    if (isCommandError(e) && e.code === "LOCKED") return void showLock(await call("lock_status"));
    body.prepend(errorBox(e));
  }
  if (seq !== renderSeq) return; // a newer navigation won
  clear(screen);
  screen.append(body);
  body.dataset.ready = "1";
}

// ---- screens ----

type Screen<R extends Route = Route> = (el: HTMLElement, r: R) => Promise<void>;

const setupScreen: Screen = async (el) => {
  const server = h("input", {
    type: "url",
    value: setup?.settings.serverUrl ?? "",
    "data-testid": "setup-server",
    autocomplete: "off",
  });
  const code = h("input", { type: "text", value: "", "data-testid": "setup-code", autocomplete: "off" });
  // A pasted join link (the QR code's text, taizhang:enroll?code=…&server=…) fills both fields.
  const fromLink = h("p", { class: "muted small", "data-testid": "setup-from-link", hidden: true }, t("setup.fromLink"));
  code.oninput = () => {
    const link = parseEnrollQr(code.value);
    if (!link) return;
    code.value = link.code;
    if (link.server) server.value = link.server;
    fromLink.hidden = false;
  };
  const out = h("div", {});
  // The join QR code from a picture (a photo or screenshot of the join sheet), read by the core.
  const picture = h("input", { type: "file", accept: "image/*", "data-testid": "setup-qr-file" });
  picture.onchange = () =>
    void act(null, out, async () => {
      const file = picture.files?.[0];
      if (!file) return;
      const link = await call("read_join_image", { bytes: Array.from(new Uint8Array(await file.arrayBuffer())) });
      code.value = link.code;
      if (link.server) server.value = link.server;
      fromLink.hidden = false;
    });
  const pictureField = platform() === "browser" ? null : field(t("setup.qrFile"), picture);
  const btn = h("button", { class: "primary", "data-testid": "setup-join" }, t("setup.join"));
  btn.onclick = () =>
    void act(btn, out, async () => {
      const r = await call("join", { serverUrl: server.value, code: code.value });
      setup = r.setup;
      if (r.syncError) {
        out.append(h("p", { class: "warn" }, t("setup.firstSyncFailed")), errorBox(r.syncError));
        setTimeout(() => go({ screen: "today" }), 2500);
      } else {
        go({ screen: "today" });
      }
    });
  add(el, 
    h("h1", {}, t("setup.title")),
    setup?.wiped ? h("p", { class: "warn", "data-testid": "setup-wiped" }, `${t("setup.wiped")} ${setup.wiped}`) : null,
    h("p", {}, t("setup.intro")),
    field(t("setup.code"), code),
    h("p", { class: "muted small" }, t("setup.codeHint")),
    pictureField,
    fromLink,
    // The server address comes with the join link / QR code; typing it is for administrators.
    h("details", { class: "advanced", "data-testid": "setup-advanced" }, h("summary", {}, t("setup.advanced")), field(t("setup.server"), server)),
    btn,
    out,
  );
};

const todayScreen: Screen = async (el) => {
  const [v, conflicted] = await Promise.all([call("today"), call("conflicts")]);
  const status = h("p", { class: "muted", "data-testid": "checkin-status" });
  const checkBtn = (kind: CheckKindCode) => {
    const b = h(
      "button",
      { class: kind === "in" ? "primary big" : "big", "data-testid": `checkin-${kind}` },
      t(kind === "in" ? "today.checkIn" : "today.checkOut"),
    );
    b.onclick = () =>
      void act(b, el, async () => {
        status.textContent = t("today.locating");
        const location = await getLocation();
        const c = await call("check_in", { kind, location });
        const fence =
          c.inGeofence === null ? t("today.noLocation") : t(c.inGeofence ? "today.inFence" : "today.outFence");
        toast(`${t("common.saved")} · ${fence}`);
        await render();
      });
    return b;
  };
  const behind = daysBehind(v.daysThisYear, v.requiredSoFar);
  add(el, 
    h("h1", {}, t("today.title"), h("small", { class: "muted" }, ` ${v.date}`)),
    v.member.name ? null : h("p", { class: "warn" }, t("setup.notSynced")),
    h(
      "div",
      { class: "card status-card" },
      h(
        "p",
        { class: v.inVillageNow ? "badge ok" : "badge", "data-testid": "in-village" },
        t(v.inVillageNow ? "today.inVillage" : "today.notInVillage"),
      ),
      h("div", { class: "row" }, checkBtn("in"), checkBtn("out")),
      status,
    ),
    h(
      "div",
      { class: "stats" },
      h(
        "div",
        { class: "stat" },
        h("span", {}, t("today.daysMonth")),
        h("b", { "data-testid": "days-month" }, t("today.days", { n: v.daysThisMonth })),
      ),
      h(
        "div",
        { class: "stat" },
        h("span", {}, t("today.daysYear")),
        h("b", { "data-testid": "days-year" }, t("today.days", { n: v.daysThisYear })),
        h("small", {}, t("today.required", { req: v.requiredSoFar, target: v.yearlyTarget })),
        h("small", { class: behind ? "warn" : "ok" }, behind ? t("today.behind", { n: behind }) : t("today.onTrack")),
      ),
      h(
        "div",
        { class: "stat" },
        h("span", {}, t("today.diary")),
        h("b", { "data-testid": "diary-status" }, t(`today.diary.${v.diaryToday}` as Key)),
        h("a", { href: "#/diary" }, t("today.writeDiary")),
      ),
    ),
    h("h2", {}, t("followUp.title")),
    followUpList(
      v.followUps,
      (f, note, btn) =>
        void act(btn, el, async () => {
          await call("close_follow_up", { id: f.id, note });
          toast(t("followUp.closed"));
          go({ screen: "today" });
        }),
      "today-followups",
      { act, toast, redraw: () => go({ screen: "today" }) },
    ),
    v.findings.length ? h("h2", {}, t("finding.title")) : null,
    v.findings.length
      ? findingList(
          v.findings,
          (f, text, btn) =>
            void act(btn, el, async () => {
              await call("answer_finding", { id: f.id, answer: text });
              toast(t("finding.answered"));
              go({ screen: "today" });
            }),
          "today-findings",
        )
      : null,
    // Records two phones changed at once: settled on the Sync screen's list.
    conflicted.count
      ? h("a", { href: "#/sync", class: "card warn", "data-testid": "today-conflicts" }, t("today.conflicts", { n: conflicted.count }))
      : null,
    h("h2", {}, t("today.checks")),
    v.checks.length
      ? h(
          "ul",
          { class: "list", "data-testid": "today-checks" },
          v.checks.map((c) =>
            h(
              "li",
              {},
              h("b", {}, t(c.kind === "in" ? "checkin.in" : "checkin.out")),
              ` ${shanghaiParts(c.at).time} `,
              h(
                "span",
                { class: "muted" },
                c.inGeofence === null ? t("today.noLocation") : t(c.inGeofence ? "today.inFence" : "today.outFence"),
              ),
            ),
          ),
        )
      : h("p", { class: "muted" }, t("today.noChecks")),
    h(
      "p",
      { class: "muted small", "data-testid": "today-pending" },
      v.pendingChanges ? t("today.pending", { n: v.pendingChanges }) : t("today.allSent"),
    ),
  );
};

const filter: HouseholdFilter = { text: null, group: null, status: null };

/** Rows drawn at first and per step of a long list (a phone's screen holds about 10). */
const LIST_STEP = 60;
let listObserver: IntersectionObserver | null = null;

/** Appends `items` to `ul` a step at a time: the first step now, the next one each time a
 * sentinel at the end comes within a screen of view. Returns how many rows were drawn now. */
function listWindow<T>(ul: HTMLElement, items: T[], row: (item: T) => HTMLElement): number {
  listObserver?.disconnect();
  let next = 0;
  const sentinel = h("li", { class: "sentinel", "aria-hidden": "true", "data-testid": "households-more" });
  const step = () => {
    const end = Math.min(items.length, next + LIST_STEP);
    const frag = document.createDocumentFragment();
    for (; next < end; next++) frag.append(row(items[next]));
    ul.insertBefore(frag, sentinel.isConnected ? sentinel : null);
    if (next >= items.length) {
      sentinel.remove();
      listObserver?.disconnect();
    }
  };
  step();
  if (next < items.length && typeof IntersectionObserver !== "undefined") {
    ul.append(sentinel);
    listObserver = new IntersectionObserver(
      (seen, o) => {
        if (!seen.some((e) => e.isIntersecting)) return;
        step();
        // Observing again reports at once whether the sentinel is still near: a tall screen
        // takes several steps.
        if (sentinel.isConnected) {
          o.unobserve(sentinel);
          o.observe(sentinel);
        }
      },
      { rootMargin: "800px 0px" },
    );
    listObserver.observe(sentinel);
  } else {
    while (next < items.length) step();
  }
  return Math.min(items.length, LIST_STEP);
}

const householdsScreen: Screen = async (el) => {
  const list = h("div", {});
  const count = h("p", { class: "muted small", "data-testid": "households-count" });
  const search = h("input", {
    type: "search",
    placeholder: t("households.search"),
    value: filter.text ?? "",
    "data-testid": "households-search",
  });
  const group = h("select", { "data-testid": "households-group" });
  const status = h(
    "select",
    { "data-testid": "households-status" },
    h("option", { value: "" }, t("households.allStatus")),
    (["ordinary", "lifted_out", "monitored", "registered_poor"] as HouseholdStatusCode[]).map((s) =>
      h("option", { value: s }, t(statusKey(s))),
    ),
  );
  status.value = filter.status ?? "";
  // Issue 16's filters: not visited this month / this year, my households, open follow-ups.
  const visited = h(
    "select",
    { "data-testid": "households-not-visited" },
    h("option", { value: "" }, t("households.anyVisit")),
    h("option", { value: "month" }, t("households.notVisitedMonth")),
    h("option", { value: "year" }, t("households.notVisitedYear")),
  );
  visited.value = filter.notVisited ?? "";
  const mine = h("input", { type: "checkbox", "data-testid": "households-mine" });
  mine.checked = filter.mine === true;
  const open = h("input", { type: "checkbox", "data-testid": "households-open-followups" });
  open.checked = filter.openFollowUps === true;
  const refresh = async () => {
    const r = await call("households", filter);
    if (group.options.length === 0) {
      add(group, h("option", { value: "" }, t("households.allGroups")), r.groups.map((g) => h("option", { value: g }, g)));
      group.value = filter.group ?? "";
    }
    count.textContent = t("households.count", { shown: r.items.length, total: r.total });
    clear(list);
    if (!r.items.length) list.append(h("p", { class: "muted" }, t("households.empty")));
    const ul = h("ul", { class: "list households", "data-testid": "households-list" });
    const row = (hh: (typeof r.items)[number]) =>
      h(
        "li",
        { "data-testid": "household-row", "data-id": hh.id, onclick: () => go({ screen: "household", id: hh.id }) },
        h("div", {}, h("b", {}, hh.head), " ", h("span", { class: "muted" }, [hh.group, hh.doorNumber, hh.grid].filter((x) => x).join(" · "))),
        h(
          "div",
          { class: "small" },
          h("span", { class: `tag ${hh.status}` }, t(statusKey(hh.status))),
          ` ${t("common.people", { n: hh.membersCount })} · `,
          hh.lastVisitAt
            ? `${t("households.visits", { n: hh.visitCount })} · ${t("households.lastVisit", { date: shanghaiParts(hh.lastVisitAt).date })}`
            : h("span", { class: "warn" }, t("households.neverVisited")),
          hh.hasConflicts ? h("span", { class: "tag conflict" }, t("households.conflict")) : null,
        ),
      );
    // A thousand households on a phone: draw a screenful and a little more, then the next rows
    // as the end comes near (a sentinel watched by an IntersectionObserver); rows off screen
    // skip layout and paint (`content-visibility: auto` in style.css).
    const shown = listWindow(ul, r.items, row);
    list.append(ul);
    if (r.items.length) void call("ui_mark", { what: "households", count: shown }).then((m) => {
      document.body.dataset.householdsRenderedMs = String(m.sinceStartMs);
    });
  };
  const onChange = () => {
    filter.text = search.value.trim() || null;
    filter.group = group.value || null;
    filter.status = (status.value || null) as HouseholdStatusCode | null;
    filter.notVisited = (visited.value || null) as VisitPeriodCode | null;
    filter.mine = mine.checked;
    filter.openFollowUps = open.checked;
    void act(null, el, refresh);
  };
  search.addEventListener("input", debounce(onChange, 200));
  for (const c of [group, status, visited, mine, open]) c.addEventListener("change", onChange);
  add(el, 
    h(
      "div",
      { class: "title-row" },
      h("h1", {}, t("households.title")),
      h("button", { "data-testid": "household-add", onclick: () => go({ screen: "household-edit", id: null }) }, t("households.add")),
    ),
    h("div", { class: "filters" }, search, group, status, visited),
    h(
      "div",
      { class: "row small" },
      h("label", { class: "check" }, mine, t("households.mine")),
      h("label", { class: "check" }, open, t("households.openFollowUps")),
    ),
    count,
    list,
  );
  await refresh();
};

const householdScreen: Screen<Extract<Route, { screen: "household" }>> = async (el, r) => {
  const [d, choices] = await Promise.all([call("household", r.id), call("household_choices")]);
  const hh = d.household;
  const row = (k: Key, v: string) => h("div", { class: "kv" }, h("span", {}, t(k)), h("b", {}, v || t("common.none")));
  add(el, 
    h("a", { href: "#/households", class: "back" }, `‹ ${t("common.back")}`),
    h("h1", { "data-testid": "household-head" }, hh.head),
    d.conflicts.length
      ? h(
          "div",
          { class: "warn card" },
          h("p", {}, t("household.conflicts")),
          h(
            "ul",
            { "data-testid": "household-conflicts" },
            // Each value with a button that keeps it (the others are superseded everywhere).
            d.conflicts.map((c) =>
              conflictLine(c, (v, btn) =>
                void act(btn, el, async () => {
                  await call("keep_value", { householdId: r.id, field: c.field, value: v });
                  toast(t("common.saved"));
                  go({ screen: "household", id: r.id });
                }),
              ),
            ),
          ),
        )
      : null,
    h(
      "div",
      { class: "card" },
      row("household.status", t(statusKey(hh.status))),
      row("household.members", t("common.people", { n: hh.membersCount })),
      row("household.group", hh.group),
      row("household.grid", hh.grid),
      row("household.causes", hh.causes.map((c) => (causeKey(c) ? t(causeKey(c) as Key) : c)).join("、")),
      row("household.helper", d.helperName ?? ""),
      row("household.plan", hh.plan),
      row("household.income", hh.incomeYuan === null ? "" : String(hh.incomeYuan)),
    ),
    h("h2", {}, t("photo.household")),
    recordPhotos("household", r.id, hh.attachments.length, t("photo.pick")),
    householdExtras(d, choices, (input, btn) =>
      void act(btn, el, async () => {
        await call("save_family_member", input);
        await call("save_draft", { form: familyDraft(input.householdId, input.id ?? null), body: "" });
        toast(t("family.saved"));
        go({ screen: "household", id: r.id });
      }),
    ),
    h("h2", {}, t("followUp.household")),
    followUpList(
      d.followUps,
      (f, note, btn) =>
        void act(btn, el, async () => {
          await call("close_follow_up", { id: f.id, note });
          toast(t("followUp.closed"));
          go({ screen: "household", id: r.id });
        }),
      "household-followups",
      { act, toast, redraw: () => go({ screen: "household", id: r.id }) },
    ),
    d.findings.length ? h("h2", {}, t("finding.household")) : null,
    d.findings.length
      ? findingList(
          d.findings,
          (f, text, btn) =>
            void act(btn, el, async () => {
              await call("answer_finding", { id: f.id, answer: text });
              toast(t("finding.answered"));
              go({ screen: "household", id: r.id });
            }),
          "household-findings",
        )
      : null,
    h(
      "div",
      { class: "row" },
      h("button", { class: "primary", "data-testid": "household-visit", onclick: () => go({ screen: "visit", household: r.id }) }, t("household.recordVisit")),
      h("button", { "data-testid": "household-edit", onclick: () => go({ screen: "household-edit", id: r.id }) }, t("common.edit")),
    ),
    h("h2", {}, t("household.visits")),
    d.visits.length
      ? h(
          "ul",
          { class: "list", "data-testid": "household-visits" },
          d.visits.map((v) =>
            h(
              "li",
              { "data-testid": "visit-item", class: v.amendedBy ? "muted" : "" },
              h(
                "div",
                { class: "small muted" },
                `${formatDateTime(v.at)} · ${t("visit.by", { name: v.memberName })}${v.hasLocation ? " · " + t("visit.located") : ""}`,
                v.amends ? h("span", { class: "tag" }, ` ${t("visit.amendment")}`) : null,
                v.amendedBy ? h("span", { class: "tag warn", "data-testid": "visit-amended" }, ` ${t("visit.amended")}`) : null,
              ),
              h("p", {}, v.findings),
              v.needs ? h("p", { class: "small" }, `${t("visit.needs")}：${v.needs}`) : null,
              v.followUp ? h("p", { class: "small" }, `${t("visit.followUp")}：${v.followUp}`) : null,
              v.photos ? h("div", { class: "small muted", "data-testid": "visit-photo-count" }, t("photo.count", { n: v.photos })) : null,
              v.photos ? attachmentStrip("visit", v.id) : null,
              v.mine && !v.amendedBy
                ? h(
                    "button",
                    {
                      class: "small",
                      "data-testid": "visit-amend",
                      onclick: () => {
                        amendTarget = v;
                        go({ screen: "visit", household: v.householdId });
                      },
                    },
                    t("visit.amend"),
                  )
                : null,
            ),
          ),
        )
      : h("p", { class: "muted" }, t("household.noVisits")),
  );
};

const householdEditScreen: Screen<Extract<Route, { screen: "household-edit" }>> = async (el, r) => {
  const choices = await call("household_choices");
  const base: HouseholdInput = r.id
    ? (await call("household", r.id)).household
    : {
        id: null,
        head: "",
        membersCount: 1,
        group: "",
        grid: "",
        status: "ordinary",
        causes: [],
        helperId: setup?.member?.id ?? null,
        plan: "",
        incomeYuan: null,
        details: null,
        attachments: [],
      };
  // A photo of the house or a scanned document (issue 19): added to those the household has.
  const photos = attachmentPicker("household");
  // The details' part: filled from the record; an edit keeps what the form does not hold
  // (the core keeps the record's details when none are sent, and fields it does not know).
  const details = detailsForm(base.details ?? EMPTY_DETAILS, choices);
  const head = h("input", { value: base.head, "data-testid": "hh-head" });
  const members = h("input", { type: "number", min: "1", max: "50", value: String(base.membersCount), "data-testid": "hh-members" });
  const group = h("input", { value: base.group, "data-testid": "hh-group" });
  const grid = h("input", { value: base.grid, "data-testid": "hh-grid" });
  const status = h(
    "select",
    { "data-testid": "hh-status" },
    // 建档立卡贫困户 is offered only for a record that still has it (pre-2021 word).
    (["ordinary", "lifted_out", "monitored"] as HouseholdStatusCode[])
      .concat(base.status === "registered_poor" ? ["registered_poor"] : [])
      .map((s) => h("option", { value: s }, t(statusKey(s)))),
  );
  status.value = base.status;
  const causes = CAUSES.map((c) => {
    const box = h("input", { type: "checkbox", value: c, checked: base.causes.includes(c) });
    return { c, box, label: h("label", { class: "chip" }, box, t(causeKey(c) as Key)) };
  });
  const plan = h("textarea", { rows: "2", "data-testid": "hh-plan" }, base.plan);
  const income = h("input", { type: "number", value: base.incomeYuan === null ? "" : String(base.incomeYuan), "data-testid": "hh-income" });
  const save = h("button", { class: "primary", "data-testid": "hh-save" }, t("common.save"));
  save.onclick = () =>
    void act(save, el, async () => {
      const input: HouseholdInput = {
        ...base,
        head: head.value,
        membersCount: Number(members.value) || 0,
        group: group.value,
        grid: grid.value,
        status: status.value as HouseholdStatusCode,
        causes: causes.filter((c) => c.box.checked).map((c) => c.c),
        plan: plan.value,
        incomeYuan: income.value.trim() === "" ? null : Number(income.value),
        details: details.read(),
        attachments: photos.ids(),
      };
      const d = await call("save_household", input);
      await draft.clear();
      toast(t("common.saved"));
      go({ screen: "household", id: d.household.id as string });
    });
  // The form, kept on disk as it is typed (issue 16): back after a kill or a restart.
  const form = h(
    "div",
    { "data-testid": "household-form" },
    field(t("household.head"), head),
    field(t("household.members"), members),
    field(t("household.group"), group),
    field(t("household.grid"), grid),
    field(t("household.status"), status),
    h("fieldset", { class: "chips" }, h("legend", {}, t("household.causes")), causes.map((c) => c.label)),
    field(t("household.plan"), plan),
    field(t("household.income"), income),
    details.el,
  );
  const draft = await keepDraft(form, householdDraft(r.id ?? null), () => go({ screen: "household-edit", id: r.id }));
  add(el, 
    h("h1", {}, t(r.id ? "household.editTitle" : "household.newTitle")),
    draft.banner,
    form,
    photos.node,
    h("div", { class: "row" }, save, h("button", { onclick: () => history.back() }, t("common.cancel"))),
  );
};

/** The visit a "更正" button on the household screen asked to correct (read once by the
 * visit screen; a draft keeps it across a restart). */
let amendTarget: VisitItem | null = null;

/** What the visit form holds, as its draft is kept on disk (issue 16). */
type VisitDraft = {
  householdId: string;
  at: string;
  findings: string;
  needs: string;
  followUp: string;
  promise: boolean;
  promiseDue: string;
  amends: string | null;
  /** Photos added (issue 19), by the id the core gave; their files are already on the device. */
  attachments?: string[];
};

const visitScreen: Screen<Extract<Route, { screen: "visit" }>> = async (el, r) => {
  // The form's draft, kept as it is typed: restored after the app was killed.
  const kept = await call("draft", "visit");
  let draft: VisitDraft | null = null;
  try {
    draft = kept.body ? (JSON.parse(kept.body) as VisitDraft) : null;
  } catch {
    draft = null;
  }
  const target = amendTarget;
  amendTarget = null;
  if (target || (draft && r.household && draft.householdId !== r.household)) draft = null;
  const household = target?.householdId ?? r.household ?? draft?.householdId ?? null;
  const amends = target?.id ?? draft?.amends ?? null;

  const pick = h("select", { "data-testid": "visit-household", disabled: amends !== null });
  const search = h("input", { type: "search", placeholder: t("households.search"), "data-testid": "visit-search" });
  const fill = async (text: string | null) => {
    const list = await call("households", { text, group: null, status: null });
    const chosen = pick.value || household;
    clear(pick);
    pick.append(h("option", { value: "" }, t("visit.pick")));
    // Every household (no cap): group, door number and household size tell namesakes apart.
    for (const hh of list.items)
      pick.append(
        h("option", { value: hh.id }, `${hh.head}（${[hh.group, hh.doorNumber, t("common.people", { n: hh.membersCount })].filter((x) => x).join(" · ")}）`),
      );
    if (chosen) pick.value = chosen;
  };
  search.addEventListener("input", debounce(() => void fill(search.value.trim() || null), 200));
  const findings = h("textarea", { rows: "4", "data-testid": "visit-findings" }, target?.findings ?? draft?.findings ?? "");
  const needs = h("textarea", { rows: "2", "data-testid": "visit-needs" }, target?.needs ?? draft?.needs ?? "");
  const followUp = h("textarea", { rows: "2", "data-testid": "visit-followup" }, target?.followUp ?? draft?.followUp ?? "");
  // The visit's own time (Beijing time); empty means now. The picker offers the policy's window
  // (VISIT_BACKDATE_DAYS back, from the start of that day; a correction may keep its visit's
  // older time); the core checks it again and says the window in words.
  const nowParts = shanghaiParts(Date.now());
  const targetAt = target ? (({ date, time }) => `${date}T${time}`)(shanghaiParts(target.at)) : null;
  const earliest = shanghaiParts(Date.now() - VISIT_BACKDATE_DAYS * 86_400_000).date;
  const min = targetAt && targetAt.slice(0, 10) < earliest ? targetAt : `${earliest}T00:00`;
  const when = h("input", { type: "datetime-local", min, max: `${nowParts.date}T${nowParts.time}`, value: targetAt ?? draft?.at ?? "", "data-testid": "visit-at" });
  const promise = h("input", { type: "checkbox", checked: draft?.promise ?? false, "data-testid": "visit-promise" });
  const promiseDue = h("input", { type: "date", value: draft?.promiseDue ?? "", "data-testid": "visit-promise-due" });
  const withLoc = h("input", { type: "checkbox", checked: true, "data-testid": "visit-location" });
  const photos = attachmentPicker("visit", target?.attachments ?? draft?.attachments ?? []);
  const save = h("button", { class: "primary", "data-testid": "visit-save" }, t("visit.save"));

  // The household's open to-do items, each with a 办结 tick and how it was done.
  const items = h("div", { "data-testid": "visit-open-items" });
  let closing: { id: string; box: HTMLInputElement; note: HTMLInputElement }[] = [];
  const showItems = async () => {
    clear(items);
    closing = [];
    if (!pick.value) return;
    const open = (await call("household", pick.value)).followUps.filter((f) => !f.done);
    if (!open.length) return;
    closing = open.map((f) => ({
      id: f.id,
      box: h("input", { type: "checkbox", "data-testid": "visit-close-item" }),
      note: h("input", { type: "text", placeholder: t("visit.closeNote"), "data-testid": "visit-close-note" }),
    }));
    add(
      items,
      h(
        "fieldset",
        {},
        h("legend", {}, t("visit.openItems")),
        open.map((f, i) =>
          h("div", { class: "row" }, h("label", { class: "check" }, closing[i].box, `${t("visit.closeItem")}：${f.text}`), closing[i].note),
        ),
      ),
    );
  };
  pick.addEventListener("change", () => void showItems());

  const read = (): VisitDraft => ({
    householdId: pick.value || household || "",
    at: when.value,
    findings: findings.value,
    needs: needs.value,
    followUp: followUp.value,
    promise: promise.checked,
    promiseDue: promiseDue.value,
    amends,
    attachments: photos.ids(),
  });
  const keep = debounce(() => void call("save_draft", { form: "visit", body: JSON.stringify(read()) }), 300);
  for (const c of [findings, needs, followUp, when, promiseDue]) c.addEventListener("input", keep);
  for (const c of [pick, promise, when, photos.node]) c.addEventListener("change", keep);
  // A correction begun is on disk at once (the button's choice is no state of the window).
  if (target) await call("save_draft", { form: "visit", body: JSON.stringify(read()) });

  save.onclick = () =>
    void act(save, el, async () => {
      const location = withLoc.checked ? await getLocation() : null;
      const v = await call("record_visit", {
        householdId: pick.value,
        findings: findings.value,
        needs: needs.value,
        followUp: followUp.value,
        location,
        promiseDue: promise.checked && followUp.value.trim() ? promiseDue.value : null,
        at: when.value || null,
        amends,
        close: closing.filter((c) => c.box.checked).map((c) => ({ id: c.id, note: c.note.value })),
        attachments: photos.ids(),
      });
      toast(t("visit.saved"));
      go({ screen: "household", id: v.householdId });
    });
  const restored =
    draft && kept.savedAt !== null
      ? h(
          "div",
          { class: "card", "data-testid": "visit-draft-restored" },
          t("visit.draftRestored", { at: formatDateTime(kept.savedAt) }),
          " ",
          h(
            "button",
            {
              "data-testid": "visit-draft-discard",
              onclick: async () => {
                await call("save_draft", { form: "visit", body: "" });
                go({ screen: "visit", household: r.household });
              },
            },
            t("visit.draftDiscard"),
          ),
        )
      : null;
  add(el, 
    h("h1", {}, t(amends ? "visit.amendTitle" : "visit.title")),
    amends ? h("p", { class: "muted small", "data-testid": "visit-amend-hint" }, t("visit.amendHint")) : null,
    restored,
    field(t("visit.household"), h("div", { class: "stack" }, search, pick)),
    field(t("visit.at"), when),
    field(t("visit.findings"), findings),
    field(t("visit.needs"), needs),
    field(t("visit.followUp"), followUp),
    h("label", { class: "check" }, promise, t("visit.promise")),
    field(t("visit.promiseDue"), promiseDue),
    items,
    photos.node,
    h("label", { class: "check" }, withLoc, t("visit.withLocation")),
    save,
  );
  await fill(null);
  await showItems();
};

const diaryScreen: Screen<Extract<Route, { screen: "diary" }>> = async (el, r) => {
  const v = await call("diary", { month: r.month });
  const current = v.month === v.today.slice(0, 7);
  const nav = h(
    "div",
    { class: "row month-nav" },
    h("button", { onclick: () => go({ screen: "diary", month: shiftMonth(v.month, -1) }) }, `‹ ${t("diary.prev")}`),
    h("b", {}, v.month),
    current ? null : h("button", { onclick: () => go({ screen: "diary", month: shiftMonth(v.month, 1) }) }, `${t("diary.next")} ›`),
  );
  add(el, h("h1", {}, t("diary.title")), nav);
  if (diaryWritable(v)) {
    // Today, or 补记 for a missed day of this month or of the unfiled last month; a day that
    // has an entry is corrected (the same record), not written twice.
    const bounds = diaryDateBounds(v);
    const date = h("input", { type: "date", min: bounds.min, max: bounds.max, value: bounds.initial, "data-testid": "diary-date" });
    const text = h("textarea", { rows: "5", placeholder: t("diary.placeholder"), "data-testid": "diary-text" });
    const hint = h("p", { class: "muted small", "data-testid": "diary-hint" });
    const title = h("h2", {});
    const show = () => {
      const e = entryOf(v.entries, date.value);
      title.textContent = date.value === v.today ? t("diary.today") : t("diary.forDay", { date: date.value });
      text.value = e ? e.text : "";
      hint.textContent = e ? t("diary.editHint") : t("diary.backfillHint");
    };
    date.addEventListener("change", show);
    show();
    const photos = attachmentPicker("diary");
    const save = h("button", { class: "primary", "data-testid": "diary-save" }, t("diary.write"));
    save.onclick = () =>
      void act(save, el, async () => {
        await call("write_diary", { date: date.value || null, text: text.value, amends: null, attachments: photos.ids() });
        toast(t("common.saved"));
        await render();
      });
    add(el, h("div", { class: "card" }, title, field(t("diary.date"), date), text, hint, photos.node, save));
  }
  add(el, filingCard(v.filing, el, () => render()));
  add(el, h("h2", {}, t("diary.month", { month: v.month }), h("small", { class: "muted" }, ` ${t("diary.daysWritten", { n: v.daysWritten })}`)));
  if (!v.entries.length) add(el, h("p", { class: "muted" }, t("diary.empty")));
  const ul = h("ul", { class: "list diary", "data-testid": "diary-entries" });
  for (const e of v.entries) ul.append(diaryEntry(e, v.filed));
  add(el, ul);
};

/** A month's filing (月备案): its state, and once it has ended its gaps listed before the
 * first secretary confirms. Used by the Diary screen (one's own month) and the Team screen
 * (each member's month). */
function filingCard(g: MonthGaps, where: HTMLElement, done: () => Promise<void>): HTMLElement {
  const card = h(
    "div",
    { class: "card filing", "data-testid": "filing" },
    h("h2", {}, t("filing.title"), g.memberName ? h("small", { class: "muted" }, ` ${g.memberName} · ${g.month}`) : null),
    h("p", { class: g.window === "filed" ? "badge ok" : g.window === "late" ? "warn" : "muted", "data-testid": g.window === "filed" ? "diary-filed" : "filing-state" }, filingText(g)),
  );
  if (g.window !== "not_yet") card.append(submissionLine(g));
  if (g.window === "not_yet" || g.window === "filed") return card;
  const lines = gapLines(g);
  card.append(
    h("p", {}, lines.length ? t("filing.gaps") : t("filing.noGaps")),
    h("ul", { class: "list small", "data-testid": "filing-gaps" }, lines.map((l) => h("li", {}, h("b", {}, l.label), ` ${l.days}`))),
  );
  if (g.canSubmit) card.append(submitMonthBox(g, where, done));
  if (!g.canFile) {
    card.append(h("p", { class: "muted small" }, t("filing.byFirstSecretary")));
    return card;
  }
  const file = h("button", { "data-testid": "diary-file" }, t("filing.review"));
  let armed = false;
  file.onclick = () => {
    if (!armed) {
      armed = true;
      file.textContent = `${t("filing.confirm")} — ${t("diary.fileConfirm")}`;
      file.classList.add("danger");
      return;
    }
    void act(file, where, async () => {
      await call("file_month", { month: g.month, memberId: g.memberId });
      toast(t("common.saved"));
      await done();
    });
  };
  card.append(file);
  return card;
}

/** Whether the member submitted the month (提交本月), with the gaps listed then and the note. */
function submissionLine(g: MonthGaps): HTMLElement {
  if (g.submittedAt == null) {
    return h("p", { class: "muted small", "data-testid": "submission-state" }, t("submit.not"));
  }
  const when = new Date(g.submittedAt).toISOString().slice(0, 10);
  const gaps = g.submittedGaps.length ? t("submit.withGaps", { days: g.submittedGaps.map((d) => String(Number(d.slice(8)))).join("、") }) : t("submit.noGaps");
  return h(
    "p",
    { class: "ok small", "data-testid": "submission-state" },
    t("submit.done", { date: when }),
    ` ${gaps}`,
    g.submissionNote ? h("span", { class: "muted" }, ` · ${g.submissionNote}`) : null,
  );
}

/** 提交本月: the member submits their own ended month with the gaps listed above and a note. */
function submitMonthBox(g: MonthGaps, where: HTMLElement, done: () => Promise<void>): HTMLElement {
  const note = h("textarea", { rows: "2", placeholder: t("submit.notePlaceholder"), "data-testid": "submit-month-note" });
  const b = h("button", { class: "primary", "data-testid": "submit-month" }, g.submittedAt == null ? t("submit.button") : t("submit.again"));
  b.onclick = () =>
    void act(b, where, async () => {
      await call("submit_month", { month: g.month, note: note.value });
      toast(t("common.saved"));
      await done();
    });
  return h("div", { class: "stack" }, note, b);
}

/** The team's reports to the township of the year (年承诺, 季报告): each one's state and text;
 * the first secretary writes or rewrites them here, offline like a diary entry. */
function reportsSection(v: TeamView, el: HTMLElement): HTMLElement {
  const box = h("section", { class: "reports", "data-testid": "reports" }, h("h2", {}, t("reports.title")));
  const ul = h("ul", { class: "list" });
  for (const r of v.reports) {
    const label =
      r.quarter === 0
        ? t("reports.commitment", { year: r.year })
        : r.quarter === 5
          ? t("reports.yearly", { year: r.year })
          : r.quarter === 6
            ? t("reports.research", { year: r.year })
            : t("reports.quarter", { year: r.year, q: r.quarter });
    const li = h(
      "li",
      { "data-testid": `report-${r.period}` },
      h("b", {}, label),
      " ",
      h("span", { class: r.state === "filed" ? "ok" : r.state === "missing" ? "warn" : "muted", "data-testid": "report-state" }, t(`reports.${r.state}` as Key)),
      r.writtenBy ? h("small", { class: "muted" }, ` ${r.writtenBy}`) : null,
      r.text ? h("p", { class: "small" }, r.text) : null,
    );
    if (v.canWriteReports && r.writable) {
      const btn = h("button", { class: "small", "data-testid": "report-write" }, r.text ? t("reports.rewrite") : t("reports.write"));
      btn.onclick = () => {
        const text = h("textarea", { rows: "4", "data-testid": "report-text" });
        text.value = r.text ?? "";
        const save = h("button", { class: "primary", "data-testid": "report-save" }, t("common.save"));
        save.onclick = () =>
          void act(save, el, async () => {
            await call("save_report", { period: r.period, text: text.value });
            toast(t("common.saved"));
            await render();
          });
        btn.replaceWith(h("div", { class: "stack" }, text, save));
      };
      li.append(btn);
    }
    ul.append(li);
  }
  box.append(ul);
  return box;
}

function diaryEntry(e: DiaryItem, filed: boolean): HTMLElement {
  const li = h(
    "li",
    { class: [e.amends ? "amendment" : "", e.backfilled ? "backfilled" : ""].join(" ").trim() },
    h("div", { class: "small muted", "data-testid": "diary-entry-meta" }, diaryEntryMeta(e)),
    h("p", {}, e.text),
    e.photos ? attachmentStrip("diary", e.id) : null,
  );
  if (filed && !e.amends) {
    const btn = h("button", { class: "small", "data-testid": "diary-amend" }, t("diary.amend"));
    btn.onclick = () => {
      const text = h("textarea", { rows: "3", placeholder: t("diary.amendPlaceholder"), "data-testid": "diary-amend-text" });
      const save = h("button", { class: "primary", "data-testid": "diary-amend-save" }, t("common.save"));
      save.onclick = () =>
        void act(save, li, async () => {
          await call("write_diary", { date: e.date, text: text.value, amends: e.id, attachments: [] });
          toast(t("common.saved"));
          await render();
        });
      btn.replaceWith(h("div", { class: "stack" }, text, save));
    };
    li.append(btn);
  }
  return li;
}

/** The first secretary files a member's ended month from the Team screen: the month's gaps
 * are fetched and shown first, filing is confirmed in the card. */
function memberFileButton(memberId: string, name: string, month: string, el: HTMLElement): HTMLElement {
  const b = h("button", { class: "small", "data-testid": "team-file-month" }, t("team.fileMonth", { month }));
  b.onclick = () =>
    void act(b, el, async () => {
      const g = await call("month_gaps", { memberId, month });
      b.replaceWith(filingCard({ ...g, memberName: g.memberName || name }, el, () => render()));
    });
  return b;
}

/** The 月度考核 section of the Team screen: each sheet this member may see, with its points,
 * items and reasons and its place in the chain; the first secretary scores colleagues here. */
function scoresSection(v: MonthScores, el: HTMLElement): HTMLElement {
  const box = h(
    "section",
    { class: "scores", "data-testid": "scores" },
    h("h2", {}, t("scores.title"), h("small", { class: "muted" }, ` ${v.month}`)),
    h("p", { class: "muted small" }, t("scores.intro", { base: formatPoints(v.base), cut: formatPoints(v.cutBelow) })),
  );
  if (!v.sheets.length) box.append(h("p", { class: "muted" }, t("scores.none")));
  const ul = h("ul", { class: "list", "data-testid": "score-sheets" });
  for (const s of v.sheets) ul.append(scoreSheetItem(s, v, el));
  box.append(ul);
  if (v.canScore && !v.monthEnded) box.append(h("p", { class: "muted small" }, t("scores.monthNotOver")));
  if (v.canScore) box.append(h("p", { class: "muted small" }, t("scores.ownByTownship")));
  return box;
}

function scoreSheetItem(s: ScoreSheetView, v: MonthScores, el: HTMLElement): HTMLElement {
  const li = h(
    "li",
    { class: "score-sheet", "data-testid": "score-sheet", "data-member": s.memberId },
    h("b", {}, s.memberName),
    " ",
    h("span", { class: `tag ${s.state ?? "none"}`, "data-testid": "score-state" }, scoreStateLabel(s)),
    " ",
    h(
      "b",
      { class: s.allowanceCut ? "warn" : "ok", "data-testid": "score-points" },
      t("scores.points", { points: formatPoints(s.points) }),
    ),
    s.provisional ? h("small", { class: "muted" }, ` (${t("scores.provisional")})`) : null,
    s.allowanceCut ? h("small", { class: "warn" }, ` ${t("scores.allowanceCut", { cut: formatPoints(v.cutBelow) })}`) : null,
  );
  if (s.vetoed) li.append(h("p", { class: "warn small" }, t("scores.vetoed")));
  if (s.auditPoints !== null) li.append(h("p", { class: "small" }, t("scores.auditOverride", { points: formatPoints(s.auditPoints), note: s.auditNote })));
  add(
    li,
    s.items.length
      ? h("ul", { class: "small", "data-testid": "score-items" }, s.items.map((i) => h("li", {}, scoreItemLine(i, lang()))))
      : s.state
        ? h("p", { class: "muted small" }, t("scores.noItems"))
        : null,
  );
  if (s.note) li.append(h("p", { class: "small" }, `${t("scores.note")}：${s.note}`));
  if (s.scoredBy && s.scoredAt) li.append(h("p", { class: "muted small" }, t("scores.scoredBy", { name: s.scoredBy, at: formatDateTime(s.scoredAt) })));
  li.append(h("p", { class: "muted small", "data-testid": "score-automatic", title: s.automatic.explanation }, automaticLines(s, lang()).join(" · ")));
  if (s.canEdit) {
    const b = h("button", { class: "small", "data-testid": "score-edit" }, t("scores.edit"));
    b.onclick = () => b.replaceWith(scoreForm(s, v, el));
    li.append(b);
  }
  return li;
}

/** The first secretary's form: bonus / deduction / veto lines with reasons, a comment, a live
 * preview of the points; saved on the device (offline) and synced like every record. */
function scoreForm(s: ScoreSheetView, v: MonthScores, el: HTMLElement): HTMLElement {
  const rows: { kind: HTMLSelectElement; points: HTMLInputElement; reason: HTMLInputElement; row: HTMLElement }[] = [];
  const list = h("div", { class: "stack", "data-testid": "score-form-items" });
  const preview = h("p", { class: "small", "data-testid": "score-preview" });
  const problems = h("ul", { class: "warn small", "data-testid": "score-problems" });
  const items = (): ScoreItemEntry[] =>
    rows.map((r) => ({ kind: r.kind.value as ScoreItemKindCode, points: r.kind.value === "veto" ? 0 : Number(r.points.value), reason: r.reason.value }));
  const refresh = () => {
    preview.textContent = t("scores.preview", { points: formatPoints(previewPoints(s.automatic.points, items(), v.max)) });
  };
  const addRow = (i: ScoreItemEntry) => {
    const kind = h("select", { "data-testid": "score-item-kind" }, SCORE_KINDS.map((k) => h("option", { value: k }, t(scoreKindKey(k)))));
    kind.value = i.kind;
    const points = h("input", { type: "number", min: "0", max: "10", step: "0.5", value: String(i.points), "data-testid": "score-item-points" });
    const reason = h("input", { type: "text", value: i.reason, placeholder: t("scores.itemReason"), "data-testid": "score-item-reason" });
    const remove = h("button", { class: "small", "data-testid": "score-item-remove" }, t("scores.removeItem"));
    const row = h("div", { class: "row" }, kind, field(t("scores.itemPoints"), points), field(t("scores.itemReason"), reason), remove);
    const entry = { kind, points, reason, row };
    const sync = () => {
      points.disabled = kind.value === "veto";
      refresh();
    };
    kind.addEventListener("change", sync);
    points.addEventListener("input", refresh);
    remove.onclick = () => {
      rows.splice(rows.indexOf(entry), 1);
      row.remove();
      refresh();
    };
    rows.push(entry);
    list.append(row);
    sync();
  };
  for (const i of s.items) addRow(i);
  const more = h("button", { class: "small", "data-testid": "score-add-item" }, t("scores.addItem"));
  more.onclick = () => addRow({ kind: "bonus", points: 0.5, reason: "" });
  const note = h("textarea", { rows: "2", placeholder: t("scores.note"), "data-testid": "score-note" });
  note.value = s.note;
  const save = h("button", { class: "primary", "data-testid": "score-save" }, t("scores.save"));
  save.onclick = () => {
    const wrong = scoreItemProblems(items());
    problems.replaceChildren(...wrong.map((w) => h("li", {}, w)));
    if (wrong.length) return;
    void act(save, el, async () => {
      await call("save_score_sheet", { memberId: s.memberId, month: v.month, items: items(), note: note.value });
      toast(t("common.saved"));
      await render();
    });
  };
  refresh();
  return h("div", { class: "card", "data-testid": "score-form" }, list, more, field(t("scores.note"), note), preview, problems, save);
}

const teamScreen: Screen<Extract<Route, { screen: "team" }>> = async (el, r) => {
  const v = await call("team", { month: r.month });
  // The scores section must not take the calendar and leave down with it.
  const scores = await call("month_scores", { month: v.month }).catch((e: unknown) => errorText(e));
  const weekdays = t("team.weekdays").split(",");
  const table = h(
    "table",
    { class: "calendar", "data-testid": "team-calendar" },
    h("thead", {}, h("tr", {}, weekdays.map((d) => h("th", {}, d)))),
    h(
      "tbody",
      {},
      calendarWeeks(v.days, v.firstWeekday).map((week) =>
        h(
          "tr",
          {},
          week.map((d) =>
            d
              ? h(
                  "td",
                  { class: dayClass(d), title: [...d.present, ...d.onLeave.map((n) => `${n}（${t("leave.approved")}）`)].join("、") },
                  h("b", {}, String(Number(d.date.slice(8)))),
                  h(
                    "small",
                    {},
                    d.future ? "" : d.nobody ? t("team.nobody") : d.excused ? t("team.excused") : d.present.map((n) => n.slice(-1)).join(""),
                  ),
                )
              : h("td", { class: "pad" }),
          ),
        ),
      ),
    ),
  );
  const from = h("input", { type: "date", "data-testid": "leave-from" });
  const to = h("input", { type: "date", "data-testid": "leave-to" });
  const reason = h("input", { type: "text", "data-testid": "leave-reason" });
  const kind = h(
    "select",
    { "data-testid": "leave-kind" },
    LEAVE_KINDS.map((k) => h("option", { value: k }, t(leaveKindKey(k)))),
  );
  const submit = h("button", { "data-testid": "leave-submit" }, t("team.leaveSubmit"));
  submit.onclick = () =>
    void act(submit, el, async () => {
      await call("request_leave", { from: from.value, to: to.value, reason: reason.value, kind: kind.value as LeaveKindCode });
      toast(t("common.saved"));
      await render();
    });
  add(el, 
    h("h1", {}, t("team.title")),
    h(
      "div",
      { class: "row month-nav" },
      h("button", { onclick: () => go({ screen: "team", month: shiftMonth(v.month, -1) }) }, `‹ ${t("diary.prev")}`),
      h("b", {}, t("team.calendar", { month: v.month })),
      h("button", { onclick: () => go({ screen: "team", month: shiftMonth(v.month, 1) }) }, `${t("diary.next")} ›`),
    ),
    h("p", { class: v.gaps ? "warn" : "ok", "data-testid": "team-gaps" }, v.gaps ? t("team.gaps", { n: v.gaps }) : t("team.noGaps")),
    table,
    h("h2", {}, t("team.members")),
    h(
      "ul",
      { class: "list" },
      v.members.map((m) =>
        h(
          "li",
          {},
          h("b", {}, m.name),
          ` ${t(`role.${m.role}` as Key)} · ${t("team.daysInMonth", { n: m.daysThisMonth })} · `,
          h("span", { class: m.monthFiled ? "ok" : "muted" }, t(m.monthFiled ? "team.filed" : "team.notFiled")),
          v.monthEnded ? h("span", { class: m.submitted ? "ok" : "muted", "data-testid": "team-submitted" }, ` · ${t(m.submitted ? "team.submitted" : "team.notSubmitted")}`) : null,
          m.canFile ? memberFileButton(m.id, m.name, v.month, el) : null,
        ),
      ),
    ),
    h("h2", {}, t("team.leaves")),
    v.leaves.length
      ? h(
          "ul",
          { class: "list", "data-testid": "team-leaves" },
          v.leaves.map((l) => {
            const li = h(
              "li",
              {},
              h("b", {}, l.memberName),
              ` ${l.from} – ${l.to} · `,
              h("span", { class: "tag kind", "data-testid": "leave-kind-label" }, t(leaveKindKey(l.kind))),
              ` ${l.reason} · `,
              h("span", { class: `tag ${l.state}`, "data-testid": "leave-state" }, leaveStateLabel(l)),
              l.decidedBy ? h("small", { class: "muted" }, ` ${t("team.decidedBy", { name: l.decidedBy })}`) : null,
              v.canApprove && l.memberId === setup?.member?.id && l.state === "pending"
                ? h("small", { class: "muted" }, ` ${t("team.ownLeaveNote")}`)
                : null,
            );
            for (const a of leaveActions(l)) {
              if (a === "approve" || a === "reject") {
                const approve = a === "approve";
                const b = h("button", { class: approve ? "primary small" : "small", "data-testid": approve ? "leave-approve" : "leave-reject" }, t(approve ? "team.approve" : "team.reject"));
                b.onclick = () => void act(b, li, async () => {
                  await call("decide_leave", { id: l.id, approve });
                  await render();
                });
                li.append(" ", b);
              } else if (a === "withdraw") {
                const b = h("button", { class: "small", "data-testid": "leave-withdraw" }, t("team.withdraw"));
                b.onclick = () => void act(b, li, async () => {
                  await call("withdraw_leave", { id: l.id });
                  await render();
                });
                li.append(" ", b);
              } else {
                const today = shanghaiParts(Date.now()).date;
                const back = h("input", { type: "date", min: l.from, max: today, value: today, "data-testid": "leave-returned-on" });
                const b = h("button", { class: "small", "data-testid": "leave-report-back" }, t("team.reportBack"));
                b.onclick = () => void act(b, li, async () => {
                  await call("report_back", { id: l.id, returnedOn: back.value });
                  await render();
                });
                li.append(" ", field(t("team.returnedOn"), back), b);
              }
            }
            return li;
          }),
        )
      : h("p", { class: "muted" }, t("team.noLeaves")),
    h(
      "details",
      { class: "card", "data-testid": "leave-form" },
      h("summary", {}, t("team.requestLeave")),
      field(t("team.leaveKind"), kind),
      field(t("team.leaveFrom"), from),
      field(t("team.leaveTo"), to),
      field(t("team.leaveReason"), reason),
      submit,
    ),
    reportsSection(v, el),
    "sheets" in scores
      ? scoresSection(scores, el)
      : h("section", { class: "scores" }, h("h2", {}, t("scores.title")), h("p", { class: "warn", title: scores.detail }, scores.text)),
  );
};

let syncPoll: ReturnType<typeof setInterval> | undefined;

/** The app lock on the Sync screen (issue 21): its state, and setting or changing the PIN. */
async function lockSection(): Promise<HTMLElement | null> {
  const s = await call("lock_status");
  if (s.keying === "plain") return null; // a build without encryption: no lock
  const box = h("section", { class: "lock", "data-testid": "sync-lock" });
  const paint = (s: LockStatus) => {
    clear(box);
    add(box, h("h2", {}, t("lock.section")), h("p", {}, s.hasPin ? t("lock.status", { n: s.idleMinutes }) : t("lock.none")));
    if (s.keying === "pin" && s.hasPin) box.append(h("p", { class: "muted small" }, t("lock.isKey")));
    const open = h("button", { "data-testid": "lock-change" }, t("lock.change"));
    open.onclick = () =>
      open.replaceWith(
        pinForm(s, (next) => {
          toast(t("lock.saved"));
          paint(next);
        }),
      );
    box.append(open);
  };
  paint(s);
  return box;
}

const syncScreen: Screen = async (el) => {
  const s = await call("sync_status");
  const server = h("input", { type: "url", value: s.serverUrl, "data-testid": "sync-server" });
  const saveServer = h("button", { "data-testid": "sync-save-server" }, t("sync.saveServer"));
  saveServer.onclick = () =>
    void act(saveServer, el, async () => {
      if (!setup) return;
      setup = await call("save_settings", { ...setup.settings, serverUrl: server.value });
      toast(t("common.saved"));
    });
  const lockBox = await lockSection();
  // 待核对的冲突: every record two phones changed at once, in words, each value with a keep
  // button; drawn again after each sync (a sync may bring new ones) and after each pick.
  const conflictsBox = h("section", { class: "card warn", "data-testid": "sync-conflicts" });
  const paintConflicts = async () => {
    const list = await call("conflicts");
    clear(conflictsBox);
    conflictsBox.hidden = list.count === 0;
    add(conflictsBox,
      h("h2", {}, t("conflicts.title", { n: list.count })),
      h("p", { class: "small" }, t("household.conflicts")),
      conflictList(list.records, (r, c, value, b) =>
        void act(b, conflictsBox, async () => {
          await call("keep_record_value", { kind: r.kind, id: r.id, field: c.field, value });
          toast(t("common.saved"));
          await paintConflicts();
        }),
      ),
    );
  };
  await paintConflicts();
  const state = h("div", { class: "card", "data-testid": "sync-state" });
  const progress = h("progress", { max: "1", "data-testid": "sync-progress" });
  const result = h("div", { "data-testid": "sync-result" });
  const btn = h("button", { class: "primary big", "data-testid": "sync-now" }, t("sync.now"));
  const paint = (st: SyncStatus) => {
    clear(state);
    add(state, 
      h("div", { class: "kv" }, h("span", {}, t("sync.last")), h("b", { "data-testid": "sync-last" }, st.lastSyncAt ? formatDateTime(st.lastSyncAt) : t("sync.never"))),
      h("div", { class: "kv" }, h("span", {}, t("sync.pending")), h("b", { "data-testid": "sync-pending" }, t("sync.pendingCount", { n: st.pendingChanges }))),
      st.pendingDocs.length ? h("small", { class: "muted" }, st.pendingDocs.map((d) => docLabel(d)).join("、")) : null,
    );
    progress.hidden = !st.running;
    btn.disabled = st.running;
    btn.textContent = st.running ? t("sync.running") : t("sync.now");
    clear(result);
    if (st.running || st.progress.requests) {
      result.append(h("p", { class: "small muted", "data-testid": "sync-requests" }, t("sync.progress", { n: st.progress.requests })));
    }
    if (!st.running && st.lastError) result.append(errorBox(st.lastError));
    else if (!st.running && st.lastResult) {
      result.append(h("p", { class: "ok", "data-testid": "sync-done" }, t("sync.done", { pushed: st.lastResult.changesPushed, received: st.lastResult.changesReceived })));
      for (const r of st.lastResult.refusedDocs) {
        const withdraw = h("button", { "data-testid": "sync-withdraw" }, t("sync.withdraw"));
        withdraw.onclick = () =>
          void act(withdraw, el, async () => {
            paint(await call("withdraw_refused", r));
            toast(t("sync.withdrawn"));
          });
        result.append(
          h("div", { class: "card warn", "data-testid": "sync-refused" },
            h("p", {}, t("sync.refused"), " ", docLabel(r.doc)),
            h("p", { class: "small" }, r.reason),
            h("p", { class: "small muted" }, t("sync.withdrawHint")),
            withdraw,
          ),
        );
      }
    }
    if (st.withdrawn.length) {
      result.append(
        h("details", { "data-testid": "sync-withdrawn-list" },
          h("summary", {}, t("sync.withdrawnList", { n: st.withdrawn.length })),
          st.withdrawn.map((w) =>
            h("div", { class: "card small" },
              h("b", {}, docLabel(w.doc)), " ", formatDateTime(w.withdrawnAt),
              h("p", { class: "muted" }, w.reason),
              h("pre", {}, w.fields),
            ),
          ),
        ),
      );
    }
  };
  const poll = () => {
    if (syncPoll) clearInterval(syncPoll);
    syncPoll = setInterval(async () => {
      if (!document.body.contains(state)) return clearInterval(syncPoll);
      try {
        const st = await call("sync_status");
        paint(st);
        if (!st.running) clearInterval(syncPoll);
      } catch {
        clearInterval(syncPoll);
      }
    }, 400);
  };
  btn.onclick = () => {
    btn.disabled = true;
    btn.textContent = t("sync.running");
    progress.hidden = false;
    poll();
    call("sync_now")
      .catch(() => undefined) // the error is shown from sync_status
      .finally(async () => {
        paint(await call("sync_status"));
        await paintConflicts().catch(() => undefined);
      });
  };
  const language = h(
    "select",
    { "data-testid": "sync-language" },
    h("option", { value: "zh" }, "简体中文"),
    h("option", { value: "en" }, "English"),
  );
  language.value = lang();
  language.onchange = () => void switchLanguage(language.value as "zh" | "en");
  add(el, 
    h("h1", {}, t("sync.title")),
    state,
    btn,
    progress,
    result,
    conflictsBox,
    h("p", { class: "muted small" }, t("sync.auto")),
    field(t("sync.language"), language),
    h("div", { class: "card" },
      h("a", { href: "#/nearby", class: "button", "data-testid": "sync-nearby" }, t("sync.nearby")),
      h("p", { class: "muted small" }, t("sync.nearbyHint")),
    ),
    lockBox,
    // The server address and the store's path are for whoever sets the phone up, not for daily
    // work: behind 高级 (issue 21).
    h(
      "details",
      { "data-testid": "sync-advanced" },
      h("summary", {}, t("setup.advanced")),
      h("div", { class: "row" }, field(t("sync.server"), server), saveServer),
      h("p", { class: "muted small" }, `${t("sync.device")}: ${setup?.member?.name ?? ""} · ${setup?.storePath ?? ""}`),
    ),
  );
  paint(s);
  if (s.running) poll();
};

const SCREENS: Record<Route["screen"], Screen<never>> = {
  setup: setupScreen,
  today: todayScreen,
  households: householdsScreen,
  household: householdScreen,
  "household-edit": householdEditScreen,
  visit: visitScreen,
  diary: diaryScreen,
  team: teamScreen,
  ledger: (el) => ledgerScreen(el, { act, toast, field, redraw: () => go({ screen: "ledger" }) }),
  sync: syncScreen,
  nearby: (el) => nearbyScreen(el, act),
};

let lockShown: Promise<void> | null = null;

/** The lock screen until the PIN opens it (issue 21); then the screen the hash names. */
function showLock(s: LockStatus): Promise<void> {
  // A device the administrator had erased asks for a new PIN first: it says why (issue 21).
  const wiped = async () => (s.pinRequired ? ((await call("setup_status").catch(() => setup))?.wiped ?? null) : null);
  lockShown ??= wiped().then((w) => lockScreen(root, s, w)).then(async () => {
    // A store keyed by the PIN opened just now: who this device is may be known only now.
    setup = await call("setup_status");
    lockShown = null;
    await render();
  });
  return lockShown;
}

async function boot(): Promise<void> {
  let lock: LockStatus;
  try {
    setup = await call("setup_status");
    setLang(setup.settings.language);
    if (!location.hash && setup.startScreen) history.replaceState(null, "", `#/${setup.startScreen}`);
    lock = await call("lock_status");
  } catch (e) {
    root.append(errorBox(e));
    return;
  }
  window.addEventListener("hashchange", () => void (lockShown ?? render()));
  watchLock((s) => void showLock(s));
  if (lockView(lock) !== "open") return showLock(lock);
  await render();
}

void boot();
