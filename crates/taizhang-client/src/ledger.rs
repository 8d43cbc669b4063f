//! The ledger of one device: every edit is validated, applied to its Automerge document and
//! written to the store with its materialised rows in one SQLite transaction before the
//! call returns — the moment the UI may say "saved".
//!
//! The device decides like the server (issue 14): before an edit is saved, the records it
//! touches are checked as the server checks a push — `taizhang_doc::check_touched` (kind per
//! document, field types, limits) and `taizhang_auth::may_write` over the same facts
//! (`taizhang_doc::access_facts` before and after the change, whether a log's month is
//! filed) — so nothing the server would refuse is ever saved and left pending.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use automerge::transaction::{CommitOptions, Transaction};
use automerge::{ActorId, Automerge, ChangeHash, ReadDoc};
use chrono::NaiveDate;
use taizhang_auth::{judge_touched, DocRef, Place, Principal, Role as AccountRole};
use taizhang_doc::{
    changed_keys, check_touched, read_one, write, DocError, DocId, FilingRecord, Record, VillageRecord,
};
use taizhang_domain::{
    local_date, validate_check_in, validate_diary, validate_family_member, validate_filing, validate_finding,
    validate_follow_up, validate_household, validate_household_edit, validate_leave, validate_meeting, validate_member,
    validate_plan_item, validate_progress, validate_project, validate_report, validate_score_sheet, validate_situation,
    validate_submission, validate_visit, CheckIn, DiaryEntry, DiaryId, FamilyMember, Finding, FindingId, FollowUp,
    FollowUpId, Household, HouseholdId, LeaveId, LeaveRequest, LeaveState, LedgerView, Limits, Meeting, Member,
    MemberId, MonthFiling, MonthScoreSheet, MonthSubmission, PlanItem, ProgressUpdate, Project, ProjectId,
    ProjectState, Role, TeamReport, Timestamp, Village, VillageId, VillageSituation, Visit, YearMonth,
};
use taizhang_store::{Store, StoreError, StoreKey, StoreTx, COMPACT_AFTER_CHUNKS};

use crate::ClientError;

const META_VILLAGE: &str = "village_id";
const META_ACTOR: &str = "actor";
const META_MEMBER: &str = "member_id";
/// The role the server enrolled this device's account with (written at enrollment).
const META_ROLE: &str = "account_role";
/// Set by client migration 3: leave rows materialised before kinds must be read again.
/// The time anchor of the last sync (`crate::uptime::anchor_meta`).
pub(crate) const META_ANCHOR: &str = "time_anchor";
const META_REMATERIALISE_LEAVE: &str = "rematerialise_leave";
/// Set by client migration 4: score sheets received before the table existed must be indexed.
const META_REMATERIALISE_SCORES: &str = "rematerialise_scores";
/// Set by client migrations 6 and 7: households need their details and search keys, and family
/// members (6) and follow-up items (7) received before their table existed must be indexed.
const META_REMATERIALISE_REGISTRY: &str = "rematerialise_registry";

/// One device's ledger of one village.
#[derive(Debug)]
pub struct Ledger {
    pub(crate) store: Store,
    pub(crate) docs: BTreeMap<DocId, Automerge>,
    actor: ActorId,
    village: VillageId,
    member: Option<MemberId>,
    limits: Limits,
    /// The boot clock behind each change's time anchor (issue 17).
    pub(crate) uptime: std::sync::Arc<dyn crate::Uptime>,
    /// Whether a sync asks the server for documents whole, as saved forms, when this device has
    /// read nothing of the log yet (issue 23; on unless turned off).
    pub(crate) saved_forms: bool,
    /// Which registry changes touched which record, for records' histories (issue 16).
    history: taizhang_doc::HistoryIndex,
}

/// Validation's view of the ledger, backed by the store's materialised tables. A store
/// error while validating is kept and reported instead of a misleading "does not exist".
#[derive(Debug)]
pub struct StoreView<'a> {
    store: &'a Store,
    error: RefCell<Option<StoreError>>,
}

impl<'a> StoreView<'a> {
    pub fn new(store: &'a Store) -> Self {
        Self { store, error: RefCell::new(None) }
    }
    fn check(&self, r: Result<bool, StoreError>) -> bool {
        r.unwrap_or_else(|e| {
            self.error.borrow_mut().get_or_insert(e);
            false
        })
    }
    fn finish<T>(self, r: Result<T, taizhang_domain::DomainError>) -> Result<T, ClientError> {
        if let Some(e) = self.error.into_inner() {
            return Err(e.into());
        }
        Ok(r?)
    }
}

impl LedgerView for StoreView<'_> {
    fn household_exists(&self, id: HouseholdId) -> bool {
        self.check(self.store.household_exists(id))
    }
    fn member_exists(&self, id: MemberId) -> bool {
        self.check(self.store.member_exists(id))
    }
    fn month_filed(&self, member: MemberId, month: YearMonth) -> bool {
        self.check(self.store.month_filed(member, month))
    }
    fn diary_entry_exists(&self, id: DiaryId) -> bool {
        self.check(self.store.diary_entry_exists(id))
    }
    fn project_exists(&self, id: ProjectId) -> bool {
        self.check(self.store.project_exists(id))
    }
}

/// Erases the store at `path` (remote wipe, issue 21): the file, its WAL, WAL index and
/// journal are overwritten with zeros and removed, and so is the PIN's salt file beside it. The
/// ledger over it must have been dropped first; the caller forgets the key in its keystore.
pub fn erase_store(path: &Path) -> Result<(), ClientError> {
    taizhang_store::erase_files(path)?;
    // The browser keeps no `.pin` file (its PIN state is the app lock's, `taizhang-app-core`).
    if cfg!(target_arch = "wasm32") {
        return Ok(());
    }
    let mut pin = path.as_os_str().to_owned();
    pin.push(".pin");
    match std::fs::remove_file(std::path::PathBuf::from(pin)) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(ClientError::Keystore(e.to_string())),
    }
}

impl Ledger {
    /// Creates (or reopens) a store for `village`, as device `actor` of `member`.
    pub fn create(
        path: &Path,
        village: VillageId,
        member: Option<MemberId>,
        actor: [u8; 16],
    ) -> Result<Self, ClientError> {
        Self::create_keyed(path, None, village, member, actor)
    }

    /// [`Ledger::create`] of a store encrypted with `key` (plain without one).
    pub fn create_keyed(
        path: &Path,
        key: Option<&StoreKey>,
        village: VillageId,
        member: Option<MemberId>,
        actor: [u8; 16],
    ) -> Result<Self, ClientError> {
        let mut store = Store::open_with(path, key)?;
        Self::init_meta(&mut store, village, member, actor)?;
        Self::from_store(store)
    }

    /// An in-memory ledger (tests, benchmarks).
    pub fn in_memory(village: VillageId, member: Option<MemberId>, actor: [u8; 16]) -> Result<Self, ClientError> {
        let mut store = Store::open_in_memory()?;
        Self::init_meta(&mut store, village, member, actor)?;
        Self::from_store(store)
    }

    fn init_meta(
        store: &mut Store,
        village: VillageId,
        member: Option<MemberId>,
        actor: [u8; 16],
    ) -> Result<(), ClientError> {
        if store.meta(META_VILLAGE)?.is_some() {
            return Ok(());
        }
        let tx = store.transaction()?;
        tx.set_meta(META_VILLAGE, &village.to_string())?;
        tx.set_meta(META_ACTOR, &hex::encode(actor))?;
        if let Some(m) = member {
            tx.set_meta(META_MEMBER, &m.to_string())?;
        }
        tx.commit()?;
        Ok(())
    }

    /// Opens an existing store. Documents are loaded lazily: queries never need them.
    pub fn open(path: &Path) -> Result<Self, ClientError> {
        Self::from_store(Store::open(path)?)
    }

    /// Opens an existing store encrypted with `key` (a plain store there is encrypted in place
    /// first, nothing lost); without a key, [`Ledger::open`].
    pub fn open_keyed(path: &Path, key: Option<&StoreKey>) -> Result<Self, ClientError> {
        Self::from_store(Store::open_with(path, key)?)
    }

    fn from_store(store: Store) -> Result<Self, ClientError> {
        let village = store.meta(META_VILLAGE)?.ok_or(ClientError::NotInitialised)?;
        let village = village.parse().map_err(ClientError::Invalid)?;
        let actor = store.meta(META_ACTOR)?.and_then(|a| hex::decode(a).ok()).ok_or(ClientError::NotInitialised)?;
        let member = match store.meta(META_MEMBER)? {
            Some(m) => Some(m.parse().map_err(ClientError::Invalid)?),
            None => None,
        };
        let mut ledger = Self {
            store,
            docs: BTreeMap::new(),
            actor: ActorId::from(actor),
            village,
            member,
            limits: Limits::default(),
            uptime: std::sync::Arc::new(crate::SystemUptime::default()),
            saved_forms: true,
            history: taizhang_doc::HistoryIndex::default(),
        };
        if ledger.store.meta(META_REMATERIALISE_LEAVE)?.is_some() {
            ledger.rematerialise_team(LeaveRequest::PREFIX, META_REMATERIALISE_LEAVE)?;
        }
        if ledger.store.meta(META_REMATERIALISE_SCORES)?.is_some() {
            ledger.rematerialise_team(MonthScoreSheet::PREFIX, META_REMATERIALISE_SCORES)?;
        }
        if ledger.store.meta(META_REMATERIALISE_REGISTRY)?.is_some() {
            ledger.rematerialise_registry()?;
        }
        Ok(ledger)
    }

    /// Replaces the boot clock behind the time anchors (tests give a fake one).
    pub fn set_uptime(&mut self, uptime: std::sync::Arc<dyn crate::Uptime>) {
        self.uptime = uptime;
    }

    /// Whether a fresh device asks for documents whole (issue 23): off, it reads the log
    /// change by change like an app from before saved forms (tests and benchmarks compare both).
    pub fn set_saved_forms(&mut self, on: bool) {
        self.saved_forms = on;
    }

    /// Reads every record under `prefix` of the team documents into the store again (after a
    /// client migration changed or added its table: 3 the leave kind and report back, 4 the
    /// score sheets), then clears the migration's `flag`, in one transaction.
    fn rematerialise_team(&mut self, prefix: &str, flag: &str) -> Result<(), ClientError> {
        let teams: Vec<DocId> = self
            .store
            .doc_ids()?
            .into_iter()
            .filter_map(|d| d.parse::<DocId>().ok())
            .filter(|d| matches!(d, DocId::Team { .. }))
            .collect();
        for id in &teams {
            self.doc(*id)?;
        }
        let tx = self.store.transaction()?;
        for id in teams {
            if let Some(doc) = self.docs.get(&id) {
                let keys = doc.keys(automerge::ROOT).filter(|k| k.starts_with(prefix)).collect();
                materialise(&tx, &id.to_string(), doc, keys)?;
            }
        }
        tx.remove_meta(flag)?;
        tx.commit()?;
        Ok(())
    }

    /// Reads every household and family member of the registry into the store again (client
    /// migration 6), then clears its flag, in one transaction.
    fn rematerialise_registry(&mut self) -> Result<(), ClientError> {
        let has_registry = self.store.doc_ids()?.iter().any(|d| d.parse::<DocId>().ok() == Some(DocId::Registry));
        let tx_keys = if has_registry {
            let doc = self.doc(DocId::Registry)?;
            doc.keys(automerge::ROOT)
                .filter(|k| {
                    ["household/", "person/", "followup/", "meeting/", "project/", "progress/", "situation/", "plan/"]
                        .iter()
                        .any(|p| k.starts_with(p))
                })
                .collect::<BTreeSet<String>>()
        } else {
            BTreeSet::new()
        };
        let tx = self.store.transaction()?;
        if let Some(doc) = self.docs.get(&DocId::Registry) {
            materialise(&tx, &DocId::Registry.to_string(), doc, tx_keys)?;
        }
        tx.remove_meta(META_REMATERIALISE_REGISTRY)?;
        tx.commit()?;
        Ok(())
    }

    /// The account this device writes as, as the server knows it: the role the device was
    /// enrolled with, else the member's role in the registry. `None` for a ledger with no
    /// member or one that is neither enrolled nor in the registry (set-up tools, tests): it
    /// never syncs as anyone, so there is no server decision to anticipate.
    pub fn principal(&self) -> Result<Option<Principal>, ClientError> {
        let Some(me) = self.member else { return Ok(None) };
        let role = match self.store.meta(META_ROLE)? {
            Some(code) => code.parse::<AccountRole>().ok(),
            None => self.store.members()?.into_iter().find(|m| m.record.id == me).map(|m| match m.record.role {
                Role::FirstSecretary => AccountRole::FirstSecretary,
                Role::TeamMember => AccountRole::Member,
            }),
        };
        Ok(role.map(|role| Principal {
            account: me.0,
            role,
            village: Some(self.village.0),
            township: None,
            county: None,
        }))
    }

    pub fn village_id(&self) -> VillageId {
        self.village
    }
    pub fn member(&self) -> Option<MemberId> {
        self.member
    }
    pub fn actor(&self) -> &ActorId {
        &self.actor
    }
    /// The store, for queries.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Document `name` as the store keeps it (its chunks loaded into a new document, checked as
    /// untrusted input), not cached.
    fn load_stored(&self, name: &str) -> Result<Automerge, ClientError> {
        let mut doc = Automerge::new();
        for chunk in self.store.load_doc(name)? {
            taizhang_sync::load_untrusted(&mut doc, &chunk)
                .map_err(|reason| ClientError::Corrupt { doc: name.to_string(), reason })?;
        }
        Ok(doc)
    }

    /// The loaded document, loading it from the store on first use.
    pub(crate) fn doc(&mut self, id: DocId) -> Result<&mut Automerge, ClientError> {
        if !self.docs.contains_key(&id) {
            let mut doc = self.load_stored(&id.to_string())?;
            // Loading into an empty document replaces it (and its actor): set ours.
            doc.set_actor(self.actor.clone());
            self.docs.insert(id, doc);
        }
        self.docs.get_mut(&id).ok_or_else(|| ClientError::NotFound(id.to_string()))
    }

    /// Applies `f` as one change to document `id` and makes it durable with its rows.
    fn edit(
        &mut self,
        id: DocId,
        now: Timestamp,
        f: impl FnOnce(&mut Transaction<'_>) -> Result<(), DocError>,
    ) -> Result<(), ClientError> {
        let Some(before) = self.commit_change(id, now, f)? else {
            return Ok(()); // nothing changed
        };
        let result = self.persist(id, &before, true);
        if result.is_err() {
            // Not on disk means not saved: forget the in-memory change too.
            self.docs.remove(&id);
        }
        result
    }

    /// Applies `first` to document `a` and `second` to document `b` (two documents: a visit in
    /// its log and the to-do items it makes and closes in the registry) and makes both durable
    /// in one store transaction: both are saved, or neither is — never a visit without the item
    /// its promise made.
    fn edit_two(
        &mut self,
        now: Timestamp,
        (a, first): (DocId, impl FnOnce(&mut Transaction<'_>) -> Result<(), DocError>),
        (b, second): (DocId, impl FnOnce(&mut Transaction<'_>) -> Result<(), DocError>),
    ) -> Result<(), ClientError> {
        if a == b {
            return Err(ClientError::Invalid(taizhang_domain::DomainError::Malformed {
                what: "a two-document edit",
                value: format!("{a} twice: write both in one change instead"),
            }));
        }
        let before_a = self.commit_change(a, now, first)?;
        let before_b = match self.commit_change(b, now, second) {
            Ok(x) => x,
            Err(e) => {
                self.docs.remove(&a);
                return Err(e);
            }
        };
        let result = (|| {
            let tx = self.store.transaction()?;
            for (id, before) in [(a, &before_a), (b, &before_b)] {
                if let Some(before) = before {
                    persist_in(&self.docs, &tx, id, before, true)?;
                }
            }
            tx.commit()?;
            Ok(())
        })();
        if result.is_err() {
            self.docs.remove(&a);
            self.docs.remove(&b);
        }
        result
    }

    /// Applies `f` as one change to document `id` in memory, checked as the server will check
    /// it; the heads before it when it changed anything (`None`: nothing changed). The caller
    /// makes it durable, or forgets the document if it cannot.
    fn commit_change(
        &mut self,
        id: DocId,
        now: Timestamp,
        f: impl FnOnce(&mut Transaction<'_>) -> Result<(), DocError>,
    ) -> Result<Option<Vec<ChangeHash>>, ClientError> {
        let principal = self.principal()?;
        let filed = match id {
            DocId::Log { member, month } => self.store.month_filed(member, month)?,
            _ => false,
        };
        let (village, limits) = (self.village, self.limits);
        // The change's message, one note per line: its author, so a record's history says who
        // (issue 16), and its time anchor (issue 17, `taizhang_sync::ChangeAnchor`).
        let author = self.member.map(|m| taizhang_doc::author_message(m.0));
        let anchor = crate::uptime::change_anchor(self.store.meta(META_ANCHOR)?.as_deref(), self.uptime.now());
        let message: Vec<String> = author.into_iter().chain(anchor.map(|a| a.to_message())).collect();
        let doc = self.doc(id)?;
        let before = doc.get_heads();
        let mut tx = doc.transaction();
        if let Err(e) = f(&mut tx) {
            tx.rollback();
            return Err(e.into());
        }
        let mut options = CommitOptions::default().with_time(now);
        if !message.is_empty() {
            options = options.with_message(message.join("\n"));
        }
        let (hash, _) = tx.commit_with(options);
        if hash.is_none() {
            return Ok(None);
        }
        if let Err(e) = decide_like_the_server(doc, id, &before, principal.as_ref(), village, filed, &limits) {
            // Never on disk: forget the in-memory change too.
            self.docs.remove(&id);
            return Err(e);
        }
        Ok(Some(before))
    }

    /// Writes what document `id` gained since `before` into the store inside `tx`, with its
    /// materialised rows; compacts the document's chunks when there are too many.
    fn persist(&mut self, id: DocId, before: &[ChangeHash], local: bool) -> Result<(), ClientError> {
        let tx = self.store.transaction()?;
        persist_in(&self.docs, &tx, id, before, local)?;
        tx.commit()?;
        Ok(())
    }

    /// Runs a validation rule against the store's view of the ledger.
    fn validate(
        &self,
        rule: impl FnOnce(&StoreView<'_>, &Limits) -> Result<(), taizhang_domain::DomainError>,
    ) -> Result<(), ClientError> {
        let view = StoreView::new(&self.store);
        let r = rule(&view, &self.limits);
        view.finish(r)
    }

    // ---- the records ----

    /// Writes the village itself (set-up by an administrator or the demo).
    pub fn put_village(&mut self, v: &Village, now: Timestamp) -> Result<(), ClientError> {
        let rec = VillageRecord(v.clone());
        self.edit(DocId::Registry, now, |tx| write(tx, &rec))
    }

    pub fn put_member(&mut self, m: &Member, now: Timestamp) -> Result<(), ClientError> {
        validate_member(m, &self.limits)?;
        self.edit(DocId::Registry, now, |tx| write(tx, m))
    }

    /// Adds a household or saves an edited one (only changed fields are written). The rules
    /// between fields ([`validate_household_edit`]) are the device's: a person is saving.
    pub fn put_household(&mut self, h: &Household, now: Timestamp) -> Result<(), ClientError> {
        validate_household_edit(&h.details, h.status)?;
        self.validate(|view, limits| validate_household(h, view, limits))?;
        self.edit(DocId::Registry, now, |tx| write(tx, h))
    }

    /// Every change of a household (who, when, old → new), oldest first, read from the
    /// registry's own history (issue 16).
    pub fn household_history(&mut self, id: HouseholdId) -> Result<Vec<taizhang_doc::RecordEdit>, ClientError> {
        let key = format!("{}/{id}", Household::PREFIX);
        self.doc(DocId::Registry)?;
        let doc = self.docs.get(&DocId::Registry).ok_or_else(|| ClientError::NotFound("the registry".into()))?;
        self.history.update(doc);
        Ok(taizhang_doc::record_history_indexed(doc, &self.history, &key))
    }

    /// Settles a conflict of household `id` (issue 16): `field` keeps the concurrent value
    /// shown as `value`. `false` when the field has no such value any more (nothing written).
    /// The household case of [`Ledger::keep_record_value`].
    pub fn keep_household_value(
        &mut self,
        id: HouseholdId,
        field: &str,
        value: &str,
        now: Timestamp,
    ) -> Result<bool, ClientError> {
        self.keep_record_value(Household::PREFIX, &id.to_string(), field, value, now)
    }

    /// Settles a conflict of any record the conflicts list shows (`Store::conflicted`): field
    /// `field` of the record of `kind` with id `id` keeps `value` (one of the values in
    /// conflict, as stored). `false` when that value is no longer in conflict (settled on
    /// another device meanwhile, or never was). The pick is an ordinary edit of the record's
    /// document: it syncs like any other and wins over both concurrent values.
    pub fn keep_record_value(
        &mut self,
        kind: &str,
        id: &str,
        field: &str,
        value: &str,
        now: Timestamp,
    ) -> Result<bool, ClientError> {
        let held = self.store.conflicted()?.into_iter().find(|c| {
            c.kind == kind
                && c.id == id
                && c.conflicts.iter().any(|c| c.field == field && c.values.iter().any(|v| v == value))
        });
        let Some(row) = held else { return Ok(false) };
        let doc: DocId = row.doc.parse().map_err(|_| ClientError::Corrupt {
            doc: row.doc.clone(),
            reason: "not a document this app knows".into(),
        })?;
        let key = format!("{kind}/{id}");
        self.edit(doc, now, |tx| taizhang_doc::keep_conflict_value(tx, &key, field, value).map(|_| ()))?;
        Ok(true)
    }

    /// Adds a person to a household's roster or saves an edited one (家庭成员, issue 16).
    pub fn put_family_member(&mut self, p: &FamilyMember, now: Timestamp) -> Result<(), ClientError> {
        use chrono::Datelike;
        let this_year = local_date(now).year();
        self.validate(|view, limits| validate_family_member(p, view, this_year, limits))?;
        self.edit(DocId::Registry, now, |tx| write(tx, p))
    }

    /// Makes or saves a follow-up item (承诺事项, issue 16) in the registry.
    pub fn put_follow_up(&mut self, f: &FollowUp, now: Timestamp) -> Result<(), ClientError> {
        self.validate(|view, limits| validate_follow_up(f, view, now, limits))?;
        self.edit(DocId::Registry, now, |tx| write(tx, f))
    }

    /// Closes (办结) follow-up item `id` as done by `by` at `now`, with how it was done. Closing
    /// an item already closed keeps the first closing.
    pub fn close_follow_up(
        &mut self,
        id: FollowUpId,
        by: MemberId,
        note: &str,
        now: Timestamp,
    ) -> Result<FollowUp, ClientError> {
        let (f, newly) = self.closing(id, by, note, now)?;
        if newly {
            self.put_follow_up(&f, now)?;
        }
        Ok(f)
    }

    /// Follow-up item `id` closed by `by` at `now` with `note`, not yet saved, and whether this
    /// closes it; an item already closed comes back as it is (the first closing is kept).
    fn closing(
        &self,
        id: FollowUpId,
        by: MemberId,
        note: &str,
        now: Timestamp,
    ) -> Result<(FollowUp, bool), ClientError> {
        let mut f = self
            .store
            .follow_up(id)?
            .map(|r| r.record)
            .ok_or_else(|| ClientError::NotFound(format!("follow-up item {id}")))?;
        if f.is_done() {
            return Ok((f, false));
        }
        f.done_by = Some(by);
        f.done_at = Some(now);
        f.done_note = note.trim().to_string();
        Ok((f, true))
    }

    /// Answers (整改) inspection finding `id` as `by` at `now` (the device's time; offline is
    /// fine, the answer syncs later and is never refused for arriving late). Answering again
    /// replaces the answer with the new text, time and signature: one's correction.
    pub fn answer_finding(
        &mut self,
        id: FindingId,
        by: MemberId,
        answer: &str,
        now: Timestamp,
    ) -> Result<Finding, ClientError> {
        let mut f =
            self.store.finding(id)?.map(|r| r.record).ok_or_else(|| ClientError::NotFound(format!("finding {id}")))?;
        f.answer = answer.trim().to_string();
        f.answered_by = Some(by);
        f.answered_at = Some(now);
        self.validate(|view, limits| validate_finding(&f, view, now, limits))?;
        self.edit(DocId::Registry, now, |tx| write(tx, &f))?;
        Ok(f)
    }

    /// Records or saves a meeting or activity (会议 / 活动, issue 22) in the registry. A meeting
    /// recorded weeks after it was held is accepted and counts for its own day.
    pub fn put_meeting(&mut self, m: &Meeting, now: Timestamp) -> Result<(), ClientError> {
        self.validate(|view, limits| validate_meeting(m, view, now, limits))?;
        self.edit(DocId::Registry, now, |tx| write(tx, m))
    }

    /// Records or saves the village situation (村情) of `x.year` in the registry. Only the parts
    /// that changed are written, so a colleague's part filled in on another phone survives; a
    /// situation of an earlier year is accepted (the register is often filled in late).
    pub fn put_situation(&mut self, x: &VillageSituation, now: Timestamp) -> Result<(), ClientError> {
        self.validate(|view, limits| validate_situation(x, view, now, limits))?;
        self.edit(DocId::Registry, now, |tx| write(tx, x))
    }

    /// Makes or saves a goal, plan item or responsibility letter (issue 22); closing one is
    /// saving it done (已完成) or missed (未完成) with its day and result.
    pub fn put_plan_item(&mut self, p: &PlanItem, now: Timestamp) -> Result<(), ClientError> {
        self.validate(|view, limits| validate_plan_item(p, view, now, limits))?;
        self.edit(DocId::Registry, now, |tx| write(tx, p))
    }

    /// Makes or saves a project (项目, issue 22) in the registry. Only the fields that changed
    /// are written, so a colleague's edit of another field on another phone survives.
    pub fn put_project(&mut self, p: &Project, now: Timestamp) -> Result<(), ClientError> {
        self.validate(|view, limits| validate_project(p, view, now, limits))?;
        self.edit(DocId::Registry, now, |tx| write(tx, p))
    }

    /// A follow-up item becomes a project (转为项目): the new project and the item's link to it
    /// in one change of the registry, so neither is ever saved without the other. `item` must
    /// name `p` as its project (the link is checked as made by this change).
    pub fn project_from_follow_up(&mut self, p: &Project, item: &FollowUp, now: Timestamp) -> Result<(), ClientError> {
        if item.project != Some(p.id) {
            return Err(ClientError::Invalid(taizhang_domain::DomainError::Malformed {
                what: "a follow-up item made a project",
                value: format!("item {} names {:?}, not the new project {}", item.id, item.project, p.id),
            }));
        }
        self.validate(|view, limits| validate_project(p, view, now, limits))?;
        let unlinked = FollowUp { project: None, ..item.clone() };
        self.validate(|view, limits| validate_follow_up(&unlinked, view, now, limits))?;
        self.edit(DocId::Registry, now, |tx| {
            write(tx, p)?;
            write(tx, item)
        })
    }

    /// Adds a progress update (项目进展) to project `u.project`: a record of its own, so
    /// updates added on two phones while both were offline both survive. A planned project
    /// with its first update is marked underway (实施中).
    pub fn add_progress(&mut self, u: &ProgressUpdate, now: Timestamp) -> Result<(), ClientError> {
        self.validate(|view, limits| validate_progress(u, view, now, limits))?;
        let project = self.store.project(u.project)?.map(|r| r.record);
        self.edit(DocId::Registry, now, |tx| write(tx, u))?;
        if let Some(p) = project.filter(|p| p.state == ProjectState::Planned) {
            self.put_project(&Project { state: ProjectState::Underway, ..p }, now)?;
        }
        Ok(())
    }

    /// Closes project `id` as done (已完成, with its result) or dropped (已终止, with the reason)
    /// on `day`, by `by`. Closing a project already closed keeps the first closing.
    pub fn close_project(
        &mut self,
        id: ProjectId,
        state: ProjectState,
        day: NaiveDate,
        result: &str,
        by: MemberId,
        now: Timestamp,
    ) -> Result<Project, ClientError> {
        let p =
            self.store.project(id)?.map(|r| r.record).ok_or_else(|| ClientError::NotFound(format!("project {id}")))?;
        if p.state.is_closed() {
            return Ok(p);
        }
        if !state.is_closed() {
            return Err(ClientError::Invalid(taizhang_domain::DomainError::OutOfRange {
                field: "project state",
                detail: format!("a project is closed as done or dropped, not {}", state.code()),
            }));
        }
        let closed =
            Project { state, closed_on: Some(day), closed_by: Some(by), result: result.trim().to_string(), ..p };
        self.put_project(&closed, now)?;
        Ok(closed)
    }

    pub fn record_visit(&mut self, v: &Visit, now: Timestamp) -> Result<(), ClientError> {
        self.validate(|view, limits| validate_visit(v, view, now, limits))?;
        self.edit(DocId::for_visit(v), now, |tx| write(tx, v))
    }

    /// Records a visit with the to-do item its promise makes (`promise`) and the items it
    /// closes (办结, each with its note, done by `by`), all validated first and saved together:
    /// the visit in its log and the items in the registry, in one store transaction. An item
    /// already closed keeps its first closing.
    pub fn record_visit_with_items(
        &mut self,
        v: &Visit,
        promise: Option<&FollowUp>,
        close: &[(FollowUpId, String)],
        by: MemberId,
        now: Timestamp,
    ) -> Result<(), ClientError> {
        self.validate(|view, limits| validate_visit(v, view, now, limits))?;
        let mut items: Vec<FollowUp> = promise.into_iter().cloned().collect();
        for (id, note) in close {
            let (f, newly) = self.closing(*id, by, note, now)?;
            if newly {
                items.push(f);
            }
        }
        for f in &items {
            self.validate(|view, limits| validate_follow_up(f, view, now, limits))?;
        }
        if items.is_empty() {
            return self.edit(DocId::for_visit(v), now, |tx| write(tx, v));
        }
        self.edit_two(
            now,
            (DocId::for_visit(v), |tx| write(tx, v)),
            (DocId::Registry, |tx| items.iter().try_for_each(|f| write(tx, f))),
        )
    }

    pub fn write_diary(&mut self, d: &DiaryEntry, now: Timestamp) -> Result<(), ClientError> {
        self.validate(|view, limits| validate_diary(d, view, now, limits))?;
        self.edit(DocId::for_diary(d), now, |tx| write(tx, d))
    }

    /// Records a check-in; whether it lies in the village geofence is computed here when the
    /// device gave a location (location is optional evidence, never a gate).
    pub fn check_in(&mut self, c: &CheckIn, now: Timestamp) -> Result<CheckIn, ClientError> {
        let mut c = c.clone();
        if let (Some(fix), Some(v)) = (c.location, self.store.village()?) {
            c.in_geofence = Some(v.geofence.contains(&fix));
        }
        self.validate(|view, limits| validate_check_in(&c, view, now, limits))?;
        self.edit(DocId::for_check_in(&c), now, |tx| write(tx, &c))?;
        Ok(c)
    }

    pub fn request_leave(&mut self, l: &LeaveRequest, now: Timestamp) -> Result<(), ClientError> {
        self.validate(|view, limits| validate_leave(l, view, limits))?;
        self.edit(DocId::for_leave(l), now, |tx| write(tx, l))
    }

    /// The leave request `id` as this device holds it.
    pub fn leave(&self, id: LeaveId) -> Result<LeaveRequest, ClientError> {
        self.store
            .leaves(None)?
            .into_iter()
            .find(|r| r.record.id == id)
            .map(|r| r.record)
            .ok_or_else(|| ClientError::NotFound(format!("leave request {id}")))
    }

    /// Saves a changed leave request (a decision, a withdrawal, a report back), validated.
    fn update_leave(&mut self, l: &LeaveRequest, now: Timestamp) -> Result<(), ClientError> {
        self.validate(|view, limits| validate_leave(l, view, limits))?;
        self.edit(DocId::for_leave(l), now, |tx| write(tx, l))
    }

    /// Approves or rejects a leave request. Nobody decides their own (`own_leave`), and only
    /// the first secretary decides on the device (the township decides the first secretary's).
    pub fn decide_leave(
        &mut self,
        id: LeaveId,
        approve: bool,
        by: MemberId,
        now: Timestamp,
    ) -> Result<(), ClientError> {
        let mut l = self.leave(id)?;
        l.state = if approve { LeaveState::Approved } else { LeaveState::Rejected };
        l.decided_by = Some(by);
        self.update_leave(&l, now)
    }

    /// Withdraws one's own pending request (撤回).
    pub fn withdraw_leave(&mut self, id: LeaveId, now: Timestamp) -> Result<LeaveRequest, ClientError> {
        let mut l = self.leave(id)?;
        if l.state != LeaveState::Pending {
            return Err(ClientError::Denied {
                code: "leave_decision",
                message: format!("only a pending request can be withdrawn; this one is {}", l.state.code()),
            });
        }
        l.state = LeaveState::Withdrawn;
        self.update_leave(&l, now)?;
        Ok(l)
    }

    /// Reports back (销假) on one's own approved leave: the day one actually came back.
    pub fn report_back(
        &mut self,
        id: LeaveId,
        returned_on: NaiveDate,
        now: Timestamp,
    ) -> Result<LeaveRequest, ClientError> {
        let mut l = self.leave(id)?;
        let today = taizhang_domain::local_date(now);
        if returned_on > today {
            return Err(ClientError::Invalid(taizhang_domain::DomainError::FutureDate {
                date: returned_on.to_string(),
                today: today.to_string(),
            }));
        }
        l.returned_on = Some(returned_on);
        self.update_leave(&l, now)?;
        Ok(l)
    }

    /// Files (月备案) a member's diary month: later entries of that month must be amendments.
    pub fn file_month(
        &mut self,
        member: MemberId,
        month: YearMonth,
        by: MemberId,
        now: Timestamp,
    ) -> Result<(), ClientError> {
        let filing = MonthFiling { member, month, filed_by: by, filed_at: now };
        self.validate(|view, limits| validate_filing(&filing, view, now, limits))?;
        let f = FilingRecord(filing);
        self.edit(DocId::for_filing(month), now, |tx| write(tx, &f))
    }

    /// Saves a member's monthly score sheet (月度考核), validated like every record; the edit
    /// path then decides like the server (only the first secretary enters a colleague's sheet,
    /// while it is new, entered or returned; the township and the county act on their pages).
    pub fn put_score_sheet(&mut self, sheet: &MonthScoreSheet, now: Timestamp) -> Result<(), ClientError> {
        self.validate(|view, limits| validate_score_sheet(sheet, view, now, limits))?;
        self.edit(DocId::for_score(sheet.month), now, |tx| write(tx, sheet))
    }

    /// Submits this member's own ended month (提交本月) with the gaps they were shown; the
    /// first secretary or the township then files it. Submitting again replaces it.
    pub fn submit_month(&mut self, s: &MonthSubmission, now: Timestamp) -> Result<(), ClientError> {
        self.validate(|view, limits| validate_submission(s, view, now, limits))?;
        self.edit(DocId::for_submission(s.month), now, |tx| write(tx, s))
    }

    /// The month submissions of `year` (team document), read from the document itself.
    pub fn submissions(&self, year: i32) -> Result<Vec<MonthSubmission>, ClientError> {
        self.read_doc::<MonthSubmission>(DocId::Team { year })
    }

    /// Every readable record of kind `R` in document `id`, from the loaded copy or the store
    /// (without caching it: a read needs no `&mut`).
    fn read_doc<R: Record>(&self, id: DocId) -> Result<Vec<R>, ClientError> {
        let read = |doc: &Automerge| taizhang_doc::read_all::<R>(doc).0.into_iter().map(|r| r.record).collect();
        if let Some(doc) = self.docs.get(&id) {
            return Ok(read(doc));
        }
        Ok(read(&self.load_stored(&id.to_string())?))
    }

    /// Writes (or rewrites) a quarterly report or the yearly commitment (the first secretary's).
    pub fn put_report(&mut self, r: &TeamReport, now: Timestamp) -> Result<(), ClientError> {
        self.validate(|view, limits| validate_report(r, view, now, limits))?;
        self.edit(DocId::for_report(r.period), now, |tx| write(tx, r))
    }

    /// The quarterly reports and commitment of `year`, read from the team document.
    pub fn reports(&self, year: i32) -> Result<Vec<TeamReport>, ClientError> {
        self.read_doc::<TeamReport>(DocId::Team { year })
    }

    /// Writes with `actor` from now on (kept in the store): every loaded document too.
    pub(crate) fn set_actor(&mut self, actor: [u8; 16]) -> Result<(), ClientError> {
        let tx = self.store.transaction()?;
        tx.set_meta(META_ACTOR, &hex::encode(actor))?;
        tx.commit()?;
        self.actor = ActorId::from(actor);
        for doc in self.docs.values_mut() {
            doc.set_actor(self.actor.clone());
        }
        Ok(())
    }

    /// Re-creates document `id`'s unsynced work under the current actor: the document goes
    /// back to what the server confirmed, then every record its unconfirmed changes touched is
    /// written again, as it reads now, by one fresh change — so nothing recorded is lost, and
    /// the changes that reused another copy's actor numbers are gone. One store transaction.
    pub(crate) fn recreate_unsynced(&mut self, id: DocId, now: Timestamp) -> Result<(), ClientError> {
        let name = id.to_string();
        let confirmed: Vec<ChangeHash> = self.store.confirmed_heads(&name)?.into_iter().map(ChangeHash).collect();
        let actor = self.actor.clone();
        let full = self.doc(id)?;
        let unsynced: Vec<automerge::Change> = full.get_changes(&confirmed);
        let keys = changed_keys(full, &unsynced);
        let corrupt = |e: automerge::AutomergeError| ClientError::Corrupt { doc: name.clone(), reason: e.to_string() };
        let mut rebuilt = full.fork_at(&confirmed).map_err(corrupt)?.with_actor(actor);
        let mut tx = rebuilt.transaction();
        for key in &keys {
            if let Err(e) = taizhang_doc::copy_record(&mut tx, full, key) {
                tx.rollback();
                return Err(e.into());
            }
        }
        tx.commit_with(CommitOptions::default().with_time(now));
        let st = self.store.transaction()?;
        st.replace_chunks(&name, &rebuilt.save())?;
        st.set_dirty(&name, true)?;
        materialise(&st, &name, &rebuilt, keys)?;
        st.commit()?;
        self.docs.insert(id, rebuilt);
        Ok(())
    }

    /// Documents with local changes the server has not confirmed.
    pub fn pending_docs(&self) -> Result<Vec<String>, ClientError> {
        Ok(self.store.dirty_docs()?)
    }

    /// What waits to sync, counted as the changes this device holds that the server has not
    /// confirmed, over the documents with unsent changes — the one count Today and the Sync
    /// screen show (issue 16). Reads the documents this ledger has open (a document of a kind
    /// this version does not know is read from the store).
    pub fn pending_change_count(&mut self) -> Result<u32, ClientError> {
        let mut n = 0;
        for name in self.pending_docs()? {
            let confirmed: Vec<ChangeHash> = self.store.confirmed_heads(&name)?.into_iter().map(ChangeHash).collect();
            n += match name.parse::<DocId>() {
                Ok(id) => self.doc(id)?.get_changes(&confirmed).len(),
                Err(_) => self.load_stored(&name)?.get_changes(&confirmed).len(),
            } as u32;
        }
        Ok(n)
    }
}

fn doc_ref(id: DocId) -> DocRef {
    match id {
        DocId::Registry => DocRef::Registry,
        DocId::Team { year } => DocRef::Team { year },
        DocId::Log { member, month } => DocRef::Log { member: member.0, month },
    }
}

/// The server's decision on the change `doc` gained since `before` (this edit), made on the
/// device
/// (`sync-server`'s `permit::decide` gathers the same facts): the touched records must be
/// valid for the document, and `p` must be allowed to write them. `p` `None`: no account to
/// decide for (a ledger that never syncs as anyone), only the records are checked.
fn decide_like_the_server(
    doc: &Automerge,
    id: DocId,
    before: &[ChangeHash],
    p: Option<&Principal>,
    village: VillageId,
    filed: bool,
    limits: &Limits,
) -> Result<(), ClientError> {
    let changes = doc.get_changes(before);
    let keys = changed_keys(doc, &changes);
    let Some(p) = p else {
        // No account to decide for: only the records are checked.
        return check_touched(&id, doc, &keys, limits)
            .map_err(|problem| ClientError::Denied { code: "invalid_record", message: problem.to_string() });
    };
    let place = Place { village: village.0, township: None, county: None };
    judge_touched(p, &place, &doc_ref(id), filed, doc, before, &keys, limits)
        .map_err(|d| ClientError::Denied { code: d.code, message: d.message })
}

/// Writes what document `id` gained since `before` into the store inside `tx`, with its
/// materialised rows; compacts the document's chunks when there are too many.
pub(crate) fn persist_in(
    docs: &BTreeMap<DocId, Automerge>,
    tx: &StoreTx<'_>,
    id: DocId,
    before: &[ChangeHash],
    local: bool,
) -> Result<(), ClientError> {
    let Some(doc) = docs.get(&id) else { return Ok(()) };
    let after = doc.get_heads();
    if after == before {
        return Ok(());
    }
    let name = id.to_string();
    if before.is_empty() && !local {
        // A document received whole (a fresh device's saved form, issue 23): kept as one
        // saved chunk and every record of it materialised — what applying its changes one by
        // one would leave, without decoding each of them.
        tx.replace_chunks(&name, &doc.save())?;
        let keys = doc.keys(automerge::ROOT).collect();
        return materialise(tx, &name, doc, keys);
    }
    let changes = doc.get_changes(before);
    let bytes: Vec<u8> = changes.iter().flat_map(|c| c.raw_bytes()).copied().collect();
    let chunks = tx.append_chunk(&name, &bytes)?;
    if chunks > COMPACT_AFTER_CHUNKS {
        tx.replace_chunks(&name, &doc.save())?;
    }
    if local {
        tx.set_dirty(&name, true)?;
    }
    materialise(tx, &name, doc, changed_keys(doc, &changes))
}

/// Re-materialises the records at `keys` of one document. A record in a member's log counts
/// only as that member's: one claiming someone else (the server refuses those now; older
/// servers stored them) is not indexed, so no screen lists it under the colleague.
pub(crate) fn materialise(
    tx: &StoreTx<'_>,
    doc_name: &str,
    doc: &Automerge,
    keys: BTreeSet<String>,
) -> Result<(), ClientError> {
    let owner = match doc_name.parse::<DocId>() {
        Ok(DocId::Log { member, .. }) => Some(member),
        _ => None,
    };
    let mine = |member: MemberId| owner.is_none_or(|o| o == member);
    for key in keys {
        let k = key.as_str();
        let d = doc_name;
        let found = match key.split('/').next().unwrap_or_default() {
            VillageRecord::PREFIX => upsert::<VillageRecord>(doc, k, |r| tx.put_village(&r.record.0))?,
            Member::PREFIX => upsert::<Member>(doc, k, |r| tx.put_member(d, r))?,
            Household::PREFIX => upsert::<Household>(doc, k, |r| tx.put_household(d, r))?,
            FamilyMember::PREFIX => upsert::<FamilyMember>(doc, k, |r| tx.put_family_member(d, r))?,
            FollowUp::PREFIX => upsert::<FollowUp>(doc, k, |r| tx.put_follow_up(d, r))?,
            Finding::PREFIX => upsert::<Finding>(doc, k, |r| tx.put_finding(d, r))?,
            Meeting::PREFIX => upsert::<Meeting>(doc, k, |r| tx.put_meeting(d, r))?,
            Project::PREFIX => upsert::<Project>(doc, k, |r| tx.put_project(d, r))?,
            ProgressUpdate::PREFIX => upsert::<ProgressUpdate>(doc, k, |r| tx.put_progress(d, r))?,
            VillageSituation::PREFIX => upsert::<VillageSituation>(doc, k, |r| tx.put_situation(d, r))?,
            PlanItem::PREFIX => upsert::<PlanItem>(doc, k, |r| tx.put_plan_item(d, r))?,
            Visit::PREFIX => upsert_if::<Visit>(doc, k, |v| mine(v.member), |r| tx.put_visit(d, r))?,
            DiaryEntry::PREFIX => upsert_if::<DiaryEntry>(doc, k, |e| mine(e.member), |r| tx.put_diary(d, r))?,
            CheckIn::PREFIX => upsert_if::<CheckIn>(doc, k, |c| mine(c.member), |r| tx.put_check_in(d, r))?,
            LeaveRequest::PREFIX => upsert::<LeaveRequest>(doc, k, |r| tx.put_leave(d, r))?,
            FilingRecord::PREFIX => upsert::<FilingRecord>(doc, k, |r| tx.put_filing(d, &r.record.0))?,
            MonthScoreSheet::PREFIX => upsert::<MonthScoreSheet>(doc, k, |r| tx.put_score_sheet(d, r))?,
            _ => true, // a record kind of a newer version: kept in the document, not indexed
        };
        if !found {
            tx.remove_record(doc_name, &key)?;
        }
    }
    Ok(())
}

/// [`upsert`] of a record that `keep` accepts; one it refuses counts as absent (no row).
fn upsert_if<R: Record>(
    doc: &Automerge,
    key: &str,
    keep: impl Fn(&R) -> bool,
    put: impl FnOnce(&taizhang_doc::Read<R>) -> Result<(), StoreError>,
) -> Result<bool, ClientError> {
    match read_one::<R>(doc, key) {
        Ok(Some(r)) if keep(&r.record) => {
            put(&r)?;
            Ok(true)
        }
        Ok(Some(_)) | Ok(None) => Ok(false),
        Err(_) => Ok(true),
    }
}

/// Writes the record at `key` into its table; false when the document no longer has it. A
/// record this version cannot read (a newer app wrote it) keeps its old row and its bytes.
fn upsert<R: Record>(
    doc: &Automerge,
    key: &str,
    put: impl FnOnce(&taizhang_doc::Read<R>) -> Result<(), StoreError>,
) -> Result<bool, ClientError> {
    match read_one::<R>(doc, key) {
        Ok(Some(r)) => {
            put(&r)?;
            Ok(true)
        }
        Ok(None) => Ok(false),
        Err(_) => Ok(true),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use taizhang_doc::demo;
    use taizhang_domain::{FollowUp, FollowUpId, VisitId};
    use uuid::Uuid;

    /// 2026-11-25 10:00 in Shanghai.
    const NOW: Timestamp = 1_795_536_000_000 + 10 * 3_600_000;

    fn ledger() -> (Ledger, Household) {
        let mut l = Ledger::in_memory(demo::VILLAGE, Some(demo::member_id(0)), [1; 16]).expect("ledger");
        l.put_village(&demo::village(), 0).expect("village");
        for m in demo::members() {
            l.put_member(&m, 0).expect("member");
        }
        let h = demo::households(1).remove(0);
        l.put_household(&h, 0).expect("household");
        (l, h)
    }

    fn visit(h: &Household) -> Visit {
        Visit {
            id: VisitId(Uuid::now_v7()),
            household: h.id,
            member: demo::member_id(0),
            at: NOW - 3_600_000,
            location: None,
            findings: "家中老人腿脚不便".into(),
            needs: "申请临时救助".into(),
            follow_up: "下周送申请表".into(),
            amends: None,
            attachments: Vec::new(),
        }
    }

    fn promise(h: &Household, v: &Visit) -> FollowUp {
        FollowUp {
            id: FollowUpId(Uuid::now_v7()),
            household: h.id,
            visit: Some(v.id),
            text: v.follow_up.clone(),
            owner: demo::member_id(0),
            due: None,
            created_by: demo::member_id(0),
            created_at: NOW,
            done_by: None,
            done_at: None,
            done_note: String::new(),
            project: None,
            attachments: Vec::new(),
        }
    }

    /// A visit and the item its promise makes are saved together; when the second half cannot
    /// be written, neither is kept — not on disk, not in the loaded documents, nothing pending.
    #[test]
    fn a_visit_and_its_items_are_saved_together_or_not_at_all() {
        let (mut l, h) = ledger();
        let v = visit(&h);
        let item = promise(&h, &v);
        l.record_visit_with_items(&v, Some(&item), &[], demo::member_id(0), NOW).expect("saved");
        assert_eq!(l.store().visits_of_household(h.id).expect("visits").len(), 1);
        assert_eq!(l.store().follow_ups_of_household(h.id).expect("items").len(), 1);

        // The next visit closes the item; its registry half fails after the visit's half was
        // made: neither half is kept.
        let again = visit(&h);
        let log = DocId::for_visit(&again);
        let chunks = l.store().load_doc(&log.to_string()).expect("chunks").len();
        let registry = l.store().load_doc(&DocId::Registry.to_string()).expect("chunks").len();
        let failed = l.edit_two(
            NOW,
            (log, |tx: &mut Transaction<'_>| write(tx, &again)),
            (DocId::Registry, |_: &mut Transaction<'_>| {
                Err(DocError::BadField { key: "followup/x".into(), field: "a failure injected by the test" })
            }),
        );
        assert!(failed.is_err());
        assert_eq!(l.store().visits_of_household(h.id).expect("visits").len(), 1, "the visit was not saved");
        assert_eq!(l.store().load_doc(&log.to_string()).expect("chunks").len(), chunks, "nothing on disk");
        assert_eq!(l.store().load_doc(&DocId::Registry.to_string()).expect("chunks").len(), registry);
        let held = l.doc(log).expect("log");
        assert!(read_one::<Visit>(held, &again.key()).expect("read").is_none(), "nor in the loaded document");

        // Saved properly, the visit closes the item in the same save.
        l.record_visit_with_items(&again, None, &[(item.id, "已送达申请表".into())], demo::member_id(0), NOW)
            .expect("saved");
        let items = l.store().follow_ups_of_household(h.id).expect("items");
        assert!(items[0].record.is_done(), "closed with the visit");
        assert_eq!(items[0].record.done_note, "已送达申请表");
        assert_eq!(l.store().visits_of_household(h.id).expect("visits").len(), 2);
        // A follow-up item made a project: both in one change; an item naming another project
        // is refused and nothing is saved.
        let project = Project {
            id: ProjectId(Uuid::now_v7()),
            name: "危房改造".into(),
            kind: taizhang_domain::ProjectKind::Practical,
            funding: taizhang_domain::Funding::default(),
            households: vec![h.id],
            state: taizhang_domain::ProjectState::Planned,
            started_on: None,
            created_by: demo::member_id(0),
            created_at: NOW,
            closed_on: None,
            closed_by: None,
            result: String::new(),
        };
        let open = promise(&h, &again);
        let wrong = FollowUp { project: Some(ProjectId(Uuid::now_v7())), ..open.clone() };
        assert!(l.project_from_follow_up(&project, &wrong, NOW).is_err());
        assert!(l.store().project(project.id).expect("read").is_none(), "nothing saved");
        let linked = FollowUp { project: Some(project.id), ..open };
        l.project_from_follow_up(&project, &linked, NOW).expect("made a project");
        assert!(l.store().project(project.id).expect("read").is_some());
        let held = l.store().follow_up(linked.id).expect("read").expect("item saved");
        assert_eq!(held.record.project, Some(project.id));

        // One document twice is refused, not half-applied.
        assert!(l
            .edit_two(NOW, (log, |_: &mut Transaction<'_>| Ok(())), (log, |_: &mut Transaction<'_>| Ok(())))
            .is_err());
    }
}
