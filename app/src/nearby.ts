// 附近的队员 (issue 20): sync with a teammate's phone over the village's Wi-Fi or a phone's
// hotspot, no internet needed. One phone offers (a pairing code and its address on screen), the
// other joins with the code; each exchange is listed in words: with whom, how many records went
// each way, what either phone refused and why.
import { call } from "./api";
import { add, clear, h } from "./dom";
import type { NearbyExchange, NearbyStatus } from "./generated/contract";
import { t } from "./i18n";
import { formatDateTime } from "./logic";

type Act = <T>(btn: HTMLButtonElement | null, where: HTMLElement, f: () => Promise<T>) => Promise<T | undefined>;

let poll: ReturnType<typeof setInterval> | undefined;

/** One exchange in words. */
export function exchangeLine(e: NearbyExchange): HTMLElement {
  const who = e.teammate ?? t("nearby.someone");
  const head = `${formatDateTime(e.at)} · ${e.offered ? t("nearby.theyJoined", { who }) : t("nearby.iJoined", { who })}`;
  return h(
    "li",
    { class: e.error ? "warn" : "", "data-testid": "nearby-exchange", "data-ok": e.error ? "0" : "1" },
    h("div", { class: "small muted" }, head),
    e.error
      ? h("p", { class: "small", "data-testid": "nearby-error" }, t("nearby.failed", { why: e.error }))
      : h("p", { "data-testid": "nearby-counts" }, t("nearby.counts", { sent: e.sent, received: e.received })),
    e.refused.length ? h("p", { class: "small warn" }, t("nearby.refused"), " ", e.refused.join("；")) : null,
    e.refusedByTeammate.length ? h("p", { class: "small warn" }, t("nearby.refusedByTeammate"), " ", e.refusedByTeammate.join("；")) : null,
  );
}

export async function nearbyScreen(el: HTMLElement, act: Act): Promise<void> {
  const status = await call("nearby_status");
  const offerBox = h("div", { class: "card", "data-testid": "nearby-offer-box" });
  const list = h("ul", { class: "list", "data-testid": "nearby-exchanges" });
  const code = h("input", { type: "text", inputmode: "numeric", maxlength: "6", placeholder: "482193", "data-testid": "nearby-code" });
  const address = h("input", { type: "text", placeholder: "192.168.43.5:40123", "data-testid": "nearby-address" });
  const joinBtn = h("button", { class: "primary", "data-testid": "nearby-join" }, t("nearby.join"));
  const joinResult = h("div", { "data-testid": "nearby-join-result" });
  const offerBtn = h("button", { class: "primary", "data-testid": "nearby-offer" }, t("nearby.offer"));
  const stopBtn = h("button", { "data-testid": "nearby-stop" }, t("nearby.stop"));

  const paint = (s: NearbyStatus) => {
    clear(offerBox);
    if (s.offering) {
      add(
        offerBox,
        h("p", {}, t("nearby.offering")),
        h("p", { class: "big" }, t("nearby.code"), " ", h("b", { "data-testid": "nearby-offer-code" }, s.code ?? "")),
        h("p", { class: "small" }, s.announced ? t("nearby.announced") : t("nearby.notAnnounced")),
        h("p", { class: "small muted" }, t("nearby.addresses"), " ", h("span", { "data-testid": "nearby-addresses" }, s.addresses.join("、"))),
        s.until ? h("p", { class: "small muted" }, t("nearby.until", { at: formatDateTime(s.until) })) : null,
        s.busy ? h("p", { class: "small", "data-testid": "nearby-busy" }, t("nearby.busy")) : null,
        stopBtn,
      );
    } else {
      add(offerBox, h("p", { class: "small muted" }, t("nearby.offerHint")), offerBtn);
    }
    clear(list);
    if (!s.exchanges.length) list.append(h("li", { class: "muted" }, t("nearby.none")));
    else s.exchanges.forEach((e) => list.append(exchangeLine(e)));
  };
  const watch = () => {
    if (poll) clearInterval(poll);
    poll = setInterval(async () => {
      if (!document.body.contains(offerBox)) return clearInterval(poll);
      try {
        const s = await call("nearby_status");
        paint(s);
        if (!s.offering) clearInterval(poll);
      } catch {
        clearInterval(poll);
      }
    }, 700);
  };
  offerBtn.onclick = () =>
    void act(offerBtn, el, async () => {
      paint(await call("nearby_offer"));
      watch();
    });
  stopBtn.onclick = () =>
    void act(stopBtn, el, async () => {
      paint(await call("nearby_stop"));
    });
  joinBtn.onclick = () =>
    void act(joinBtn, el, async () => {
      clear(joinResult);
      joinResult.append(h("p", { class: "small muted" }, t("nearby.joining")));
      const e = await call("nearby_join", { code: code.value.trim(), address: address.value.trim() || null });
      clear(joinResult);
      joinResult.append(h("ul", { class: "list" }, exchangeLine(e)));
      paint(await call("nearby_status"));
    });

  if (!status.available) {
    add(el, h("h1", {}, t("nearby.title")), h("p", { class: "card warn", "data-testid": "nearby-unavailable" }, t("nearby.unavailable")));
    return;
  }
  add(
    el,
    h("h1", {}, t("nearby.title")),
    h("p", { class: "muted small" }, t("nearby.intro")),
    h("h2", {}, t("nearby.offerTitle")),
    offerBox,
    h("h2", {}, t("nearby.joinTitle")),
    h(
      "div",
      { class: "card" },
      h("label", { class: "field" }, h("span", {}, t("nearby.codeLabel")), code),
      h("details", {}, h("summary", {}, t("setup.advanced")), h("label", { class: "field" }, h("span", {}, t("nearby.addressLabel")), address)),
      joinBtn,
      joinResult,
    ),
    h("h2", {}, t("nearby.history")),
    list,
  );
  paint(status);
  if (status.offering) watch();
}
