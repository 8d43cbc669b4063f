//! The county view's state and the sub-states its handlers take ([`FromRef`]): the place and
//! account store ([`Accounts`]), the read model over the change log ([`Records`]) and the
//! counties' rules ([`Policies`]).

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::FromRef;
use taizhang_county::VillageInfo;
use taizhang_rules::{Policy, VillageRecords};
use taizhang_server_db::{AccountStore, BlobStore, Clock, ServerKeyCell, ServerStore, SignatureStore};
use uuid::Uuid;

use crate::error::Result;
use crate::ReadModel;

/// Everything the county view needs; cheap to clone (shared parts).
#[derive(Clone)]
pub struct CountyState {
    /// The change log the read model follows.
    pub store: Arc<dyn ServerStore>,
    /// Places, accounts, web log-ins and what county staff entered.
    pub accounts: Arc<dyn AccountStore>,
    pub clock: Clock,
    /// The token key (shared with device sync: one per process).
    pub key: ServerKeyCell,
    pub policies: Arc<Policies>,
    /// The read model; device sync calls [`ReadModel::notify`] as syncs arrive.
    pub model: Arc<ReadModel>,
    pub(crate) guard: Arc<crate::guard::LoginGuard>,
    /// The change signatures kept beside the log (issue 20), for a record's provenance.
    pub signatures: Option<Arc<dyn SignatureStore>>,
    /// The attachments' store (issue 19), for the records' photos on the page; without it the
    /// page says every photo is not uploaded yet.
    pub blobs: Option<Arc<dyn BlobStore>>,
    /// The lines of the pages with one per village, kept between requests
    /// (`crate::lines`).
    pub lines: Arc<crate::lines::Lines>,
}

impl std::fmt::Debug for CountyState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CountyState").field("policies", &self.policies).finish_non_exhaustive()
    }
}

impl CountyState {
    /// The county view over the stores, judging every county by the seed articles' defaults.
    pub fn new(store: Arc<dyn ServerStore>, accounts: Arc<dyn AccountStore>, clock: Clock, key: ServerKeyCell) -> Self {
        Self {
            store,
            model: Arc::new(ReadModel::with_accounts(accounts.clone())),
            accounts,
            clock,
            key,
            policies: Arc::new(Policies::default()),
            guard: Arc::new(crate::guard::LoginGuard::new()),
            signatures: None,
            blobs: None,
            lines: Arc::default(),
        }
    }

    /// The same view holding at most about `villages` villages' projections in memory (the
    /// rest stay in the database until asked for).
    pub fn with_cache(mut self, villages: usize) -> Self {
        self.model = Arc::new(ReadModel::with_accounts(self.accounts.clone()).with_capacity(villages));
        self
    }

    /// The same view showing records' photos and scans from `blobs`.
    pub fn with_blobs(mut self, blobs: Arc<dyn BlobStore>) -> Self {
        self.blobs = Some(blobs);
        self
    }

    /// The same view showing records' signatures from `signatures`.
    pub fn with_signatures(mut self, signatures: Arc<dyn SignatureStore>) -> Self {
        self.signatures = Some(signatures);
        self
    }

    /// The same view judging counties by `policies`.
    pub fn with_policies(mut self, policies: Policies) -> Self {
        self.policies = Arc::new(policies);
        self
    }
}

/// The rules each county is judged by.
#[derive(Debug, Clone, Default)]
pub struct Policies {
    /// The rules of counties without a policy of their own (a policy file, or the seed
    /// articles' defaults).
    pub default: Policy,
    /// Counties with their own policy file (a provincial server serves many counties).
    pub per_county: HashMap<Uuid, Policy>,
}

impl Policies {
    pub fn new(default: Policy, per_county: HashMap<Uuid, Policy>) -> Self {
        Self { default, per_county }
    }

    /// The rules `county` is judged by.
    pub fn of(&self, county: Uuid) -> Policy {
        self.rules(Some(county)).clone()
    }

    /// The rules a place in `county` is judged by, borrowed (`None`: a place with no county,
    /// judged by the default).
    pub fn rules(&self, county: Option<Uuid>) -> &Policy {
        county.and_then(|c| self.per_county.get(&c)).unwrap_or(&self.default)
    }
}

impl FromRef<CountyState> for Arc<Policies> {
    fn from_ref(st: &CountyState) -> Self {
        st.policies.clone()
    }
}

/// The clock, for the time an entry was made.
impl FromRef<CountyState> for Clock {
    fn from_ref(st: &CountyState) -> Self {
        st.clock.clone()
    }
}

/// The place and account store.
#[derive(Clone)]
pub struct Accounts(pub Arc<dyn AccountStore>);

impl std::fmt::Debug for Accounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Accounts")
    }
}

impl FromRef<CountyState> for Accounts {
    fn from_ref(st: &CountyState) -> Self {
        Accounts(st.accounts.clone())
    }
}

/// The read model with the log it follows: villages' records, up to date as of the call.
#[derive(Clone)]
pub struct Records {
    model: Arc<ReadModel>,
    store: Arc<dyn ServerStore>,
    /// Where people's decisions on doubtful days are kept (county inputs `evidence-YYYY`).
    accounts: Arc<dyn AccountStore>,
    /// The pages' lines kept between requests.
    pub lines: Arc<crate::lines::Lines>,
}

impl std::fmt::Debug for Records {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Records").field("model", &self.model).finish_non_exhaustive()
    }
}

impl FromRef<CountyState> for Records {
    fn from_ref(st: &CountyState) -> Self {
        Records {
            model: st.model.clone(),
            store: st.store.clone(),
            accounts: st.accounts.clone(),
            lines: st.lines.clone(),
        }
    }
}

/// The attachments' store, when the server has one.
#[derive(Clone)]
pub struct Blobs(pub Option<Arc<dyn BlobStore>>);

impl std::fmt::Debug for Blobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Blobs").field(&self.0.is_some()).finish()
    }
}

impl FromRef<CountyState> for Blobs {
    fn from_ref(st: &CountyState) -> Self {
        Blobs(st.blobs.clone())
    }
}

/// The change log with its signatures, for a record's provenance.
#[derive(Clone)]
pub struct Origins {
    pub model: Arc<ReadModel>,
    pub store: Arc<dyn ServerStore>,
    pub signatures: Option<Arc<dyn SignatureStore>>,
}

impl std::fmt::Debug for Origins {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Origins").field("signatures", &self.signatures.is_some()).finish_non_exhaustive()
    }
}

impl FromRef<CountyState> for Origins {
    fn from_ref(st: &CountyState) -> Self {
        Origins { model: st.model.clone(), store: st.store.clone(), signatures: st.signatures.clone() }
    }
}

/// What a county page computes for one village from its records: one line of the page.
pub trait LineFn<R>:
    Fn(&VillageInfo, &VillageRecords) -> std::result::Result<R, taizhang_county::CountyError>
    + Send
    + Sync
    + Clone
    + 'static
{
}

impl<R, F> LineFn<R> for F where
    F: Fn(&VillageInfo, &VillageRecords) -> std::result::Result<R, taizhang_county::CountyError>
        + Send
        + Sync
        + Clone
        + 'static
{
}

impl Records {
    /// One village's records, with people's decisions on doubtful days.
    pub async fn one(&self, village: Uuid) -> Result<Arc<VillageRecords>> {
        let records = self.model.refresh(&self.store, village).await?;
        Ok(self.with_checks(&[village], vec![records]).await?.remove(0))
    }

    /// Several villages' records, refreshed in parallel, in the order given.
    pub async fn of(&self, villages: &[VillageInfo]) -> Result<Vec<Arc<VillageRecords>>> {
        let ids: Vec<Uuid> = villages.iter().map(|v| v.id).collect();
        let records = self.model.refresh_many(&self.store, &ids).await?;
        self.with_checks(&ids, records).await
    }

    /// `f` over each village's records, in the order given, a batch of villages at a time
    /// (half the read model's cache): a county page that needs one line per village holds
    /// no more villages at once than that, however many the county has.
    pub async fn each<R: Send + 'static>(&self, villages: &[VillageInfo], f: impl LineFn<R>) -> Result<Vec<R>> {
        let batch = (self.model.capacity() / 2).max(1);
        let mut out = Vec::with_capacity(villages.len());
        for part in villages.chunks(batch) {
            let data: Vec<(VillageInfo, Arc<VillageRecords>)> =
                part.iter().cloned().zip(self.of(part).await?).collect();
            let f = f.clone();
            out.extend(
                crate::facts::compute(move || {
                    crate::facts::par_map(&data, |(info, r)| f(info, r)).into_iter().collect::<Result<Vec<_>, _>>()
                })
                .await?,
            );
        }
        Ok(out)
    }

    /// [`Records::each`] for a page whose lines are kept (`crate::lines`): a village's line is
    /// computed again only when its log, its place, what was entered for it or the page's
    /// `terms` (its period, today, the policy: encoded by the page) moved; the others are
    /// answered from `kept` without reading their records.
    pub async fn each_kept<R: Clone + Send + 'static>(
        &self,
        kept: &crate::lines::Kept<R>,
        villages: &[VillageInfo],
        terms: &[u8],
        f: impl LineFn<R>,
    ) -> Result<Vec<R>> {
        let ids: Vec<Uuid> = villages.iter().map(|v| v.id).collect();
        // Read before the lines are computed: a line is at least as new as its key.
        let positions = self.store.log_positions(&ids).await?;
        let inputs = self.accounts.county_inputs_of(&ids).await?;
        let mut by_village: HashMap<Uuid, Vec<&taizhang_server_db::CountyInput>> = HashMap::new();
        for row in &inputs {
            by_village.entry(row.village).or_default().push(row);
        }
        let keys: Vec<crate::lines::LineKey> = villages
            .iter()
            .zip(&positions)
            .map(|(info, at)| {
                let rows = by_village.get(&info.id).map(Vec::as_slice).unwrap_or_default();
                crate::lines::line_key(terms, info, *at, rows)
            })
            .collect();
        let mut out: Vec<Option<R>> = villages.iter().zip(&keys).map(|(v, k)| kept.get(v.id, k)).collect();
        let missing: Vec<usize> = (0..out.len()).filter(|i| out[*i].is_none()).collect();
        if !missing.is_empty() {
            let infos: Vec<VillageInfo> = missing.iter().map(|i| villages[*i].clone()).collect();
            let lines = self.each(&infos, f).await?;
            if lines.len() != missing.len() {
                return Err(crate::CountyWebError::Internal(format!(
                    "{} lines computed for {} villages",
                    lines.len(),
                    missing.len()
                )));
            }
            for (i, line) in missing.into_iter().zip(lines) {
                kept.put(villages[i].id, keys[i], line.clone());
                out[i] = Some(line);
            }
        }
        // Every village has its line now, in the order asked.
        Ok(out.into_iter().flatten().collect())
    }

    /// Adds the day checks entered for `ids` (one query); a village without any keeps its
    /// shared records as they are.
    async fn with_checks(
        &self,
        ids: &[Uuid],
        mut records: Vec<Arc<VillageRecords>>,
    ) -> Result<Vec<Arc<VillageRecords>>> {
        let rows = self.accounts.county_inputs_of(ids).await?;
        for (id, r) in ids.iter().zip(records.iter_mut()) {
            let checks = taizhang_county::day_checks_from_rows(
                rows.iter()
                    .filter(|row| row.village == *id)
                    .map(|row| (taizhang_domain::MemberId(row.member), row.period.as_str(), row.data.as_str())),
            );
            if !checks.is_empty() {
                Arc::make_mut(r).day_checks = checks;
            }
        }
        Ok(records)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_county_with_its_own_policy_is_judged_by_it_and_the_others_by_the_default() {
        let strict = Policy { min_days_in_village_per_year: 220, ..Policy::default() };
        let (own, other) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let policies = Policies::new(Policy::default(), HashMap::from([(own, strict.clone())]));
        assert_eq!(policies.of(own), strict);
        assert_eq!(policies.of(other).min_days_in_village_per_year, 200);
    }
}
