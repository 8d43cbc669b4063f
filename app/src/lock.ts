// The lock screens (issue 21): set a PIN where the device has no keystore (the PIN then keys the store), enter it at start and after the idle time, and the blocked state after five wrong PINs.
import { call } from "./api";
import { add, clear, h } from "./dom";
import type { LockStatus } from "./generated/contract";
import { t } from "./i18n";
import { IDLE_CHOICES, lockView, pinProblem, shouldTouch, waitLeft } from "./lock-logic";
import { errorText, isCommandError } from "./logic";

function pinInput(testid: string): HTMLInputElement {
  return h("input", {
    type: "password",
    inputmode: "numeric",
    autocomplete: "off",
    pattern: "[0-9]*",
    "data-testid": testid,
  });
}

function label(text: string, input: HTMLElement): HTMLElement {
  return h("label", { class: "field" }, h("span", {}, text), input);
}

function problemBox(where: HTMLElement, text: string, detail?: string): void {
  where.querySelectorAll(".error").forEach((e) => e.remove());
  where.append(
    h(
      "div",
      { class: "error", role: "alert", "data-testid": "lock-error" },
      h("p", {}, text),
      detail ? h("small", { class: "muted" }, detail) : null,
    ),
  );
}

/** The form that sets (or changes) the PIN; `done` gets the new state. */
export function pinForm(s: LockStatus, done: (s: LockStatus) => void): HTMLElement {
  // Where the PIN keys the store, changing it needs the current one.
  const current = s.keying === "pin" && s.hasPin ? pinInput("lock-current-pin") : null;
  const pin = pinInput("lock-new-pin");
  const again = pinInput("lock-new-pin-again");
  const idle = h(
    "select",
    { "data-testid": "lock-idle" },
    IDLE_CHOICES.map((m) =>
      h("option", { value: String(m), selected: m === (s.idleMinutes || 5) }, t("lock.minutes", { n: m })),
    ),
  );
  const out = h("div", {});
  const btn = h("button", { class: "primary", "data-testid": "lock-set" }, t("lock.set"));
  btn.onclick = async () => {
    const p = pinProblem(pin.value, again.value);
    if (p) return problemBox(out, t(p));
    btn.disabled = true;
    try {
      done(await call("set_pin", { pin: pin.value, idleMinutes: Number(idle.value), currentPin: current ? current.value : null }));
    } catch (e) {
      const { text, detail } = errorText(e);
      problemBox(out, text, detail);
    } finally {
      btn.disabled = false;
    }
  };
  return h(
    "div",
    { class: "card", "data-testid": "lock-pin-form" },
    current ? label(t("lock.currentPin"), current) : null,
    label(t("lock.newPin"), pin),
    label(t("lock.newPinAgain"), again),
    label(t("lock.idle"), idle),
    btn,
    out,
  );
}

/**
 * Draws the lock screen for `s` into `root`; resolves once the lock is open. `wiped`: why this
 * device was erased (the administrator's wipe), shown above the form for a new PIN.
 */
export function lockScreen(root: HTMLElement, s: LockStatus, wiped: string | null = null): Promise<void> {
  return new Promise((resolve) => {
    const draw = (s: LockStatus) => {
      const view = lockView(s);
      if (view === "open") return resolve();
      clear(root);
      const box = h("section", { class: "screen screen-lock", "data-testid": `lock-${view}` });
      root.append(h("main", { id: "screen" }, box));
      if (view === "set-pin") {
        add(
          box,
          h("h1", {}, t("lock.setTitle")),
          wiped ? h("p", { class: "warn", "data-testid": "lock-wiped" }, `${t("setup.wiped")} ${wiped}`) : null,
          h("p", {}, t("lock.setIntro")),
          pinForm(s, draw),
        );
      } else if (view === "blocked") {
        add(box, h("h1", {}, t("lock.title")), h("p", { class: "warn" }, t("lock.blocked")));
      } else {
        const pin = pinInput("lock-pin");
        const out = h("div", {});
        const btn = h("button", { class: "primary big", "data-testid": "lock-unlock-button" }, t("lock.unlock"));
        const tryPin = async () => {
          btn.disabled = true;
          try {
            draw(await call("unlock", pin.value));
          } catch (e) {
            if (isCommandError(e) && (e.code === "WRONG_PIN" || e.code === "PIN_BLOCKED" || e.code === "PIN_WAIT")) {
              const now = await call("lock_status");
              if (lockView(now) === "blocked") return draw(now);
              const wait = waitLeft(now.retryAt, Date.now());
              problemBox(out, wait ? t("lock.wait", wait) : t("lock.wrong", { n: now.attemptsLeft }));
              pin.value = "";
            } else {
              const { text, detail } = errorText(e);
              problemBox(out, text, detail);
            }
          } finally {
            btn.disabled = false;
          }
        };
        btn.onclick = () => void tryPin();
        pin.onkeydown = (ev: KeyboardEvent) => {
          if (ev.key === "Enter") void tryPin();
        };
        add(
          box,
          h("h1", {}, t("lock.title")),
          h("p", {}, t(s.keying === "pin" ? "lock.introStore" : "lock.intro")),
          label(t("lock.pin"), pin),
          btn,
          out,
        );
        const wait = waitLeft(s.retryAt, Date.now());
        if (wait) problemBox(out, t("lock.wait", wait));
        pin.focus();
      }
    };
    draw(s);
  });
}

/**
 * Watches the lock while the app runs: reports activity (throttled) and asks the core every few
 * seconds whether the idle time has closed it; then `onLocked` draws the lock screen.
 */
export function watchLock(onLocked: (s: LockStatus) => void): void {
  let last = 0;
  const touch = () => {
    const now = Date.now();
    if (!shouldTouch(last, now)) return;
    last = now;
    void call("app_touch").then((s) => lockView(s) !== "open" && onLocked(s), () => undefined);
  };
  for (const ev of ["pointerdown", "keydown", "touchstart"]) window.addEventListener(ev, touch, { passive: true });
  setInterval(() => {
    void call("lock_status").then((s) => lockView(s) !== "open" && onLocked(s), () => undefined);
  }, 10_000);
}
