// The command contract of the Taizhang app, generated from crates/taizhang-app-core/src/contract.rs.
// DO NOT EDIT: regenerate with `UPDATE_CONTRACT=1 cargo test -p taizhang-app-core --test contract`.

export type ErrorCode = "NOT_JOINED" | "ALREADY_JOINED" | "BAD_JOIN_CODE" | "BAD_SERVER_URL" | "INVALID_INPUT" | "NOT_FOUND" | "NOT_ALLOWED" | "MONTH_FILED" | "NOT_SYNCED_YET" | "SERVER_UNREACHABLE" | "SERVER_REFUSED" | "SERVER_ANSWER_UNREADABLE" | "SYNC_INCOMPLETE" | "SYNC_RUNNING" | "STORAGE" | "INTERNAL" | "OWN_LEAVE" | "MONTH_NOT_OVER" | "DEVICE_WIPED" | "LOCKED" | "WRONG_PIN" | "PIN_BLOCKED" | "PIN_WAIT";

export type CommandError = { code: ErrorCode, 
/**
 * The technical detail in English (shown small, under the translated sentence).
 */
message: string, 
/**
 * The field that was wrong, for validation errors.
 */
field: string | null, };

export type Language = "zh" | "en";

export type Settings = { serverUrl: string, language: Language, };

export type MemberRole = "first_secretary" | "team_member";

export type MemberInfo = { id: string, 
/**
 * Empty until the team has arrived by sync.
 */
name: string, role: MemberRole | null, };

export type VillageInfo = { name: string, county: string, township: string, };

export type SetupStatus = { joined: boolean, member: MemberInfo | null, village: VillageInfo | null, settings: Settings, storePath: string, 
/**
 * The screen to open first (env `TAIZHANG_START_SCREEN`, e.g. `households`), if set.
 */
startScreen: string | null, 
/**
 * Why this device's data was erased, when the administrator had it wiped (issue 21) and it
 * has not joined again.
 */
wiped: string | null, };

export type JoinRequest = { serverUrl: string, 
/**
 * The one-time enrollment code from the administrator (`XXXX-XXXX-XXXX-XXXX`).
 */
code: string, };

export type JoinResult = { setup: SetupStatus, 
/**
 * The first sync, when the server could be reached.
 */
firstSync: SyncSummary | null, 
/**
 * Why the first sync did not happen (the device is joined anyway).
 */
syncError: CommandError | null, };

export type Location = { lat: number, lon: number, accuracyM: number | null, };

export type CheckKindCode = "in" | "out";

export type CheckInRequest = { kind: CheckKindCode, 
/**
 * The device location, when it has one (optional evidence, never a gate).
 */
location: Location | null, };

export type CheckInItem = { id: string, at: number, kind: CheckKindCode, 
/**
 * Inside the village geofence; null when no location was given.
 */
inGeofence: boolean | null, };

export type DiaryStatus = "written" | "missing" | "filed";

export type FollowUpItem = { id: string, householdId: string, householdHead: string, text: string, ownerName: string, 
/**
 * Owned by this device's member.
 */
mine: boolean, 
/**
 * `YYYY-MM-DD`, or null when no day was agreed.
 */
due: string | null, 
/**
 * Open and past its due day.
 */
overdue: boolean, done: boolean, doneByName: string | null, doneAt: number | null, doneNote: string, 
/**
 * The project it became or joined (转为项目 / 并入项目, issue 22), null when none; its
 * name and state in words (empty when the project has not reached this device yet).
 */
projectId: string | null, projectName: string, projectState: ProjectStateCode | null, 
/**
 * Photos and scans on the item (issue 19).
 */
photos: number, };

export type CloseFollowUpRequest = { id: string, 
/**
 * How it was done.
 */
note: string, };

export type FindingItem = { id: string, 
/**
 * The household inspected (null for a diary entry), with its head.
 */
householdId: string | null, householdHead: string, 
/**
 * The author of the diary entry inspected (null for a household).
 */
diaryMemberName: string | null, text: string, 
/**
 * The officer and their unit, as the page signed it.
 */
foundByName: string, foundAt: number, answered: boolean, answer: string, answeredByName: string | null, answeredAt: number | null, 
/**
 * `open` 待整改, `answered` 已答复 (waiting for the officer's check), `returned` 已退回 (answer
 * again) or `accepted` 已验收.
 */
state: string, 
/**
 * The officer's note on the current answer (why it was returned), if any.
 */
reviewNote: string, 
/**
 * When the officer checked the current answer (server time), if they did.
 */
reviewedAt: number | null, };

export type AnswerFindingRequest = { id: string, answer: string, };

export type TodayView = { date: string, member: MemberInfo, village: VillageInfo | null, 
/**
 * Today's check-ins and check-outs, oldest first.
 */
checks: Array<CheckInItem>, 
/**
 * The last record today was a check-in.
 */
inVillageNow: boolean, daysThisMonth: number, daysThisYear: number, 
/**
 * Days required by today (the yearly minimum prorated to the judged days).
 */
requiredSoFar: number, 
/**
 * The policy's yearly minimum (200).
 */
yearlyTarget: number, onTrack: boolean, diaryToday: DiaryStatus, 
/**
 * Changes waiting to be sent: the same count as [`SyncStatus::pending_changes`].
 */
pendingChanges: number, 
/**
 * The open follow-up items (待办) of the village: mine first, then by due day.
 */
followUps: Array<FollowUpItem>, 
/**
 * The inspection findings waiting for the team's answer (待整改, issue 16), oldest first.
 */
findings: Array<FindingItem>, };

export type HouseholdStatusCode = "registered_poor" | "lifted_out" | "monitored" | "ordinary";

export type VisitPeriodCode = "month" | "year";

export type HouseholdFilter = { 
/**
 * Part of the head's name or of the grid.
 */
text: string | null, 
/**
 * Exact village group (村民组).
 */
group: string | null, status: HouseholdStatusCode | null, 
/**
 * Only the households I am the helper of (结对帮扶).
 */
mine?: boolean | null, 
/**
 * Only the households nobody has visited this month / this year.
 */
notVisited?: VisitPeriodCode | null, 
/**
 * Only the households with an open follow-up item (待办).
 */
openFollowUps?: boolean | null, };

export type HouseholdSummary = { id: string, head: string, group: string, grid: string, membersCount: number, status: HouseholdStatusCode, visitCount: number, lastVisitAt: number | null, hasConflicts: boolean, 
/**
 * 门牌号 (empty when not known): with the group it tells namesakes apart.
 */
doorNumber: string, };

export type HouseholdList = { items: Array<HouseholdSummary>, 
/**
 * Households on the device, before filtering.
 */
total: number, 
/**
 * Every village group, for the filter.
 */
groups: Array<string>, };

export type HouseholdInput = { id: string | null, head: string, membersCount: number, group: string, grid: string, status: HouseholdStatusCode, 
/**
 * Cause codes (`illness`, `lack_of_water`...).
 */
causes: Array<string>, helperId: string | null, plan: string, incomeYuan: number | null, 
/**
 * Issue 16's fields (phone, address, monitoring, checks, helper). Absent or null: the
 * form does not hold them and the saved record keeps what it has.
 */
details?: HouseholdDetailsInput | null, 
/**
 * Photos and scans of the household (issue 19: the house, a scanned document), ids from
 * `attach_file`. Saving adds those given to those the household has (none is taken off);
 * the household screen answers the ones it has.
 */
attachments: Array<string>, };

export type HouseholdDetailsInput = { phone: string, address: string, doorNumber: string, 
/**
 * 监测对象类型 code, only for a household whose status is 监测对象.
 */
monitoredType: string | null, 
/**
 * 风险类型 codes.
 */
risks: Array<string>, 
/**
 * 风险消除 day, `YYYY-MM-DD`.
 */
riskClearedOn: string | null, 
/**
 * 两不愁三保障 and drinking water checks that were made: a check left out is not checked yet.
 */
checks: Array<GuaranteeCheck>, incomePerHeadYuan: number | null, 
/**
 * 结对帮扶责任人: a free name (usually a cadre of the sending unit), the unit and phone.
 */
helperName: string, helperUnit: string, helperPhone: string, };

export type GuaranteeCheck = { 
/**
 * `food`, `clothing`, `education`, `medical`, `housing`, `water`.
 */
code: string, ok: boolean, };

export type Choice = { code: string, zh: string, en: string, };

export type HouseholdChoices = { monitoredTypes: Array<Choice>, risks: Array<Choice>, guarantees: Array<Choice>, relations: Array<Choice>, health: Array<Choice>, workAbility: Array<Choice>, schooling: Array<Choice>, };

export type FamilyMemberInput = { id: string | null, householdId: string, name: string, 
/**
 * 与户主关系 code (`head`, `spouse`...).
 */
relation: string, birthYear: number | null, health: string | null, workAbility: string | null, schooling: string | null, 
/**
 * 残疾等级 1 to 4.
 */
disabilityGrade: number | null, medicalInsurance: boolean | null, pensionInsurance: boolean | null, 
/**
 * 身份证号: empty for none; the masked form shown (with `*`) keeps the stored number.
 */
idNumber: string, 
/**
 * 已迁出/注销: leaves the roster, the record is kept.
 */
left: boolean, };

export type KeepValueRequest = { householdId: string, 
/**
 * The stored field name, as in [`ConflictItem::field`].
 */
field: string, 
/**
 * One of [`ConflictItem::values`].
 */
value: string, };

export type DraftInput = { 
/**
 * Which form: `visit`, or a form's name with what it is about (`visit-edit:<id>`).
 */
form: string, 
/**
 * What the form holds, as the window writes it (JSON); empty removes the draft.
 */
body: string, };

export type DraftView = { form: string, body: string | null, 
/**
 * When it was last kept (device time, ms).
 */
savedAt: number | null, };

export type ConflictItem = { field: string, values: Array<string>, 
/**
 * The field in words, Chinese and English (the stored name when it has no words).
 */
labelZh: string, labelEn: string, 
/**
 * The values in words (status codes as 监测对象..., ID numbers masked), same order.
 */
valuesShown: Array<string>, 
/**
 * The same in English (codes in English words; text as stored).
 */
valuesShownEn: Array<string>, 
/**
 * This device's member may pick the value to keep (not on the officer's part of a
 * finding, which the township's or county's page settles).
 */
canPick: boolean, };

export type ConflictRecord = { 
/**
 * The record's kind (`household`, `person`, `followup`, `finding`, `meeting`, `project`,
 * `progress`, `situation`, `plan`).
 */
kind: string, 
/**
 * The kind in words: 农户, 家庭成员, 承诺事项…
 */
kindZh: string, kindEn: string, id: string, 
/**
 * What tells it apart: the head and group, the person and household, the promise…
 */
label: string, 
/**
 * The household it belongs to (its screen shows it too), if any.
 */
householdId?: string | null, conflicts: Array<ConflictItem>, };

export type ConflictList = { records: Array<ConflictRecord>, count: number, };

export type KeepRecordValueRequest = { kind: string, id: string, 
/**
 * The stored field name, as in [`ConflictItem::field`].
 */
field: string, 
/**
 * One of [`ConflictItem::values`].
 */
value: string, };

export type HouseholdDetail = { household: HouseholdInput, helperName: string | null, 
/**
 * Newest first.
 */
visits: Array<VisitItem>, 
/**
 * Fields two devices set to different values: shown so a person can pick.
 */
conflicts: Array<ConflictItem>, 
/**
 * Issue 16's details that are set (phone, door number, monitoring, checks, helper), in words.
 */
facts: Array<WordsItem>, 
/**
 * The family roster (家庭成员), head first; people who left are not listed.
 */
family: Array<FamilyItem>, 
/**
 * Every change of the household, newest first.
 */
history: Array<HistoryItem>, 
/**
 * Its follow-up items (承诺事项), open ones first.
 */
followUps: Array<FollowUpItem>, 
/**
 * The inspection findings about it (检查发现的问题), open ones first.
 */
findings: Array<FindingItem>, };

export type WordsItem = { labelZh: string, labelEn: string, valueZh: string, valueEn: string, };

export type FamilyItem = { id: string, name: string, relationZh: string, relationEn: string, age: number | null, 
/**
 * Whole only for the member who typed it; masked for everyone else; empty when not kept.
 */
idNumber: string, 
/**
 * Health, ability to work, schooling, disability, insurance, in words.
 */
notesZh: string, notesEn: string, 
/**
 * The codes as stored, for the edit form.
 */
relation: string, birthYear: number | null, health: string | null, workAbility: string | null, schooling: string | null, disabilityGrade: number | null, medicalInsurance: boolean | null, pensionInsurance: boolean | null, };

export type HistoryChange = { labelZh: string, labelEn: string, old: string, new: string, };

export type HistoryItem = { at: number, 
/**
 * The member's name; empty when the change does not name its author (older versions).
 */
who: string, changes: Array<HistoryChange>, };

export type VisitInput = { householdId: string, findings: string, needs: string, followUp: string, location: Location | null, 
/**
 * Make the follow-up text a to-do item (承诺事项) owned by me, due on this day
 * (`YYYY-MM-DD`, or an empty string for no day). Absent: the text stays a note.
 */
promiseDue?: string | null, 
/**
 * When the visit took place, Beijing time (`YYYY-MM-DDTHH:MM`, a `datetime-local`
 * input's value); absent or empty: now. Not in the future (beyond the clock tolerance);
 * any past time is accepted (a visit recorded late).
 */
at?: string | null, 
/**
 * The visit this one corrects (更正): one of my own earlier visits of the same household.
 * The original is kept as it was; the household screen shows both.
 */
amends?: string | null, 
/**
 * Open follow-up items of the household to close (办结) with this visit, each with how it
 * was done: closed by me at the time of saving.
 */
close: Array<CloseFollowUpRequest>, 
/**
 * Photos and scans attached with [`AttachRequest`] first (issue 19), by the id
 * `attach_file` answered; each file is on this device before the visit is saved.
 */
attachments: Array<string>, };

export type VisitItem = { id: string, householdId: string, householdHead: string, memberName: string, at: number, findings: string, needs: string, followUp: string, hasLocation: boolean, 
/**
 * The visit this one corrects, if it is a correction (更正).
 */
amends: string | null, 
/**
 * The id of the latest correction of this visit, if it was corrected.
 */
amendedBy: string | null, 
/**
 * Recorded by this device's member: they may correct it.
 */
mine: boolean, 
/**
 * How many photos and scans the visit has (issue 19); `attachments_for` lists them.
 */
photos: number, 
/**
 * Their ids (never shown): a correction (更正) starts with the photos of what it corrects.
 */
attachments: Array<string>, };

export type MonthQuery = { 
/**
 * `YYYY-MM`; null for the current month.
 */
month: string | null, };

export type DiaryItem = { id: string, date: string, text: string, 
/**
 * The entry this one corrects (an amendment written after filing).
 */
amends: string | null, 
/**
 * When it was (first) written; saving again on the same day keeps it.
 */
writtenAt: number, 
/**
 * 补记: written on a later day than the day it is about.
 */
backfilled: boolean, 
/**
 * How many photos and scans the entry has (issue 19).
 */
photos: number, };

export type DiaryView = { month: string, today: string, 
/**
 * Today's original entry, if written (only when `month` is the current month).
 */
todayEntry: DiaryItem | null, 
/**
 * The month's entries by date, amendments after what they amend.
 */
entries: Array<DiaryItem>, filed: boolean, filedAt: number | null, filedBy: string | null, 
/**
 * The first secretary may file this month now (it has ended and is not filed).
 */
canFile: boolean, daysWritten: number, 
/**
 * The earliest day an entry can be written for now: the first day of the previous month
 * while that month is not filed (补记), else of the current month.
 */
earliestDate: string, 
/**
 * Where this month stands for filing, with its gaps.
 */
filing: MonthGaps, };

export type FilingWindowCode = "not_yet" | "open" | "late" | "filed";

export type MonthGaps = { memberId: string, memberName: string, month: string, window: FilingWindowCode, 
/**
 * The first day it can be filed (the first of the next month).
 */
opens: string, 
/**
 * The last day to file it on time; null when the policy sets no deadline.
 */
due: string | null, 
/**
 * Working days without a diary entry and without approved leave.
 */
diaryGaps: Array<string>, 
/**
 * Known working days with neither a check-in nor approved leave (无故缺勤).
 */
daysWithoutCheckIn: Array<string>, 
/**
 * Days after the member's last sync known to this device (未同步): unknown, not gaps.
 */
notSynced: Array<string>, filedAt: number | null, filedBy: string | null, 
/**
 * This device's member (the first secretary) may file it now.
 */
canFile: boolean, 
/**
 * When the member submitted the month (提交本月); null: not submitted.
 */
submittedAt: number | null, 
/**
 * The days without a diary entry listed when the member submitted, and their note.
 */
submittedGaps: Array<string>, submissionNote: string, 
/**
 * This device's member may submit this month now: their own, and it has ended (again
 * after submitting: a later submission replaces the earlier one; never too late).
 */
canSubmit: boolean, };

export type MonthGapsRequest = { 
/**
 * The member whose month it is; null for this device's member.
 */
memberId: string | null, month: string, };

export type DiaryInput = { 
/**
 * `YYYY-MM-DD`; null for today.
 */
date: string | null, text: string, 
/**
 * Set to write an amendment to that entry (needed once the month is filed).
 */
amends: string | null, 
/**
 * Photos added with `attach_file` (issue 19), added to the entry's (saving the day's entry
 * again keeps the photos it has).
 */
attachments: Array<string>, };

export type FileMonthRequest = { month: string, 
/**
 * The team member whose month the first secretary files; null for their own.
 */
memberId: string | null, };

export type SubmitMonthRequest = { month: string, note: string | null, };

export type ReportStateCode = "filed" | "missing" | "not_yet";

export type ReportItem = { 
/**
 * `2026-commitment`, `2026-Q3`.
 */
period: string, 
/**
 * 0 for the commitment, 1–4 for a quarter, 5 for the yearly written report (述职), 6 for
 * the research report (调研报告).
 */
quarter: number, year: number, state: ReportStateCode, 
/**
 * It may be written now (its period has opened: a quarter's once it ended, the yearly
 * report from December, a research report any day of its year, the commitment any time).
 */
writable: boolean, text: string | null, writtenBy: string | null, writtenAt: number | null, };

export type SaveReportRequest = { 
/**
 * `2026-commitment`, `2026-Q3`, `2026-year` or `2026-research`.
 */
period: string, text: string, };

export type TeamDay = { date: string, 
/**
 * Names of the members with a check-in that day.
 */
present: Array<string>, 
/**
 * Names of the members on approved leave that day.
 */
onLeave: Array<string>, 
/**
 * Judged (not in the future) and nobody in the village, not excused.
 */
nobody: boolean, 
/**
 * Nobody in the village but every member on post had approved leave.
 */
excused: boolean, future: boolean, };

export type TeamMemberSummary = { id: string, name: string, role: MemberRole, daysThisMonth: number, monthFiled: boolean, 
/**
 * This device's member (the first secretary) may file this member's month now.
 */
canFile: boolean, 
/**
 * The member has submitted this month (提交本月).
 */
submitted: boolean, };

export type LeaveKindCode = "personal" | "sick" | "official_trip" | "training" | "rest" | "other";

export type LeaveStateCode = "pending" | "approved" | "rejected" | "withdrawn";

export type LeaveItem = { id: string, memberId: string, memberName: string, from: string, to: string, reason: string, state: LeaveStateCode, decidedBy: string | null, kind: LeaveKindCode, 
/**
 * 销假: the day the member actually came back.
 */
returnedOn: string | null, 
/**
 * This device's member may approve or reject it (never their own).
 */
canDecide: boolean, 
/**
 * It is this device's member's pending request.
 */
canWithdraw: boolean, 
/**
 * It is this device's member's approved request, not reported back yet.
 */
canReportBack: boolean, };

export type TeamView = { month: string, 
/**
 * 0 = Monday .. 6 = Sunday, for laying the first day out in a calendar.
 */
firstWeekday: number, days: Array<TeamDay>, 
/**
 * Days with nobody in the village (not excused), so far this month.
 */
gaps: number, members: Array<TeamMemberSummary>, 
/**
 * Pending requests first.
 */
leaves: Array<LeaveItem>, 
/**
 * This device's member is the first secretary (decides others' leave, files months).
 */
canApprove: boolean, 
/**
 * The month has ended (its members' months can be filed).
 */
monthEnded: boolean, 
/**
 * The team's reports to the township of the month's year (年承诺, 季报告).
 */
reports: Array<ReportItem>, 
/**
 * This device's member (the first secretary) writes them.
 */
canWriteReports: boolean, };

export type ScoreItemKindCode = "bonus" | "deduction" | "veto";

export type ScoreStateCode = "entered" | "confirmed" | "returned" | "audited";

export type ScoreItemEntry = { kind: ScoreItemKindCode, 
/**
 * More than 0 and at most 10; 0 for a veto.
 */
points: number, reason: string, };

export type AutomaticFigures = { 
/**
 * The month's points from the records alone (base minus the automatic deductions).
 */
points: number, diaryGaps: Array<string>, daysWithoutCheckIn: Array<string>, 
/**
 * Days after the member's last sync (未同步): unknown, not gaps.
 */
notSynced: Array<string>, 
/**
 * The rules' explanation, in Chinese and English.
 */
explanation: string, };

export type ScoreSheetView = { memberId: string, memberName: string, month: string, 
/**
 * Null: not scored yet.
 */
state: ScoreStateCode | null, items: Array<ScoreItemEntry>, 
/**
 * The first secretary's comment.
 */
note: string, 
/**
 * Who scored (name) and when.
 */
scoredBy: string | null, scoredAt: number | null, checkedAt: number | null, 
/**
 * The township's reason when it returned the sheet (or its remark).
 */
checkNote: string, auditedAt: number | null, 
/**
 * The county's override of the month's points, if any, and its reason.
 */
auditPoints: number | null, auditNote: string, automatic: AutomaticFigures, 
/**
 * The month's points: the automatic points plus bonuses minus deductions, within 0 to
 * the maximum; 0 after a veto; the county's override once audited with one.
 */
points: number, vetoed: boolean, 
/**
 * Below the policy's threshold (8): that month's allowance is cut.
 */
allowanceCut: boolean, 
/**
 * Until the township confirms it (or while days are not synced) the points may change.
 */
provisional: boolean, 
/**
 * This device's member (the first secretary) may enter or change it now.
 */
canEdit: boolean, 
/**
 * Fields two devices set to different values.
 */
conflicts: Array<ConflictItem>, };

export type MonthScores = { month: string, 
/**
 * Sheets can be entered only once the month has ended.
 */
monthEnded: boolean, 
/**
 * This device's member is the first secretary (enters colleagues' sheets).
 */
canScore: boolean, base: number, max: number, 
/**
 * A month strictly below this cuts the allowance.
 */
cutBelow: number, sheets: Array<ScoreSheetView>, };

export type SaveScoreSheetRequest = { memberId: string, month: string, items: Array<ScoreItemEntry>, note: string, };

export type LeaveInput = { from: string, to: string, reason: string, kind: LeaveKindCode, };

export type DecideLeaveRequest = { id: string, approve: boolean, };

export type LeaveRef = { id: string, };

export type ReportBackRequest = { id: string, 
/**
 * `YYYY-MM-DD`: the day one actually came back (present again that day).
 */
returnedOn: string, };

export type SyncProgress = { requests: number, bytesUp: number, bytesDown: number, };

export type RefusedDoc = { doc: string, reason: string, };

export type WithdrawnItem = { doc: string, key: string, 
/**
 * The record's fields, `field = value` one a line.
 */
fields: string, reason: string, withdrawnAt: number, };

export type SyncSummary = { at: number, requests: number, bytesUp: number, bytesDown: number, changesPushed: number, changesReceived: number, 
/**
 * Documents the server refused, with its reason; they stay waiting.
 */
refused: Array<string>, 
/**
 * The same, by document: what the Sync screen offers to withdraw.
 */
refusedDocs: Array<RefusedDoc>, };

export type SyncStatus = { serverUrl: string, lastSyncAt: number | null, 
/**
 * Changes made on this device the server has not confirmed.
 */
pendingChanges: number, 
/**
 * The documents they are in (`registry`, `log/<member>/2026-11`...).
 */
pendingDocs: Array<string>, running: boolean, 
/**
 * Of the running sync (or the last one).
 */
progress: SyncProgress, lastResult: SyncSummary | null, 
/**
 * The last attempt's error, cleared by a successful sync.
 */
lastError: CommandError | null, 
/**
 * Records withdrawn from refused documents on this device, oldest first.
 */
withdrawn: Array<WithdrawnItem>, };

export type UiMark = { what: string, count: number, };

export type UiMarkEcho = { 
/**
 * Milliseconds since the app process started.
 */
sinceStartMs: number, };

export type StoreKeying = "keystore" | "pin" | "plain";

export type LockStatus = { keying: StoreKeying, 
/**
 * A PIN is set on this device.
 */
hasPin: boolean, 
/**
 * A PIN must be set before anything else (no keystore: the PIN is the store's key).
 */
pinRequired: boolean, 
/**
 * The PIN is needed now (at start, or after the idle time).
 */
locked: boolean, 
/**
 * Wrong PINs left before the lock stops accepting any.
 */
attemptsLeft: number, 
/**
 * Too many wrong PINs: only the administrator's reset opens it (a window-only lock).
 */
blocked: boolean, 
/**
 * Too many wrong PINs for a PIN-keyed store: the next attempt is taken from this moment
 * (device clock, ms since 1970; 1, 5, 15, then 60 minutes after the last wrong one).
 */
retryAt: number | null, 
/**
 * Minutes without use before the PIN is asked again.
 */
idleMinutes: number, };

export type SetPinRequest = { 
/**
 * At least six digits.
 */
pin: string, 
/**
 * Minutes without use before the PIN is asked again (at least 1).
 */
idleMinutes: number, 
/**
 * The PIN now, to change it where the PIN keys the store (`StoreKeying::Pin`).
 */
currentPin: string | null, };

export type JoinLink = { code: string, server: string | null, };

export type JoinImage = { bytes: Array<number>, };

export type NearbyExchange = { at: number, 
/**
 * This device offered (the teammate joined), or joined the teammate's offer.
 */
offered: boolean, 
/**
 * The teammate's name, when their certificate names a member of the team.
 */
teammate: string | null, sent: number, received: number, 
/**
 * What this device refused of theirs, and what they refused of ours (document: reason).
 */
refused: Array<string>, refusedByTeammate: Array<string>, 
/**
 * Why the exchange failed (nothing was lost: what was received before is kept).
 */
error: string | null, };

export type NearbyStatus = { 
/**
 * False where the app cannot open a connection to a phone (the web client).
 */
available: boolean, 
/**
 * This device offers its records to teammates now.
 */
offering: boolean, 
/**
 * The pairing code to tell the teammate (while offering).
 */
code: string | null, 
/**
 * Where a teammate's phone that does not find this one can reach it (`192.168.43.5:40123`).
 */
addresses: Array<string>, 
/**
 * Whether nearby phones can find this one by themselves (DNS-SD on this network).
 */
announced: boolean, 
/**
 * When the offer ends on its own (UTC ms).
 */
until: number | null, 
/**
 * An exchange runs now.
 */
busy: boolean, 
/**
 * This session's exchanges, newest first.
 */
exchanges: Array<NearbyExchange>, };

export type NearbyJoin = { code: string, address: string | null, };

export type MeetingKindCode = "committee" | "symposium" | "party_lecture" | "training" | "other";

export type ProjectKindCode = "practical" | "aid";

export type ProjectStateCode = "planned" | "underway" | "done" | "dropped";

export type MeetingItem = { id: string, 
/**
 * `YYYY-MM-DD`.
 */
date: string, kind: MeetingKindCode, ledBy: string, 
/**
 * Null when nobody counted: unknown, not 0.
 */
attendance: number | null, topics: string, decisions: string, recordedByName: string, };

export type ProgressItem = { id: string, day: string, text: string, byName: string, 
/**
 * Photos and scans of the work (issue 19).
 */
photos: number, };

export type ProjectItem = { id: string, name: string, kind: ProjectKindCode, state: ProjectStateCode, fundingCollective: number | null, fundingFiscal: number | null, fundingPartyFees: number | null, fundingUrbanRural: number | null, 
/**
 * The sum of the sources recorded; null when none is.
 */
fundingTotal: number | null, 
/**
 * The households that benefit: ids, and heads with their village group (namesakes are
 * common); none: the whole village or not recorded.
 */
householdIds: Array<string>, householdHeads: Array<string>, startedOn: string | null, 
/**
 * By day, the earliest first.
 */
progress: Array<ProgressItem>, closedOn: string | null, closedByName: string | null, result: string, createdByName: string, 
/**
 * The follow-up items (承诺事项) that became or joined this project, open ones first, each
 * with its state: closing the project does not close them.
 */
followUps: Array<FollowUpItem>, 
/**
 * Of those, the ones still open (待办).
 */
openFollowUps: number, 
/**
 * What the linked items mean now, in words (e.g. 项目已办结，仍有 2 项承诺事项待办，请逐项办结);
 * empty when no item is linked.
 */
followUpsWordsZh: string, followUpsWordsEn: string, };

export type HouseholdPick = { id: string, head: string, group: string, };

export type VillageLedgerView = { 
/**
 * Today on the device, `YYYY-MM-DD` (the forms' default day and latest day).
 */
today: string, meetings: Array<MeetingItem>, projects: Array<ProjectItem>, households: Array<HouseholdPick>, };

export type MeetingInput = { 
/**
 * The meeting to correct (null or absent: a new one). A correction keeps who recorded it
 * and when; the document keeps the earlier values in its history.
 */
id?: string | null, 
/**
 * `YYYY-MM-DD`, not after today.
 */
date: string, kind: MeetingKindCode, ledBy: string, 
/**
 * Null or absent when nobody counted.
 */
attendance?: number | null, topics: string, decisions: string, };

export type ProjectInput = { 
/**
 * The project to correct (null or absent: a new one): its name, kind, money, households
 * and start day; a closed project keeps its state and result (progress is added apart).
 */
id?: string | null, name: string, kind: ProjectKindCode, fundingCollective: number | null, fundingFiscal: number | null, fundingPartyFees: number | null, fundingUrbanRural: number | null, householdIds: Array<string>, 
/**
 * Planned or underway (a project is closed with `close_project`).
 */
state: ProjectStateCode, 
/**
 * `YYYY-MM-DD` when work started, if known.
 */
startedOn?: string | null, };

export type ProgressInput = { projectId: string, 
/**
 * `YYYY-MM-DD`, not after today.
 */
day: string, text: string, 
/**
 * Photos and scans of the work (ids from `attach_file`), optional.
 */
attachments: Array<string>, };

export type FollowUpToProjectRequest = { 
/**
 * The follow-up item.
 */
id: string, kind: ProjectKindCode, 
/**
 * The project's name; null or empty: the item's text.
 */
name?: string | null, };

export type JoinProjectRequest = { 
/**
 * The follow-up item.
 */
id: string, projectId: string, };

export type CloseProjectRequest = { projectId: string, 
/**
 * Done or dropped.
 */
state: ProjectStateCode, day: string, result: string, };

export type YearQuery = { year?: number | null, };

export type CadreItem = { name: string, 
/**
 * 职务, free words (村党支部书记, 村委会主任, 委员 …).
 */
post: string, birthYear?: number | null, 
/**
 * An education code of `SituationView::educations`; null: not given.
 */
education?: string | null, };

export type SituationItem = { year: number, population: number | null, households: number | null, committee: Array<CadreItem>, partyMembers: number | null, collectiveIncomeYuan: number | null, incomeSources: string, incomePerHeadYuan: number | null, industries: string, roads: string, water: string, network: string, problems: string, 
/**
 * Parts filled in, of `parts`.
 */
filled: number, parts: number, updatedByName: string, 
/**
 * Milliseconds since the epoch.
 */
updatedAt: number, };

export type SituationView = { year: number, 
/**
 * This year on the device (the latest year a situation may be entered for).
 */
thisYear: number, 
/**
 * Null until someone of the team fills it in.
 */
current: SituationItem | null, 
/**
 * The year before, to show beside it; null when not entered.
 */
previous: SituationItem | null, 
/**
 * Households in the village registry and people of their family rosters (not moved out):
 * the registry's count beside the reported one.
 */
registryHouseholds: number, registryPeople: number, educations: Array<Choice>, };

export type SituationInput = { year: number, population?: number | null, households?: number | null, committee: Array<CadreItem>, partyMembers?: number | null, collectiveIncomeYuan?: number | null, incomeSources: string, incomePerHeadYuan?: number | null, industries: string, roads: string, water: string, network: string, problems: string, };

export type PlanKindCode = "three_year" | "yearly" | "letter";

export type PlanStateCode = "open" | "done" | "missed";

export type PlanEntry = { id: string, kind: PlanKindCode, 
/**
 * The (first) year it is for; a three-year goal covers this year and the next two.
 */
year: number, title: string, target: string, due: string | null, state: PlanStateCode, result: string, closedOn: string | null, 
/**
 * Open and past its due day.
 */
overdue: boolean, recordedByName: string, 
/**
 * Photos and scans (issue 19): for a letter, the signed letter.
 */
photos: number, };

export type PlansView = { year: number, today: string, items: Array<PlanEntry>, 
/**
 * Goals and plan items (not letters) covering the year.
 */
total: number, done: number, missed: number, open: number, overdue: number, 
/**
 * A responsibility letter is recorded for the year.
 */
letter: boolean, };

export type PlanInput = { 
/**
 * The item to correct or close (null or absent: a new one).
 */
id?: string | null, kind: PlanKindCode, year: number, title: string, target: string, 
/**
 * `YYYY-MM-DD`; for a letter, the day it was signed.
 */
due?: string | null, state: PlanStateCode, 
/**
 * What was achieved, or why not (needed once done or missed).
 */
result: string, 
/**
 * `YYYY-MM-DD` once done or missed (null: today).
 */
closedOn?: string | null, 
/**
 * Photos and scans (ids from `attach_file`; for a letter, the signed letter), added to
 * those the item has.
 */
attachments: Array<string>, };

export type RecordKindCode = "visit" | "diary" | "household" | "followup" | "progress" | "plan";

export type AddAttachmentsRequest = { recordKind: RecordKindCode, recordId: string, attachments: Array<string>, };

export type RemoveAttachmentRequest = { recordKind: RecordKindCode, recordId: string, 
/**
 * The attachment's id ([`AttachmentItem::id`]).
 */
id: string, };

export type AttachRequest = { recordKind: RecordKindCode, recordId?: string | null, 
/**
 * The file's name as picked (only for messages: the kind is read from the content).
 */
name: string, bytes: Array<number>, 
/**
 * Keep the place the photo was taken (EXIF) as evidence beside it; off: not kept.
 */
keepLocation: boolean, };

export type AttachmentStateCode = "waiting" | "uploading" | "uploaded" | "remote";

export type AttachmentItem = { id: string, 
/**
 * `photo` or `pdf`.
 */
kind: string, 
/**
 * The thumbnail as a `data:` URL, when it is on this device (never for a PDF).
 */
thumb: string | null, 
/**
 * When the photo was taken (EXIF, the camera's local time, `YYYY-MM-DD HH:MM`).
 */
takenAt: string | null, 
/**
 * Where it was taken (EXIF), only when the person kept it.
 */
place: Location | null, keepLocation: boolean, state: AttachmentStateCode, percent: number, 
/**
 * When the server stored it whole (UTC ms).
 */
receivedAt: number | null, 
/**
 * The state in words: 等待上传 / 正在上传 37% / 已上传 3月1日 10:05 (Beijing time).
 */
wordsZh: string, 
/**
 * The same in English: waiting to upload / uploading 37% / uploaded 1 Mar 10:05.
 */
wordsEn: string, };

export type AttachmentsQuery = { recordKind: RecordKindCode, recordId: string, };

export type AttachmentList = { items: Array<AttachmentItem>, };

export type AttachmentRef = { id: string, };

export type AttachmentData = { 
/**
 * `image/jpeg`, `application/pdf`...
 */
mime: string, 
/**
 * A `data:` URL; absent when the file is not on this device nor (yet) on the server.
 */
dataUrl: string | null, };

export type TransferSummary = { 
/**
 * Files now on the server whole.
 */
uploaded: number, 
/**
 * Chunks sent (each acknowledged as durable before the next).
 */
chunks: number, 
/**
 * File bytes those chunks carried (16–64 KiB a chunk, as the link allows).
 */
bytes: number, 
/**
 * Teammates' thumbnails received.
 */
thumbs: number, 
/**
 * Files still waiting (a cut, or not on the server yet): the next sync goes on.
 */
waiting: number, };

/** Every command: its request (`null`: none; else passed as `{ req }`) and its answer. */
export interface Commands {
  setup_status: { req: null; res: SetupStatus };
  join: { req: JoinRequest; res: JoinResult };
  save_settings: { req: Settings; res: SetupStatus };
  today: { req: null; res: TodayView };
  check_in: { req: CheckInRequest; res: CheckInItem };
  households: { req: HouseholdFilter; res: HouseholdList };
  household: { req: string; res: HouseholdDetail };
  save_household: { req: HouseholdInput; res: HouseholdDetail };
  household_choices: { req: null; res: HouseholdChoices };
  save_family_member: { req: FamilyMemberInput; res: HouseholdDetail };
  keep_value: { req: KeepValueRequest; res: HouseholdDetail };
  conflicts: { req: null; res: ConflictList };
  keep_record_value: { req: KeepRecordValueRequest; res: ConflictList };
  draft: { req: string; res: DraftView };
  save_draft: { req: DraftInput; res: DraftView };
  record_visit: { req: VisitInput; res: VisitItem };
  close_follow_up: { req: CloseFollowUpRequest; res: FollowUpItem };
  answer_finding: { req: AnswerFindingRequest; res: FindingItem };
  diary: { req: MonthQuery; res: DiaryView };
  write_diary: { req: DiaryInput; res: DiaryItem };
  month_gaps: { req: MonthGapsRequest; res: MonthGaps };
  file_month: { req: FileMonthRequest; res: MonthGaps };
  submit_month: { req: SubmitMonthRequest; res: MonthGaps };
  save_report: { req: SaveReportRequest; res: ReportItem };
  team: { req: MonthQuery; res: TeamView };
  request_leave: { req: LeaveInput; res: LeaveItem };
  decide_leave: { req: DecideLeaveRequest; res: LeaveItem };
  withdraw_leave: { req: LeaveRef; res: LeaveItem };
  report_back: { req: ReportBackRequest; res: LeaveItem };
  month_scores: { req: MonthQuery; res: MonthScores };
  save_score_sheet: { req: SaveScoreSheetRequest; res: ScoreSheetView };
  sync_status: { req: null; res: SyncStatus };
  sync_now: { req: null; res: SyncSummary };
  withdraw_refused: { req: RefusedDoc; res: SyncStatus };
  ui_mark: { req: UiMark; res: UiMarkEcho };
  lock_status: { req: null; res: LockStatus };
  set_pin: { req: SetPinRequest; res: LockStatus };
  unlock: { req: string; res: LockStatus };
  app_touch: { req: null; res: LockStatus };
  read_join_image: { req: JoinImage; res: JoinLink };
  nearby_status: { req: null; res: NearbyStatus };
  nearby_offer: { req: null; res: NearbyStatus };
  nearby_stop: { req: null; res: NearbyStatus };
  nearby_join: { req: NearbyJoin; res: NearbyExchange };
  village_ledger: { req: null; res: VillageLedgerView };
  record_meeting: { req: MeetingInput; res: MeetingItem };
  add_project: { req: ProjectInput; res: ProjectItem };
  village_situation: { req: YearQuery; res: SituationView };
  save_situation: { req: SituationInput; res: SituationView };
  plans: { req: YearQuery; res: PlansView };
  save_plan_item: { req: PlanInput; res: PlansView };
  add_progress: { req: ProgressInput; res: ProjectItem };
  close_project: { req: CloseProjectRequest; res: ProjectItem };
  attach_file: { req: AttachRequest; res: AttachmentItem };
  attachments_for: { req: AttachmentsQuery; res: AttachmentList };
  attachment_thumb: { req: AttachmentRef; res: AttachmentData };
  attachment_full: { req: AttachmentRef; res: AttachmentData };
  transfer_attachments: { req: null; res: TransferSummary };
  add_attachments: { req: AddAttachmentsRequest; res: AttachmentList };
  remove_attachment: { req: RemoveAttachmentRequest; res: AttachmentList };
  follow_up_to_project: { req: FollowUpToProjectRequest; res: ProjectItem };
  join_project: { req: JoinProjectRequest; res: ProjectItem };
}

export const ERROR_CODES: ErrorCode[] = [
  "NOT_JOINED",
  "ALREADY_JOINED",
  "BAD_JOIN_CODE",
  "BAD_SERVER_URL",
  "INVALID_INPUT",
  "NOT_FOUND",
  "NOT_ALLOWED",
  "MONTH_FILED",
  "NOT_SYNCED_YET",
  "SERVER_UNREACHABLE",
  "SERVER_REFUSED",
  "SERVER_ANSWER_UNREADABLE",
  "SYNC_INCOMPLETE",
  "SYNC_RUNNING",
  "STORAGE",
  "INTERNAL",
  "OWN_LEAVE",
  "MONTH_NOT_OVER",
  "DEVICE_WIPED",
  "LOCKED",
  "WRONG_PIN",
  "PIN_BLOCKED",
  "PIN_WAIT",
];
