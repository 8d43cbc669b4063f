//! What an administrator does, as functions over the database (the `taizhang-sync-server admin`
//! subcommands and the demo seed call them): create counties, townships, villages and
//! accounts, hand out one-time enrollment codes (also as a QR code PNG), revoke devices.
//! A village's registry record and its team members' records are written into the registry
//! document by the server itself, so an enrolled device finds its own member record there.

use automerge::transaction::CommitOptions;
use automerge::{ActorId, Automerge};
use taizhang_auth::{EnrollmentCode, Role};
use taizhang_doc::{write, DocId, VillageRecord};
use taizhang_domain::{GeoPoint, Geofence, Member, MemberId, Village, VillageId};
use taizhang_server_db::{Account, AccountStore, DbError, ServerStore};
use taizhang_sync::parse_changes;
use uuid::Uuid;

/// How long an enrollment code stays valid by default (people may be offline for weeks).
pub const CODE_VALID_DAYS: i64 = 60;

fn backend(e: impl std::fmt::Display) -> DbError {
    DbError::Backend(e.to_string())
}

/// Appends one server-written change to a village's registry document.
async fn write_registry<S: ServerStore + ?Sized>(
    store: &S,
    village: Uuid,
    now: i64,
    f: impl FnOnce(&mut automerge::transaction::Transaction<'_>) -> Result<(), taizhang_doc::DocError>,
) -> Result<(), DbError> {
    let stored = store.doc_changes(village, &DocId::Registry.to_string()).await?;
    let mut doc = taizhang_sync::load_stored(&stored).map_err(backend)?;
    doc.set_actor(ActorId::random());
    let before = doc.get_heads();
    let mut tx = doc.transaction();
    f(&mut tx).map_err(backend)?;
    tx.commit_with(CommitOptions::default().with_time(now));
    store_changes(store, village, &DocId::Registry, &doc, &before, now).await?;
    Ok(())
}

/// Stores the changes of `doc` made after `since` (`&[]`: its whole history) as document
/// `id` of `village`, as if a device had synced them — for what the server or a seed writes
/// itself. Returns how many changes there were.
pub async fn store_changes<S: ServerStore + ?Sized>(
    store: &S,
    village: Uuid,
    id: &DocId,
    doc: &Automerge,
    since: &[automerge::ChangeHash],
    now: i64,
) -> Result<usize, DbError> {
    let name = id.to_string();
    let raw: Vec<Vec<u8>> = doc.get_changes(since).iter().map(|c| c.raw_bytes().to_vec()).collect();
    let n = raw.len();
    let parsed = parse_changes(&name, raw).map_err(backend)?;
    store.push(village, &name, parsed, now).await?;
    Ok(n)
}

pub async fn create_county<S: AccountStore + ?Sized>(store: &S, name: &str, now: i64) -> Result<Uuid, DbError> {
    let id = Uuid::now_v7();
    store.create_county(id, name, now).await?;
    Ok(id)
}

pub async fn create_township<S: AccountStore + ?Sized>(
    store: &S,
    county: Uuid,
    name: &str,
    now: i64,
) -> Result<Uuid, DbError> {
    let id = Uuid::now_v7();
    store.create_township(id, county, name, now).await?;
    Ok(id)
}

/// Creates a village in a township, with its registry document (name, place, geofence).
pub async fn create_village<S: ServerStore + AccountStore + ?Sized>(
    store: &S,
    id: Uuid,
    township: Uuid,
    name: &str,
    centre: GeoPoint,
    radius_m: f64,
    now: i64,
) -> Result<Uuid, DbError> {
    let places = store.places().await?;
    let t = places
        .iter()
        .find(|p| p.kind == "township" && p.id == township)
        .ok_or_else(|| DbError::NotFound(format!("township {township}")))?;
    let county = places.iter().find(|p| p.kind == "county" && Some(p.id) == t.parent).map(|c| c.name.clone());
    store.create_village(id, name).await?;
    store.set_village_township(id, township).await?;
    let village = Village {
        id: VillageId(id),
        name: name.to_string(),
        county: county.unwrap_or_default(),
        township: t.name.clone(),
        geofence: Geofence { centre, radius_m },
    };
    write_registry(store, id, now, |tx| write(tx, &VillageRecord(village))).await?;
    Ok(id)
}

/// Creates an account. Team roles need `village` and get a member record in its registry;
/// township staff need `township`, county staff `county`.
#[allow(clippy::too_many_arguments)]
pub async fn create_account<S: ServerStore + AccountStore + ?Sized>(
    store: &S,
    id: Uuid,
    name: &str,
    role: Role,
    scope: Uuid,
    helping_unit: &str,
    now: i64,
) -> Result<Account, DbError> {
    let mut a =
        Account { id, name: name.to_string(), role, village: None, township: None, county: None, created_at: now };
    let places = store.places().await?;
    let has = |kind: &str| places.iter().any(|p| p.kind == kind && p.id == scope);
    match role {
        Role::Member | Role::FirstSecretary if has("village") => a.village = Some(scope),
        Role::TownshipStaff if has("township") => a.township = Some(scope),
        Role::CountyStaff if has("county") => a.county = Some(scope),
        Role::Admin => {}
        _ => {
            return Err(DbError::NotFound(format!(
                "{scope} as the {} of a {}",
                match role {
                    Role::Member | Role::FirstSecretary => "village",
                    Role::TownshipStaff => "township",
                    _ => "county",
                },
                role.code()
            )))
        }
    }
    store.create_account(&a).await?;
    if let Some(village) = a.village {
        let member = Member {
            id: MemberId(id),
            name: name.to_string(),
            role: if role == Role::FirstSecretary {
                taizhang_domain::Role::FirstSecretary
            } else {
                taizhang_domain::Role::TeamMember
            },
            helping_unit: helping_unit.to_string(),
            term_start: taizhang_domain::local_date(now),
            term_end: None,
        };
        write_registry(store, village, now, |tx| write(tx, &member)).await?;
    }
    a.created_at = now;
    Ok(a)
}

/// A new one-time enrollment code for `account`, valid for `valid_days`.
pub async fn new_enrollment_code<S: AccountStore + ?Sized>(
    store: &S,
    account: Uuid,
    now: i64,
    valid_days: i64,
) -> Result<EnrollmentCode, DbError> {
    let code = EnrollmentCode::from_random(rand::random());
    store.add_enrollment_code(code.hash(), account, now, now + valid_days * 86_400_000).await?;
    Ok(code)
}

/// What an enrollment QR code carries: the code and, when given, the server address.
pub fn qr_text(code: &EnrollmentCode, server: Option<&str>) -> String {
    match server {
        Some(s) => format!("taizhang:enroll?code={}&server={s}", code.display()),
        None => format!("taizhang:enroll?code={}", code.display()),
    }
}

/// A PNG image of a QR code of `text` (8 px per module, 4-module quiet zone).
pub fn qr_png(text: &str) -> Result<Vec<u8>, String> {
    let code = qrcode::QrCode::new(text.as_bytes()).map_err(|e| e.to_string())?;
    let (w, colors) = (code.width(), code.to_colors());
    const SCALE: usize = 8;
    const QUIET: usize = 4;
    let side = (w + 2 * QUIET) * SCALE;
    let mut pixels = vec![255u8; side * side];
    for (i, c) in colors.iter().enumerate() {
        if *c == qrcode::Color::Dark {
            let (x, y) = (i % w + QUIET, i / w + QUIET);
            for dy in 0..SCALE {
                let row = (y * SCALE + dy) * side;
                pixels[row + x * SCALE..row + (x + 1) * SCALE].fill(0);
            }
        }
    }
    let mut out = Vec::new();
    {
        let side32 = u32::try_from(side).map_err(|e| e.to_string())?;
        let mut enc = png::Encoder::new(&mut out, side32, side32);
        enc.set_color(png::ColorType::Grayscale);
        enc.set_depth(png::BitDepth::Eight);
        let mut writer = enc.write_header().map_err(|e| e.to_string())?;
        writer.write_image_data(&pixels).map_err(|e| e.to_string())?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_qr_code_is_a_png_that_decodes_to_its_size() {
        let code = EnrollmentCode::from_random([3; 10]);
        let png_bytes = qr_png(&qr_text(&code, Some("http://127.0.0.1:8620"))).expect("qr");
        let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
        let reader = decoder.read_info().expect("a valid png");
        let info = reader.info();
        assert_eq!(info.width, info.height);
        assert_eq!(info.width % 8, 0);
        assert!(info.width >= (21 + 8) * 8, "at least a version-1 QR code with its quiet zone");
    }
}

/// A random password for a web log-in: 4 groups of 4 letters and digits without look-alikes
/// (about 82 bits), easy to read out over the phone.
pub fn random_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let groups: Vec<String> =
        (0..4).map(|_| (0..4).map(|_| ALPHABET[rand::random_range(0..ALPHABET.len())] as char).collect()).collect();
    groups.join("-")
}

/// Why a web password could not be set.
#[derive(Debug, thiserror::Error)]
pub enum PasswordSetError {
    #[error("account {0} does not exist (see `taizhang-sync-server admin list`)")]
    NoAccount(Uuid),
    #[error(
        "account {0} is not county or township staff: only they log in to the county page (devices enroll with codes)"
    )]
    NotCountyStaff(Uuid),
    #[error(transparent)]
    Weak(#[from] taizhang_auth::PasswordError),
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Why the token key was not rotated.
#[derive(Debug, thiserror::Error)]
pub enum RotateKeyError {
    #[error(
        "the key was rotated {minutes} minutes ago: rotating again now would end the sessions the key before it issued \
         (they last up to {hours} hours); wait, or pass --force to end them"
    )]
    TooSoon { minutes: i64, hours: i64 },
    #[error(transparent)]
    Db(#[from] DbError),
}

/// Rotates the server's token key (issue 21): a new random key issues every device token,
/// county-page session and sign-in challenge from now on; the old one is kept as the previous
/// key, so what it issued stays valid until it expires (device tokens within an hour, sessions
/// within 12 hours). The certificate key of phone-to-phone sync is derived from the token key
/// and rotates with it: phones take the new one with their next credentials (at most hourly
/// after a sync). Running server instances read the keys at start: restart them. A second
/// rotation before the previous key's sessions have expired is refused unless `force`.
pub async fn rotate_key<S: AccountStore + ?Sized>(store: &S, now: i64, force: bool) -> Result<(), RotateKeyError> {
    let longest = taizhang_auth::SESSION_TTL_MS.max(taizhang_auth::TOKEN_TTL_MS);
    if let Some((_, retired_at)) = store.previous_server_secret().await? {
        if !force && now.saturating_sub(retired_at) < longest {
            return Err(RotateKeyError::TooSoon {
                minutes: now.saturating_sub(retired_at) / 60_000,
                hours: longest / 3_600_000,
            });
        }
    }
    // A database without a key yet gets one first, so there is a previous key to keep.
    store.server_secret(rand::random()).await?;
    store.rotate_server_secret(rand::random(), now).await?;
    Ok(())
}

/// Sets the password a county or township officer logs in to the county page with.
pub async fn set_password<S: AccountStore + ?Sized>(
    store: &S,
    account: Uuid,
    password: &str,
    now: i64,
) -> Result<(), PasswordSetError> {
    let a = store.account(account).await?.ok_or(PasswordSetError::NoAccount(account))?;
    if !matches!(a.role, Role::CountyStaff | Role::TownshipStaff) {
        return Err(PasswordSetError::NotCountyStaff(account));
    }
    taizhang_auth::check_new_password(password)?;
    let hash = taizhang_auth::hash_password(password, rand::random(), taizhang_auth::PASSWORD_ITERATIONS);
    store.set_password_hash(account, &hash, now).await?;
    Ok(())
}
