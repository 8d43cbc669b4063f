// The village's follow-up items (承诺事项 / 待办, issue 16) over the period: promised, done
// (办结), done after their due day, open and overdue at the period's end, each figure explained
// with the items counted. They are evidence of 办好一批民生实事 beside the projects.

import { h } from "./dom.js";
import { lang } from "./i18n.js";
import { fig } from "./ui.js";

const WORDS = {
  zh: {
    title: "承诺事项(民生实事佐证)",
    none: "本村尚无承诺事项记录(未录入)。",
    promised: "期内承诺",
    done: "期内办结",
    late: "其中逾期后办结",
    open: "期末未办结",
    overdue: "其中已逾期",
    rule: "办结的承诺事项按县里政策折算计入“办好一批民生实事”(见七个一)。",
  },
  en: {
    title: "Follow-up items (evidence of practical projects)",
    none: "The village has recorded no follow-up item yet (not recorded).",
    promised: "Promised in the period",
    done: "Closed done in the period",
    late: "of which after their due day",
    open: "Open at the end",
    overdue: "of which overdue",
    rule: "Items closed done count toward “deliver a batch of practical projects” by the county's policy (see the seven ones).",
  },
};

function w(key) {
  return (WORDS[lang] ?? WORDS.zh)[key];
}

export function followUpsSection(data) {
  const c = data.follow_ups;
  if (!c) return null;
  const stat = (key, figure, bad) =>
    h(
      "div",
      { class: "stat", "data-testid": `followups-${key}` },
      h("div", { class: "stat-label" }, w(key)),
      h("div", { class: "stat-value" }, fig(figure, String(figure?.value ?? 0), w(key), { cls: `big${bad && figure?.value ? " bad" : ""}`, testid: `fig-followups-${key}` })),
    );
  return h(
    "section",
    { class: "card", "data-testid": "followups" },
    h("h3", null, w("title")),
    c.recorded
      ? h(
          "div",
          { class: "stats" },
          stat("promised", c.promised),
          stat("done", c.done),
          stat("late", c.done_after_due),
          stat("open", c.open),
          stat("overdue", c.overdue, true),
        )
      : h("p", { class: "muted", "data-testid": "followups-none" }, w("none")),
    h("p", { class: "muted small" }, w("rule")),
  );
}
