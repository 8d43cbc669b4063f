//! The join sheet (issue 21): `POST /county/api/village/{id}/join-sheet` issues a one-time
//! enrollment code (加入码) for each member of the village's team who has no working phone yet
//! (or for the members named in the request, e.g. a replaced phone), and answers each with its
//! QR code as SVG, for the county or township officer to print and hand out. The QR carries the
//! join link `taizhang:enroll?code=…&server=…` the app reads by camera, from a picture or pasted
//! (`taizhang_app_core::scan`); the server address is the one the page was opened at. Each code
//! works once and expires; issuing it is logged with the officer's account.

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use taizhang_auth::{EnrollmentCode, Role};
use uuid::Uuid;

use crate::error::Result;
use crate::extract::Path;
use crate::facts::{find_village, villages_of};
use crate::state::Accounts;
use crate::{CountyWebError, Session};

/// How long a printed code works (days).
pub const SHEET_CODE_DAYS: i64 = 30;

#[derive(Debug, Clone, Default, Deserialize)]
pub struct SheetRequest {
    /// The server address the phones are to use (`https://…`): the page's own.
    pub server: String,
    /// Only these members (accounts of the team); absent: every member without a working phone.
    #[serde(default)]
    pub members: Option<Vec<Uuid>>,
}

/// One line of the sheet.
#[derive(Debug, Clone, Serialize)]
pub struct SheetEntry {
    pub member: Uuid,
    pub name: String,
    /// `first_secretary` or `member`.
    pub role: &'static str,
    /// The code as typed (`ABCD-EFGH-JKMN-PQRS`).
    pub code: String,
    /// What the QR code says.
    pub link: String,
    /// The QR code, an SVG image.
    pub qr_svg: String,
    pub valid_until: i64,
}

#[derive(Debug, Clone, Serialize)]
pub struct JoinSheet {
    pub village: Uuid,
    pub village_name: String,
    pub entries: Vec<SheetEntry>,
}

/// The join link of `code` at `server` (the form `taizhang-sync-server admin` prints).
pub fn join_link(code: &EnrollmentCode, server: &str) -> String {
    format!("taizhang:enroll?code={}&server={server}", code.display())
}

/// A QR code of `text` as an SVG image (4 px a module, a 4-module quiet zone).
pub fn qr_svg(text: &str) -> std::result::Result<String, String> {
    let code = qrcode::QrCode::new(text.as_bytes()).map_err(|e| e.to_string())?;
    let (w, colors) = (code.width(), code.to_colors());
    let side = w + 8;
    let mut path = String::new();
    for (i, c) in colors.iter().enumerate() {
        if *c == qrcode::Color::Dark {
            path.push_str(&format!("M{} {}h1v1h-1z", i % w + 4, i / w + 4));
        }
    }
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" width=\"{px}\" height=\"{px}\" \
         shape-rendering=\"crispEdges\"><rect width=\"{side}\" height=\"{side}\" fill=\"#fff\"/>\
         <path d=\"{path}\" fill=\"#000\"/></svg>",
        px = side * 4
    ))
}

fn server_of(s: &str) -> Result<String> {
    let s = s.trim().trim_end_matches('/');
    let ok = (s.starts_with("http://") || s.starts_with("https://"))
        && s.len() < 200
        && !s.contains(['&', '?', '#', ' ', '"', '<', '>']);
    match ok {
        true => Ok(s.to_string()),
        false => Err(CountyWebError::BadRequest(format!(
            "{s:?} 不是服务器地址（应以 http:// 或 https:// 开头）/ not a server address (http:// or https://)"
        ))),
    }
}

pub async fn join_sheet(
    session: Session,
    State(Accounts(accounts)): State<Accounts>,
    State(clock): State<taizhang_server_db::Clock>,
    Path(id): Path<Uuid>,
    crate::extract::Json(req): crate::extract::Json<SheetRequest>,
) -> Result<Json<JoinSheet>> {
    let village = find_village(&villages_of(accounts.as_ref(), &session).await?, id)?;
    let server = server_of(&req.server)?;
    let (team, devices) = accounts.village_team(id).await?;
    let team: Vec<_> = team.into_iter().filter(|a| matches!(a.role, Role::Member | Role::FirstSecretary)).collect();
    let chosen: Vec<_> = match &req.members {
        Some(wanted) => {
            if let Some(stranger) = wanted.iter().find(|m| !team.iter().any(|a| a.id == **m)) {
                return Err(CountyWebError::BadRequest(format!(
                    "{stranger} 不是本村工作队的队员 / is not a member of this village's team"
                )));
            }
            team.into_iter().filter(|a| wanted.contains(&a.id)).collect()
        }
        None => team
            .into_iter()
            .filter(|a| {
                !devices.iter().any(|d| d.account == a.id && d.revoked_at.is_none() && d.wipe_ordered_at.is_none())
            })
            .collect(),
    };
    let now = clock();
    let until = now + SHEET_CODE_DAYS * 86_400_000;
    let mut entries = Vec::with_capacity(chosen.len());
    for a in chosen {
        let code = EnrollmentCode::from_random(rand::random());
        accounts.add_enrollment_code(code.hash(), a.id, now, until).await.map_err(CountyWebError::Save)?;
        let link = join_link(&code, &server);
        let qr_svg = qr_svg(&link).map_err(CountyWebError::Internal)?;
        tracing::info!(village = %id, member = %a.id, by = %session.account.id, "join code issued for the printed sheet");
        entries.push(SheetEntry {
            member: a.id,
            name: a.name,
            role: if a.role == Role::FirstSecretary { "first_secretary" } else { "member" },
            code: code.display(),
            link,
            qr_svg,
            valid_until: until,
        });
    }
    entries.sort_by(|a, b| {
        (a.role != "first_secretary", a.name.as_str()).cmp(&(b.role != "first_secretary", b.name.as_str()))
    });
    Ok(Json(JoinSheet { village: id, village_name: village.name, entries }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_qr_code_is_an_svg_of_the_link() {
        let code = EnrollmentCode::from_random([7; 10]);
        let link = join_link(&code, "https://tz.example.cn");
        assert!(link.starts_with("taizhang:enroll?code=") && link.ends_with("&server=https://tz.example.cn"));
        let svg = qr_svg(&link).expect("svg");
        assert!(svg.starts_with("<svg") && svg.contains("<path d=\"M") && svg.ends_with("</svg>"));
    }

    #[test]
    fn only_a_plain_server_address_goes_into_the_link() {
        assert_eq!(server_of(" https://tz.example.cn/ ").expect("ok"), "https://tz.example.cn");
        assert!(server_of("javascript:alert(1)").is_err());
        assert!(server_of("https://a.cn/?x=1&server=evil").is_err());
    }
}
