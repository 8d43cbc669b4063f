//! Accounts, enrollment codes and devices in the SQLite file (schema 2). Plain SQL that
//! PostgreSQL runs as well.

use async_trait::async_trait;
use rusqlite::{params, OptionalExtension, Row};
use taizhang_auth::{Place, Role};
use taizhang_server_db::{actors_from_hex, Account, AccountStore, CountyInput, DbError, Device, PlaceRow, Redeemed};
use uuid::Uuid;

use crate::{backend, SqliteStore};

fn id(u: Uuid) -> Vec<u8> {
    u.as_bytes().to_vec()
}

fn opt_id(u: Option<Uuid>) -> Option<Vec<u8>> {
    u.map(id)
}

fn uuid_of(b: Vec<u8>) -> rusqlite::Result<Uuid> {
    Uuid::from_slice(&b)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Blob, e.into()))
}

fn opt_uuid(b: Option<Vec<u8>>) -> rusqlite::Result<Option<Uuid>> {
    b.map(uuid_of).transpose()
}

const ACCOUNT_COLS: &str = "id, name, role, village, township, county, created_at";

fn account_row(r: &Row<'_>) -> rusqlite::Result<Account> {
    let role: String = r.get(2)?;
    Ok(Account {
        id: uuid_of(r.get(0)?)?,
        name: r.get(1)?,
        role: role
            .parse::<Role>()
            .map_err(|e| rusqlite::Error::FromSqlConversionFailure(2, rusqlite::types::Type::Text, e.into()))?,
        village: opt_uuid(r.get(3)?)?,
        township: opt_uuid(r.get(4)?)?,
        county: opt_uuid(r.get(5)?)?,
        created_at: r.get(6)?,
    })
}

const DEVICE_COLS: &str = "id, account, name, public_key, actor, enrolled_at, revoked_at";
/// [`DEVICE_COLS`] and the device's further actors (schema 5), as hex separated by commas.
const DEVICE_SELECT: &str = "id, account, name, public_key, actor, enrolled_at, revoked_at,
    (SELECT group_concat(hex(a.actor)) FROM device_actors a WHERE a.device = devices.id),
    wipe_ordered_at";

fn device_row(r: &Row<'_>) -> rusqlite::Result<Device> {
    Ok(Device {
        id: uuid_of(r.get(0)?)?,
        account: uuid_of(r.get(1)?)?,
        name: r.get(2)?,
        public_key: r.get(3)?,
        actor: r.get(4)?,
        enrolled_at: r.get(5)?,
        revoked_at: r.get(6)?,
        more_actors: actors_from_hex(r.get::<_, Option<String>>(7)?.as_deref()),
        wipe_ordered_at: r.get(8)?,
    })
}

fn exists(c: &rusqlite::Connection, sql: &str, key: Vec<u8>) -> Result<bool, DbError> {
    c.query_row(sql, [key], |_| Ok(())).optional().map(|o| o.is_some()).map_err(backend)
}

#[async_trait]
impl AccountStore for SqliteStore {
    async fn create_county(&self, county: Uuid, name: &str, now: i64) -> Result<(), DbError> {
        let name = name.to_string();
        self.with(move |c| {
            c.execute(
                "INSERT INTO counties (id, name, created_at) VALUES (?1, ?2, ?3) ON CONFLICT (id) DO NOTHING",
                params![id(county), name, now],
            )
            .map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn create_township(&self, township: Uuid, county: Uuid, name: &str, now: i64) -> Result<(), DbError> {
        let name = name.to_string();
        self.with(move |c| {
            if !exists(c, "SELECT 1 FROM counties WHERE id = ?1", id(county))? {
                return Err(DbError::NotFound(format!("county {county}")));
            }
            c.execute(
                "INSERT INTO townships (id, county, name, created_at) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (id) DO NOTHING",
                params![id(township), id(county), name, now],
            )
            .map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn set_village_township(&self, village: Uuid, township: Uuid) -> Result<(), DbError> {
        self.with(move |c| {
            if !exists(c, "SELECT 1 FROM townships WHERE id = ?1", id(township))? {
                return Err(DbError::NotFound(format!("township {township}")));
            }
            let n = c
                .execute("UPDATE villages SET township = ?1 WHERE id = ?2", params![id(township), id(village)])
                .map_err(backend)?;
            if n == 0 {
                return Err(DbError::NotFound(format!("village {village}")));
            }
            Ok(())
        })
        .await
    }

    async fn village_place(&self, village: Uuid) -> Result<Option<Place>, DbError> {
        self.read_now(1, move |c| {
            // Cached: once a sync.
            c.prepare_cached(
                "SELECT v.township, t.county FROM villages v LEFT JOIN townships t ON t.id = v.township
                 WHERE v.id = ?1",
            )
            .and_then(|mut s| {
                s.query_row([id(village)], |r| {
                    Ok(Place { village, township: opt_uuid(r.get(0)?)?, county: opt_uuid(r.get(1)?)? })
                })
            })
            .optional()
            .map_err(backend)
        })
        .await
    }

    async fn places(&self) -> Result<Vec<PlaceRow>, DbError> {
        self.read(move |c| {
            let mut out = Vec::new();
            for (kind, sql) in [
                ("county", "SELECT id, name, NULL FROM counties ORDER BY name"),
                ("township", "SELECT id, name, county FROM townships ORDER BY name"),
                ("village", "SELECT id, name, township FROM villages ORDER BY name"),
            ] {
                let mut stmt = c.prepare(sql).map_err(backend)?;
                let rows = stmt
                    .query_map([], |r| {
                        Ok(PlaceRow { kind, id: uuid_of(r.get(0)?)?, name: r.get(1)?, parent: opt_uuid(r.get(2)?)? })
                    })
                    .map_err(backend)?;
                for row in rows {
                    out.push(row.map_err(backend)?);
                }
            }
            Ok(out)
        })
        .await
    }

    async fn create_account(&self, a: &Account) -> Result<(), DbError> {
        let a = a.clone();
        self.with(move |c| {
            if exists(c, "SELECT 1 FROM accounts WHERE id = ?1", id(a.id))? {
                return Err(DbError::Exists(format!("account {}", a.id)));
            }
            c.execute(
                &format!("INSERT INTO accounts ({ACCOUNT_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"),
                params![
                    id(a.id),
                    a.name,
                    a.role.code(),
                    opt_id(a.village),
                    opt_id(a.township),
                    opt_id(a.county),
                    a.created_at
                ],
            )
            .map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn account(&self, account: Uuid) -> Result<Option<Account>, DbError> {
        self.read_now(1, move |c| {
            c.prepare_cached(&format!("SELECT {ACCOUNT_COLS} FROM accounts WHERE id = ?1"))
                .and_then(|mut s| s.query_row([id(account)], account_row))
                .optional()
                .map_err(backend)
        })
        .await
    }

    async fn accounts(&self) -> Result<Vec<Account>, DbError> {
        self.read(move |c| {
            let mut stmt =
                c.prepare(&format!("SELECT {ACCOUNT_COLS} FROM accounts ORDER BY role, name")).map_err(backend)?;
            let rows = stmt.query_map([], account_row).map_err(backend)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(backend)
        })
        .await
    }

    async fn add_enrollment_code(
        &self,
        code_hash: [u8; 32],
        account: Uuid,
        now: i64,
        expires_at: i64,
    ) -> Result<(), DbError> {
        self.with(move |c| {
            if !exists(c, "SELECT 1 FROM accounts WHERE id = ?1", id(account))? {
                return Err(DbError::NotFound(format!("account {account}")));
            }
            c.execute(
                "INSERT INTO enrollment_codes (code_hash, account, created_at, expires_at) VALUES (?1, ?2, ?3, ?4)",
                params![code_hash.as_slice(), id(account), now, expires_at],
            )
            .map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn redeem_enrollment_code(
        &self,
        code_hash: [u8; 32],
        device: &Device,
        now: i64,
    ) -> Result<Redeemed, DbError> {
        let d = device.clone();
        self.with(move |c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(backend)?;
            let code: Option<(Vec<u8>, i64, Option<i64>)> = tx
                .query_row(
                    "SELECT account, expires_at, used_at FROM enrollment_codes WHERE code_hash = ?1",
                    [code_hash.as_slice()],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
                )
                .optional()
                .map_err(backend)?;
            let Some((account, expires_at, used_at)) = code else { return Ok(Redeemed::UnknownCode) };
            if used_at.is_some() {
                return Ok(Redeemed::AlreadyUsed);
            }
            if now >= expires_at {
                return Ok(Redeemed::Expired);
            }
            let taken = tx
                .query_row(
                    "SELECT 1 FROM devices WHERE public_key = ?1 OR actor = ?2 OR id = ?3
                     UNION ALL SELECT 1 FROM device_actors WHERE actor = ?2",
                    params![d.public_key, d.actor, id(d.id)],
                    |_| Ok(()),
                )
                .optional()
                .map_err(backend)?
                .is_some();
            if taken {
                return Ok(Redeemed::Taken);
            }
            tx.execute(
                &format!("INSERT INTO devices ({DEVICE_COLS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, NULL)"),
                params![id(d.id), account, d.name, d.public_key, d.actor, d.enrolled_at],
            )
            .map_err(backend)?;
            tx.execute(
                "UPDATE enrollment_codes SET used_at = ?1, device = ?2 WHERE code_hash = ?3",
                params![now, id(d.id), code_hash.as_slice()],
            )
            .map_err(backend)?;
            tx.commit().map_err(backend)?;
            Ok(Redeemed::Enrolled)
        })
        .await
    }

    async fn code_account(&self, code_hash: [u8; 32]) -> Result<Option<Uuid>, DbError> {
        self.read(move |c| {
            let account: Option<Vec<u8>> = c
                .query_row("SELECT account FROM enrollment_codes WHERE code_hash = ?1", [code_hash.as_slice()], |r| {
                    r.get(0)
                })
                .optional()
                .map_err(backend)?;
            account.map(uuid_of).transpose().map_err(backend)
        })
        .await
    }

    async fn device(&self, device: Uuid) -> Result<Option<Device>, DbError> {
        self.read_now(1, move |c| {
            c.prepare_cached(&format!("SELECT {DEVICE_SELECT} FROM devices WHERE id = ?1"))
                .and_then(|mut s| s.query_row([id(device)], device_row))
                .optional()
                .map_err(backend)
        })
        .await
    }

    async fn devices(&self) -> Result<Vec<Device>, DbError> {
        self.read(move |c| {
            let mut stmt =
                c.prepare(&format!("SELECT {DEVICE_SELECT} FROM devices ORDER BY enrolled_at")).map_err(backend)?;
            let rows = stmt.query_map([], device_row).map_err(backend)?;
            rows.collect::<Result<Vec<_>, _>>().map_err(backend)
        })
        .await
    }

    async fn village_team(&self, village: Uuid) -> Result<(Vec<Account>, Vec<Device>), DbError> {
        self.read(move |c| {
            let mut stmt = c
                .prepare_cached(&format!("SELECT {ACCOUNT_COLS} FROM accounts WHERE village = ?1 ORDER BY role, name"))
                .map_err(backend)?;
            let accounts = stmt.query_map([id(village)], account_row).map_err(backend)?.collect::<Result<Vec<_>, _>>();
            let mut stmt = c
                .prepare_cached(&format!(
                    "SELECT {DEVICE_SELECT} FROM devices WHERE account IN \
                     (SELECT id FROM accounts WHERE village = ?1) ORDER BY enrolled_at"
                ))
                .map_err(backend)?;
            let devices = stmt.query_map([id(village)], device_row).map_err(backend)?.collect::<Result<Vec<_>, _>>();
            Ok((accounts.map_err(backend)?, devices.map_err(backend)?))
        })
        .await
    }

    async fn add_device_actor(&self, device: Uuid, actor: &[u8], now: i64) -> Result<bool, DbError> {
        let actor = actor.to_vec();
        self.with(move |c| {
            let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).map_err(backend)?;
            let active = tx
                .query_row("SELECT 1 FROM devices WHERE id = ?1 AND revoked_at IS NULL", [id(device)], |_| Ok(()))
                .optional()
                .map_err(backend)?
                .is_some();
            let taken = tx
                .query_row(
                    "SELECT 1 FROM devices WHERE actor = ?1 UNION ALL SELECT 1 FROM device_actors WHERE actor = ?1",
                    [&actor],
                    |_| Ok(()),
                )
                .optional()
                .map_err(backend)?
                .is_some();
            if !active || taken {
                return Ok(false);
            }
            tx.execute(
                "INSERT INTO device_actors (actor, device, added_at) VALUES (?1, ?2, ?3)",
                params![actor, id(device), now],
            )
            .map_err(backend)?;
            tx.commit().map_err(backend)?;
            Ok(true)
        })
        .await
    }

    async fn use_signed_stamp(&self, device: Uuid, stamp: i64) -> Result<bool, DbError> {
        self.with(move |c| {
            let n = c
                .execute(
                    "UPDATE devices SET last_signed_at = ?1
                     WHERE id = ?2 AND (last_signed_at IS NULL OR last_signed_at < ?1)",
                    params![stamp, id(device)],
                )
                .map_err(backend)?;
            Ok(n > 0)
        })
        .await
    }

    async fn revoke_device(&self, device: Uuid, now: i64) -> Result<bool, DbError> {
        self.with(move |c| {
            let n = c
                .execute(
                    "UPDATE devices SET revoked_at = COALESCE(revoked_at, ?1) WHERE id = ?2",
                    params![now, id(device)],
                )
                .map_err(backend)?;
            Ok(n > 0)
        })
        .await
    }

    async fn order_wipe(&self, device: Uuid, now: i64) -> Result<bool, DbError> {
        self.with(move |c| {
            let n = c
                .execute(
                    "UPDATE devices SET revoked_at = COALESCE(revoked_at, ?1),
                     wipe_ordered_at = COALESCE(wipe_ordered_at, ?1) WHERE id = ?2",
                    params![now, id(device)],
                )
                .map_err(backend)?;
            Ok(n > 0)
        })
        .await
    }

    async fn set_password_hash(&self, account: Uuid, hash: &str, now: i64) -> Result<(), DbError> {
        let hash = hash.to_string();
        self.with(move |c| {
            let known: bool = c
                .query_row("SELECT EXISTS (SELECT 1 FROM accounts WHERE id = ?1)", [id(account)], |r| r.get(0))
                .map_err(backend)?;
            if !known {
                return Err(DbError::NotFound(format!("account {account}")));
            }
            c.execute(
                "INSERT INTO web_logins (account, password_hash, updated_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (account) DO UPDATE SET password_hash = excluded.password_hash, updated_at = excluded.updated_at",
                rusqlite::params![id(account), hash, now],
            )
            .map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn password_hash(&self, account: Uuid) -> Result<Option<String>, DbError> {
        self.read(move |c| {
            use rusqlite::OptionalExtension;
            c.query_row("SELECT password_hash FROM web_logins WHERE account = ?1", [id(account)], |r| r.get(0))
                .optional()
                .map_err(backend)
        })
        .await
    }

    async fn sessions_from(&self, account: Uuid) -> Result<Option<i64>, DbError> {
        self.read(move |c| {
            c.query_row("SELECT updated_at FROM web_logins WHERE account = ?1", [id(account)], |r| r.get(0))
                .optional()
                .map_err(backend)
        })
        .await
    }

    async fn end_sessions(&self, account: Uuid, at: i64) -> Result<(), DbError> {
        self.with(move |c| {
            c.execute(
                "UPDATE web_logins SET updated_at = ?2 WHERE account = ?1 AND updated_at < ?2",
                rusqlite::params![id(account), at],
            )
            .map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn put_county_input(&self, input: &CountyInput) -> Result<(), DbError> {
        let i = input.clone();
        self.with(move |c| {
            let known: bool = c
                .query_row("SELECT EXISTS (SELECT 1 FROM villages WHERE id = ?1)", [id(i.village)], |r| r.get(0))
                .map_err(backend)?;
            if !known {
                return Err(DbError::NotFound(format!("village {}", i.village)));
            }
            c.execute(
                "INSERT INTO county_inputs (village, member, period, data, updated_by, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (village, member, period) DO UPDATE SET
                   data = excluded.data, updated_by = excluded.updated_by, updated_at = excluded.updated_at",
                rusqlite::params![id(i.village), id(i.member), i.period, i.data, id(i.updated_by), i.updated_at],
            )
            .map_err(backend)?;
            Ok(())
        })
        .await
    }

    async fn county_inputs_of(&self, villages: &[Uuid]) -> Result<Vec<CountyInput>, DbError> {
        let villages = villages.to_vec();
        self.read(move |c| {
            let mut out = Vec::new();
            // One read transaction; the ids in batches well under SQLite's parameter limit.
            let tx = c.transaction().map_err(backend)?;
            for batch in villages.chunks(500) {
                let marks = vec!["?"; batch.len()].join(", ");
                let mut stmt = tx
                    .prepare(&format!(
                        "SELECT village, member, period, data, updated_by, updated_at FROM county_inputs
                         WHERE village IN ({marks})"
                    ))
                    .map_err(backend)?;
                let rows = stmt
                    .query_map(rusqlite::params_from_iter(batch.iter().map(|v| id(*v))), |r| {
                        Ok(CountyInput {
                            village: uuid_of(r.get(0)?)?,
                            member: uuid_of(r.get(1)?)?,
                            period: r.get(2)?,
                            data: r.get(3)?,
                            updated_by: uuid_of(r.get(4)?)?,
                            updated_at: r.get(5)?,
                        })
                    })
                    .map_err(backend)?;
                for row in rows {
                    out.push(row.map_err(backend)?);
                }
            }
            tx.commit().map_err(backend)?;
            out.sort_by(|a, b| (a.village, a.member, &a.period).cmp(&(b.village, b.member, &b.period)));
            Ok(out)
        })
        .await
    }

    async fn server_secret(&self, candidate: [u8; 32]) -> Result<[u8; 32], DbError> {
        self.with(move |c| {
            c.execute(
                "INSERT INTO server_keys (id, secret, created_at) VALUES (1, ?1, strftime('%s','now') * 1000)
                 ON CONFLICT (id) DO NOTHING",
                [candidate.as_slice()],
            )
            .map_err(backend)?;
            let secret: Vec<u8> =
                c.query_row("SELECT secret FROM server_keys WHERE id = 1", [], |r| r.get(0)).map_err(backend)?;
            <[u8; 32]>::try_from(secret.as_slice()).map_err(|_| backend("the stored server key is not 32 bytes"))
        })
        .await
    }

    async fn previous_server_secret(&self) -> Result<Option<([u8; 32], i64)>, DbError> {
        self.with(move |c| {
            let row: Option<(Vec<u8>, i64)> = c
                .query_row("SELECT secret, retired_at FROM server_key_previous WHERE id = 1", [], |r| {
                    Ok((r.get(0)?, r.get(1)?))
                })
                .optional()
                .map_err(backend)?;
            row.map(|(secret, at)| {
                <[u8; 32]>::try_from(secret.as_slice())
                    .map(|k| (k, at))
                    .map_err(|_| backend("the stored previous server key is not 32 bytes"))
            })
            .transpose()
        })
        .await
    }

    async fn rotate_server_secret(&self, next: [u8; 32], now: i64) -> Result<(), DbError> {
        self.with(move |c| {
            let tx = c.transaction().map_err(backend)?;
            tx.execute(
                "INSERT OR REPLACE INTO server_key_previous (id, secret, retired_at)
                 SELECT 1, secret, ?1 FROM server_keys WHERE id = 1",
                [now],
            )
            .map_err(backend)?;
            tx.execute(
                "INSERT INTO server_keys (id, secret, created_at) VALUES (1, ?1, ?2)
                 ON CONFLICT (id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at",
                rusqlite::params![next.as_slice(), now],
            )
            .map_err(backend)?;
            tx.commit().map_err(backend)
        })
        .await
    }
}
