//! Callers and roles. A tokens file maps SHA-256 hashes of bearer tokens
//! (never the tokens) and, with mTLS, client-certificate subjects to a
//! caller name and roles. Health and reflection stay open.

use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use subtle::ConstantTimeEq;
use tonic::{Request, Status};

/// What a caller may call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// ScoringService.
    Reviews,
    /// TicketStatsService.
    Tickets,
    /// RubricService.
    Rubrics,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct TokensFile {
    #[serde(default)]
    callers: Vec<CallerEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CallerEntry {
    name: String,
    roles: Vec<Role>,
    /// Hex SHA-256 of the bearer token (`scorecard token hash`).
    #[serde(default)]
    token_sha256: Option<String>,
    /// Common name or DNS name of a client certificate (mTLS).
    #[serde(default)]
    client_cert_subject: Option<String>,
}

#[derive(Debug, Clone)]
struct Caller {
    name: String,
    roles: BTreeSet<Role>,
    token_hash: Option<[u8; 32]>,
    cert_subject: Option<String>,
}

/// The caller a request was identified as, put in the request extensions.
#[derive(Debug, Clone)]
pub struct CallerName(pub String);

/// Why a tokens file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum AuthFileError {
    /// The file could not be read.
    #[error("{}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    /// The file's text is not a usable list of callers.
    #[error("{}: {source}", path.display())]
    Tokens { path: PathBuf, source: TokensError },
}

/// Why the text of a tokens file is not a usable list of callers.
#[derive(Debug, thiserror::Error)]
pub enum TokensError {
    /// Not TOML of the tokens-file shape.
    #[error(transparent)]
    Toml(#[from] toml::de::Error),
    /// Every problem found, one a line.
    #[error("{}", .0.join("\n"))]
    Invalid(Vec<String>),
}

/// The configured callers; `open` when no tokens file is given.
#[derive(Debug, Clone, Default)]
pub struct Auth {
    callers: Option<Vec<Caller>>,
}

/// Two entries that would make a request's caller ambiguous: the same
/// name, the same token hash or the same certificate subject. Each
/// problem names both entries.
fn duplicates(callers: &[Caller]) -> Vec<String> {
    let mut problems = Vec::new();
    for (j, b) in callers.iter().enumerate() {
        for (i, a) in callers.iter().enumerate().take(j) {
            let both = format!(
                "callers[{i}] ({:?}) and callers[{j}] ({:?})",
                a.name, b.name
            );
            if !a.name.trim().is_empty() && a.name == b.name {
                problems.push(format!("{both}: the same caller name twice"));
            }
            if a.token_hash.is_some() && a.token_hash == b.token_hash {
                problems.push(format!(
                    "{both}: the same token_sha256; one token must identify one caller"
                ));
            }
            if a.cert_subject.is_some() && a.cert_subject == b.cert_subject {
                problems.push(format!(
                    "{both}: the same client_cert_subject; one certificate must identify one caller"
                ));
            }
        }
    }
    problems
}

impl Auth {
    /// No authentication: every caller may call everything.
    pub fn open() -> Self {
        Auth { callers: None }
    }

    pub fn is_open(&self) -> bool {
        self.callers.is_none()
    }

    /// Reads a tokens file (TOML); lists every problem.
    pub fn from_file(path: &Path) -> Result<Self, AuthFileError> {
        let text = std::fs::read_to_string(path).map_err(|source| AuthFileError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_toml(&text).map_err(|source| AuthFileError::Tokens {
            path: path.to_path_buf(),
            source,
        })
    }

    /// Reads the text of a tokens file; lists every problem.
    pub fn from_toml(text: &str) -> Result<Self, TokensError> {
        let file: TokensFile = toml::from_str(text)?;
        let mut problems = Vec::new();
        let mut callers = Vec::new();
        for (i, c) in file.callers.into_iter().enumerate() {
            let at = format!("callers[{i}]");
            if c.name.trim().is_empty() {
                problems.push(format!("{at}.name: is required"));
            }
            if c.roles.is_empty() {
                problems.push(format!(
                    "{at}.roles: at least one of reviews, tickets, rubrics"
                ));
            }
            let token_hash = match &c.token_sha256 {
                None => None,
                Some(h) => match hex::decode(h.trim()) {
                    Ok(bytes) if bytes.len() == 32 => {
                        let mut a = [0u8; 32];
                        a.copy_from_slice(&bytes);
                        Some(a)
                    }
                    _ => {
                        problems.push(format!(
                            "{at}.token_sha256: must be 64 hex digits (scorecard token hash)"
                        ));
                        None
                    }
                },
            };
            if c.token_sha256.is_none() && c.client_cert_subject.is_none() {
                problems.push(format!("{at}: needs token_sha256 or client_cert_subject"));
            }
            callers.push(Caller {
                name: c.name,
                roles: c.roles.into_iter().collect(),
                token_hash,
                cert_subject: c.client_cert_subject,
            });
        }
        problems.extend(duplicates(&callers));
        if callers.is_empty() {
            problems.push(
                "callers: the file lists no callers (remove SCORECARD_TOKENS to run open)".into(),
            );
        }
        if problems.is_empty() {
            Ok(Auth {
                callers: Some(callers),
            })
        } else {
            Err(TokensError::Invalid(problems))
        }
    }

    /// Identifies the caller of a request and checks it holds `role`.
    pub fn check<T>(&self, request: &Request<T>, role: Role) -> Result<Option<String>, Status> {
        let Some(callers) = &self.callers else {
            return Ok(None);
        };
        let caller = match bearer(request) {
            Some(token) => {
                let hash: [u8; 32] = Sha256::digest(token.as_bytes()).into();
                // Compare against every caller, in constant time per hash.
                let mut found = None;
                for (i, c) in callers.iter().enumerate() {
                    if let Some(h) = &c.token_hash
                        && bool::from(h.ct_eq(&hash))
                    {
                        found = Some(i);
                    }
                }
                found.map(|i| &callers[i])
            }
            None => {
                let subjects = peer_subjects(request);
                callers.iter().find(|c| {
                    c.cert_subject
                        .as_ref()
                        .is_some_and(|s| subjects.iter().any(|x| x == s))
                })
            }
        };
        let Some(caller) = caller else {
            super::metrics::refused("unauthenticated");
            return Err(Status::unauthenticated(
                "a valid bearer token or client certificate is required",
            ));
        };
        if !caller.roles.contains(&role) {
            super::metrics::refused("permission_denied");
            return Err(Status::permission_denied(format!(
                "caller \"{}\" lacks the \"{}\" role",
                caller.name,
                role_name(role)
            )));
        }
        Ok(Some(caller.name.clone()))
    }

    /// A tonic interceptor requiring `role`.
    pub fn interceptor(
        self: &Arc<Self>,
        role: Role,
    ) -> impl FnMut(Request<()>) -> Result<Request<()>, Status> + Clone + use<> {
        let auth = self.clone();
        move |mut request: Request<()>| {
            if let Some(name) = auth.check(&request, role)? {
                request.extensions_mut().insert(CallerName(name));
            }
            Ok(request)
        }
    }
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Reviews => "reviews",
        Role::Tickets => "tickets",
        Role::Rubrics => "rubrics",
    }
}

fn bearer<T>(request: &Request<T>) -> Option<String> {
    let value = request.metadata().get("authorization")?.to_str().ok()?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))?;
    Some(token.trim().to_string())
}

/// Common names and DNS names of the client's leaf certificate.
fn peer_subjects<T>(request: &Request<T>) -> Vec<String> {
    let Some(certs) = request.peer_certs() else {
        return Vec::new();
    };
    let Some(leaf) = certs.first() else {
        return Vec::new();
    };
    let Ok((_, cert)) = x509_parser::parse_x509_certificate(leaf.as_ref()) else {
        return Vec::new();
    };
    let mut out: Vec<String> = cert
        .subject()
        .iter_common_name()
        .filter_map(|cn| cn.as_str().ok().map(str::to_string))
        .collect();
    if let Ok(Some(san)) = cert.subject_alternative_name() {
        for name in &san.value.general_names {
            if let x509_parser::extensions::GeneralName::DNSName(d) = name {
                out.push(d.to_string());
            }
        }
    }
    out
}

/// Hex SHA-256 of a token, for the tokens file.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.trim().as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    #[test]
    fn a_shared_token_hash_or_a_repeated_caller_is_refused_naming_both() {
        let shared = format!(
            r#"
            [[callers]]
            name = "hr"
            roles = ["reviews"]
            token_sha256 = "{HASH}"
            [[callers]]
            name = "ops"
            roles = ["tickets"]
            token_sha256 = "{HASH}"
            "#
        );
        let error = Auth::from_toml(&shared)
            .expect_err("a shared hash")
            .to_string();
        assert_eq!(
            error,
            r#"callers[0] ("hr") and callers[1] ("ops"): the same token_sha256; one token must identify one caller"#
        );
        let twice = r#"
            [[callers]]
            name = "hr"
            roles = ["reviews"]
            client_cert_subject = "a"
            [[callers]]
            name = "hr"
            roles = ["tickets"]
            client_cert_subject = "b"
            "#;
        let error = Auth::from_toml(twice)
            .expect_err("a repeated name")
            .to_string();
        assert_eq!(
            error,
            r#"callers[0] ("hr") and callers[1] ("hr"): the same caller name twice"#
        );
    }
}
