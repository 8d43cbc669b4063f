//! The villages and the work the benchmark generates: deterministic ids, a registry of any
//! size, and a team of three recording a realistic working day (check-in, household visits,
//! diary, a household edit now and then, month filings) through the real `Ledger`.

use automerge::transaction::CommitOptions;
use automerge::{ActorId, Automerge};
use chrono::{Datelike, Duration, NaiveDate, Weekday};
use taizhang_client::{Ledger, SyncReport, Transport};
use taizhang_doc::{write, VillageRecord};
use taizhang_domain::{
    CheckIn, CheckInId, CheckKind, DiaryEntry, DiaryId, GeoPoint, Geofence, GpsFix, Household, HouseholdId,
    HouseholdStatus, Member, MemberId, PovertyCause, Role, Timestamp, Village, VillageId, Visit, VisitId, YearMonth,
};
use uuid::Uuid;

use crate::setup::{device, DeviceStore};
use taizhang_server_db::ServerBackend;

/// A small deterministic PRNG (the domain's splitmix64): the same run generates the same village.
#[derive(Debug, Clone)]
pub struct Rng(taizhang_domain::SplitMix64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(taizhang_domain::SplitMix64::new(seed))
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
    /// A UUID v7 for a record made at `at` (time-ordered, like the app's ids).
    pub fn uuid_v7(&mut self, at: Timestamp) -> Uuid {
        self.0.uuid_v7(at)
    }
}

const SURNAMES: [&str; 16] =
    ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "罗"];
const GIVEN: [&str; 20] = [
    "德明", "秀英", "国强", "桂兰", "志华", "玉梅", "建军", "春花", "永福", "金凤", "文华", "小红", "正德", "海燕",
    "光荣", "丽娟", "树林", "翠兰", "长青", "月娥",
];
const FINDINGS: [&str; 12] = [
    "家中老人患慢性病，按时服药，家庭医生签约已落实",
    "两个孩子在镇中学就读，享受教育资助，上学路途较远",
    "今年种植烤烟八亩，长势良好，预计增收一万余元",
    "住房经鉴定为C级危房，已申报危房改造",
    "饮水管道入户，但旱季水压不足",
    "户主外出务工，家中留守老人和小孩",
    "养殖生猪十二头，受猪价影响收入下降",
    "参加了村里组织的电商培训，开始网上销售土鸡蛋",
    "家中有残疾人一名，残疾人两项补贴按月到账",
    "医保、养老保险均已参保缴费",
    "承包的茶园今年第一次采摘，收益可观",
    "因病返贫风险较高，已纳入监测对象",
];
const NEEDS: [&str; 8] = [
    "希望解决饮水问题",
    "希望提供就业岗位信息",
    "希望帮助联系农产品销路",
    "申请小额信贷发展养殖",
    "希望改善通组路路况",
    "申请临时救助",
    "希望孩子能申请助学金",
    "无",
];
const FOLLOW_UPS: [&str; 8] = [
    "下周联系水务站",
    "推荐参加县人社局招聘会",
    "对接帮扶单位消费帮扶",
    "协助向信用社提交申请",
    "向镇政府反映",
    "收集材料报民政办",
    "联系学校核实情况",
    "持续关注",
];
const DIARY: [&str; 10] = [
    "上午入户走访，了解家庭收入、就医、就学情况。",
    "下午参加村两委会议，研究产业项目推进。",
    "组织党员学习，上了一堂党课。",
    "与帮扶单位对接消费帮扶事宜。",
    "核实监测户收入数据，更新台账。",
    "到镇里参加乡村振兴工作推进会。",
    "协调解决三组通组路硬化问题。",
    "整理本周走访记录，梳理群众诉求。",
    "陪同县里检查组核查两不愁三保障落实情况。",
    "召开院坝会，宣传惠民政策。",
];

/// Milliseconds (UTC) of `date` at `h:m` Shanghai time.
pub fn at(date: NaiveDate, h: u32, m: u32) -> Timestamp {
    date.and_hms_opt(h, m, 0).map(|t| t.and_utc().timestamp_millis()).unwrap_or(0) - 8 * 3_600_000
}

/// One village of the benchmark: deterministic ids from its index.
#[derive(Debug, Clone)]
pub struct VillageSpec {
    pub index: u32,
    pub id: VillageId,
    pub households: usize,
}

impl VillageSpec {
    pub fn new(index: u32, households: usize) -> Self {
        let id = VillageId(Uuid::from_u128(0x0193_0000_0000_7000_8000_00be_0000_0000 + u128::from(index)));
        Self { index, id, households }
    }

    pub fn village(&self) -> Village {
        Village {
            id: self.id,
            name: format!("基准{}村", self.index + 1),
            county: "基准县".into(),
            township: format!("第{}镇", self.index / 10 + 1),
            geofence: Geofence { centre: GeoPoint { lat: 26.1286, lon: 106.6570 }, radius_m: 1500.0 },
        }
    }

    pub fn member_id(&self, i: usize) -> MemberId {
        MemberId(Uuid::from_u128(0x0193_0000_0000_7000_8000_00be_0001_0000 + (u128::from(self.index) << 8) + i as u128))
    }

    pub fn members(&self) -> Vec<Member> {
        let start = NaiveDate::from_ymd_opt(2023, 10, 1).unwrap_or_default();
        [
            ("李明", Role::FirstSecretary, "县委组织部"),
            ("王芳", Role::TeamMember, "县农业农村局"),
            ("张伟", Role::TeamMember, "镇政府"),
        ]
        .into_iter()
        .enumerate()
        .map(|(i, (name, role, unit))| Member {
            id: self.member_id(i),
            name: name.to_string(),
            role,
            helping_unit: unit.to_string(),
            term_start: start,
            term_end: None,
        })
        .collect()
    }

    pub fn household_id(&self, i: usize) -> HouseholdId {
        HouseholdId(Uuid::from_u128(
            0x0193_0000_0000_7000_8000_00be_0000_0000 + (u128::from(self.index + 1) << 20) + i as u128,
        ))
    }

    pub fn household(&self, i: usize) -> Household {
        Household {
            id: self.household_id(i),
            head: format!("{}{}", SURNAMES[i % 16], GIVEN[(i / 16 + i) % 20]),
            members_count: 1 + (i % 6) as u32,
            group: format!("{}组", 1 + i % 12),
            grid: format!("网格{}", 1 + i % 6),
            status: HouseholdStatus::ALL[i % 3],
            causes: vec![PovertyCause::ALL[i % 12]],
            helper: Some(self.member_id(i % 3)),
            plan: "发展特色种植，落实产业奖补，稳定务工收入".into(),
            income_yuan: Some(6000 + (i as i64 * 137) % 9000),
            details: Default::default(),
        }
    }

    /// The registry as the county's set-up writes it: the village and team in one change,
    /// then the households in changes of 50.
    pub fn registry_changes(&self) -> anyhow::Result<Vec<Vec<u8>>> {
        let mut actor = vec![0xad; 16];
        actor[..4].copy_from_slice(&self.index.to_be_bytes());
        let mut doc = Automerge::new().with_actor(ActorId::from(actor));
        let mut tx = doc.transaction();
        write(&mut tx, &VillageRecord(self.village()))?;
        for m in self.members() {
            write(&mut tx, &m)?;
        }
        tx.commit_with(CommitOptions::default().with_time(0));
        for chunk in (0..self.households).collect::<Vec<_>>().chunks(50) {
            let mut tx = doc.transaction();
            for &i in chunk {
                write(&mut tx, &self.household(i))?;
            }
            tx.commit_with(CommitOptions::default().with_time(0));
        }
        Ok(doc.get_changes(&[]).iter().map(|c| c.raw_bytes().to_vec()).collect())
    }
}

/// How a team works on one day.
#[derive(Debug, Clone, Copy)]
pub struct DayPlan {
    pub visits: u32,
    /// Also work on Saturdays and Sundays.
    pub weekends: bool,
}

impl DayPlan {
    /// A normal week: Monday to Friday, two visits a day each.
    pub const NORMAL: DayPlan = DayPlan { visits: 2, weekends: false };
    /// The week of the existing `week_figures` example: every day, four visits each.
    pub const BUSY_WEEK: DayPlan = DayPlan { visits: 4, weekends: true };
}

/// A team of three, each with one phone (an in-memory ledger), working through the calendar.
#[derive(Debug)]
pub struct Team {
    pub spec: VillageSpec,
    pub devices: Vec<Ledger>,
    /// The next day to work.
    pub day: NaiveDate,
    start: NaiveDate,
    rng: Rng,
    next_household: usize,
}

impl Team {
    /// The team's three phones, enrolled over `direct` (see `setup::device`).
    pub async fn new(
        store: &dyn ServerBackend,
        direct: &dyn Transport,
        spec: VillageSpec,
        start: NaiveDate,
    ) -> anyhow::Result<Self> {
        let mut devices = Vec::new();
        for m in 0..3 {
            devices.push(device(store, direct, &spec, m, 0, DeviceStore::Memory).await?);
        }
        let rng = Rng::new(0x7a1_2a46 ^ u64::from(spec.index));
        Ok(Self { spec, devices, day: start, start, rng, next_household: 0 })
    }

    /// Syncs every device of the team, in order; fails if the server refused anything. Then
    /// the first secretary files (月备案) every finished month not filed yet and syncs again:
    /// a month is filed only once every member's records of it are on the server (the
    /// server refuses changes to a filed month's log, other than amendments).
    pub async fn sync_all(&mut self, t: &dyn Transport, now: Timestamp) -> anyhow::Result<Vec<SyncReport>> {
        let mut out = Vec::new();
        for d in self.devices.iter_mut() {
            out.push(clean(d.sync(t, now).await?)?);
        }
        if self.file_finished_months()? {
            out.push(clean(self.devices[0].sync(t, now).await?)?);
        }
        Ok(out)
    }

    /// Files every month that ended before the next working day; true if it filed any.
    fn file_finished_months(&mut self) -> anyhow::Result<bool> {
        let me = self.spec.member_id(0);
        let mut first = self.start.with_day(1).unwrap_or(self.start);
        let mut filed = false;
        loop {
            let next = first.checked_add_months(chrono::Months::new(1)).unwrap_or(self.day);
            if next >= self.day {
                return Ok(filed);
            }
            let month = YearMonth::of(first);
            for m in 0..3 {
                let member = self.spec.member_id(m);
                if !self.devices[0].store().month_filed(member, month)? {
                    self.devices[0].file_month(member, month, me, at(next, 8, 0))?;
                    filed = true;
                }
            }
            first = next;
        }
    }

    /// Works every day up to (not including) `end`.
    pub fn work_until(&mut self, end: NaiveDate, plan: DayPlan) -> anyhow::Result<()> {
        while self.day < end {
            self.work_day(plan)?;
        }
        Ok(())
    }

    /// Works `days` calendar days.
    pub fn work_days(&mut self, days: u32, plan: DayPlan) -> anyhow::Result<()> {
        for _ in 0..days {
            self.work_day(plan)?;
        }
        Ok(())
    }

    fn work_day(&mut self, plan: DayPlan) -> anyhow::Result<()> {
        let day = self.day;
        self.day = day + Duration::days(1);
        if !plan.weekends && matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            return Ok(());
        }
        for m in 0..3 {
            self.member_day(m, day, plan)?;
        }
        Ok(())
    }

    fn fix(&mut self) -> GpsFix {
        let dlat = (self.rng.below(2000) as f64 - 1000.0) / 100_000.0;
        let dlon = (self.rng.below(2000) as f64 - 1000.0) / 100_000.0;
        GpsFix {
            point: GeoPoint { lat: 26.1286 + dlat, lon: 106.6570 + dlon },
            accuracy_m: Some(5.0 + self.rng.below(40) as f64),
        }
    }

    fn member_day(&mut self, m: usize, day: NaiveDate, plan: DayPlan) -> anyhow::Result<()> {
        let member = self.spec.member_id(m);
        let t = at(day, 8, 20 + self.rng.below(30) as u32);
        let c = CheckIn {
            id: CheckInId(self.rng.uuid_v7(t)),
            member,
            at: t,
            kind: CheckKind::In,
            location: Some(self.fix()),
            in_geofence: None,
        };
        self.devices[m].check_in(&c, t + 1000)?;
        for k in 0..plan.visits {
            let t = at(day, 9 + k * 2, self.rng.below(60) as u32);
            let household = self.spec.household_id(self.next_household % self.spec.households.max(1));
            self.next_household += 1;
            let location = if self.rng.below(2) == 0 { Some(self.fix()) } else { None };
            let v = Visit {
                id: VisitId(self.rng.uuid_v7(t)),
                household,
                member,
                at: t,
                location,
                findings: format!("{}；{}", self.rng.pick(&FINDINGS), self.rng.pick(&FINDINGS)),
                needs: self.rng.pick(&NEEDS).to_string(),
                follow_up: self.rng.pick(&FOLLOW_UPS).to_string(),
                amends: None,
                attachments: Vec::new(),
            };
            self.devices[m].record_visit(&v, t + 20 * 60_000)?;
        }
        // A household's details change now and then (income updated after a visit).
        if day.weekday() == Weekday::Fri {
            let i = self.rng.below(self.spec.households as u64) as usize;
            if let Some(row) = self.devices[m].store().household(self.spec.household_id(i))? {
                let mut h = row.record;
                h.income_yuan = Some(h.income_yuan.unwrap_or(0) + 100 + self.rng.below(900) as i64);
                self.devices[m].put_household(&h, at(day, 17, 0))?;
            }
        }
        let t = at(day, 20, self.rng.below(60) as u32);
        let n = 2 + self.rng.below(3) as usize;
        let text: String = (0..n).map(|_| *self.rng.pick(&DIARY)).collect();
        let d = DiaryEntry {
            id: DiaryId(self.rng.uuid_v7(t)),
            member,
            date: day,
            text,
            amends: None,
            written_at: t,
            attachments: Vec::new(),
        };
        self.devices[m].write_diary(&d, t + 60_000)?;
        Ok(())
    }
}

/// `r`, unless the server refused a document or a download could not be applied: the bench
/// only reports syncs that did everything they were asked.
pub fn clean(r: SyncReport) -> anyhow::Result<SyncReport> {
    if let Some((doc, why)) = r.rejected.first() {
        anyhow::bail!("the server refused {doc}: {why}");
    }
    if let Some((doc, why)) = r.skipped_downloads.first() {
        anyhow::bail!("the download of {doc} could not be applied: {why}");
    }
    Ok(r)
}

/// A visit recorded "now" on a device (load test, client probe).
pub fn visit_now(rng: &mut Rng, spec: &VillageSpec, member: usize, household: usize, now: Timestamp) -> Visit {
    Visit {
        id: VisitId(rng.uuid_v7(now)),
        household: spec.household_id(household % spec.households.max(1)),
        member: spec.member_id(member),
        at: now,
        location: None,
        findings: rng.pick(&FINDINGS).to_string(),
        needs: rng.pick(&NEEDS).to_string(),
        follow_up: rng.pick(&FOLLOW_UPS).to_string(),
        amends: None,
        attachments: Vec::new(),
    }
}
