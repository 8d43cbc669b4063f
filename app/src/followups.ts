// Follow-up items (承诺事项 / 待办, issue 16): the to-do list on Today and on the household
// screen, each open item with a button to close it (办结) with a note; the project it is part
// of, and on an item not yet linked 转为项目 (a new project from it) and 并入项目 (link it to a
// project of the village) — issue 22; its photos with 添加照片 (issue 19).
import { call } from "./api";
import { h } from "./dom";
import type { FollowUpItem, ProjectKindCode, ProjectStateCode } from "./generated/contract";
import { t, type Key } from "./i18n";
import { followUpMeta } from "./logic";
import { recordPhotos } from "./attachments";

/** What the screen lends the list for the project actions: its button runner and redraw. */
export interface FollowUpActions {
  act: <T>(btn: HTMLButtonElement | null, where: HTMLElement, f: () => Promise<T>) => Promise<T | undefined>;
  toast: (text: string) => void;
  redraw: () => void;
}

const stateKey = (s: ProjectStateCode) => `ledger.state.${s}` as Key;

/** The project an item is part of, in words. */
function projectLine(f: FollowUpItem): HTMLElement | null {
  if (!f.projectId) return null;
  return h(
    "div",
    { class: "small", "data-testid": "followup-project" },
    f.projectName && f.projectState ? t("followUp.project", { name: f.projectName, state: t(stateKey(f.projectState)) }) : t("followUp.projectPending"),
  );
}

/** 转为项目 and 并入项目 on an open item not linked yet. */
function projectActions(f: FollowUpItem, li: HTMLElement, x: FollowUpActions): HTMLElement {
  const kind = h(
    "select",
    { "data-testid": "followup-project-kind" },
    (["practical", "aid"] as ProjectKindCode[]).map((k) => h("option", { value: k }, t(`ledger.projectKind.${k}` as Key))),
  );
  const make = h("button", { "data-testid": "followup-to-project" }, t("followUp.toProject"));
  make.onclick = () =>
    void x.act(make, li, async () => {
      await call("follow_up_to_project", { id: f.id, kind: kind.value as ProjectKindCode, name: null });
      x.toast(t("followUp.linked"));
      x.redraw();
    });
  // The projects to join are read when the part is opened.
  const pick = h("select", { "data-testid": "followup-project-pick" });
  const join = h("button", { "data-testid": "followup-join-project" }, t("followUp.joinProject"));
  const none = h("p", { class: "small muted", hidden: true }, t("followUp.noProjects"));
  join.onclick = () =>
    void x.act(join, li, async () => {
      await call("join_project", { id: f.id, projectId: pick.value });
      x.toast(t("followUp.linked"));
      x.redraw();
    });
  const joinPart = h("details", { "data-testid": "followup-join" }, h("summary", {}, t("followUp.joinProject")), h("div", { class: "row" }, pick, join), none);
  joinPart.addEventListener("toggle", () => {
    if (!joinPart.open || pick.childElementCount) return;
    void call("village_ledger").then((v) => {
      const open = v.projects.filter((p) => p.state === "planned" || p.state === "underway");
      for (const p of open) pick.append(h("option", { value: p.id }, p.name));
      none.hidden = open.length > 0;
      join.disabled = open.length === 0;
    });
  });
  return h(
    "div",
    { class: "followup-project-actions" },
    h("details", { "data-testid": "followup-make-project" }, h("summary", {}, t("followUp.toProject")), h("p", { class: "small muted" }, t("followUp.toProjectHint")), h("div", { class: "row" }, kind, make)),
    joinPart,
  );
}

/** The list; `close` is called with the item and the note typed, and redraws the screen. With
 * `more`, each item also shows its photos (添加照片) and the project actions. */
export function followUpList(
  items: FollowUpItem[],
  close: (f: FollowUpItem, note: string, btn: HTMLButtonElement) => void,
  testid: string,
  more?: FollowUpActions,
): HTMLElement {
  if (!items.length) return h("p", { class: "muted", "data-testid": testid }, t("followUp.none"));
  return h(
    "ul",
    { class: "list", "data-testid": testid },
    items.map((f) => {
      const note = h("input", { type: "text", placeholder: t("followUp.closeNote"), "data-testid": "followup-note" });
      const btn = h("button", { "data-testid": "followup-close" }, t("followUp.close"));
      btn.onclick = () => close(f, note.value, btn);
      const li = h(
        "li",
        { class: f.overdue ? "warn" : "", "data-testid": "followup-item", "data-id": f.id },
        h("b", {}, f.text),
        f.mine && !f.done ? h("small", { class: "muted" }, ` · ${t("followUp.mine")}`) : null,
        h("div", { class: f.overdue ? "small warn" : "small muted" }, followUpMeta(f)),
        projectLine(f),
        f.done ? (f.doneNote ? h("div", { class: "small" }, f.doneNote) : null) : h("div", { class: "row" }, note, btn),
      );
      if (more) {
        li.append(recordPhotos("followup", f.id, f.photos, t("photo.pick")));
        if (!f.done && !f.projectId) li.append(projectActions(f, li, more));
      }
      return li;
    }),
  );
}
