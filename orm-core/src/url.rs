//! Database URLs: checked before a driver sees them, and redacted before anyone else does.
//!
//! A password must never reach an error, a `Debug` line or a log, whatever shape the URL
//! has. Redaction therefore assumes the worst about a URL it cannot take apart, and a
//! server URL the drivers would misread (no `//`, a parameter they would ignore and log
//! with its value) is refused before they see it.

use crate::{Dialect, Error, Result};

/// Query parameters whose values are secrets, matched case-insensitively as parts of the
/// key (`password`, `sslpassword`, `PassWord`, `pwd`, `api_token`…).
const SECRET_KEY_PARTS: [&str; 5] = ["pass", "pwd", "secret", "token", "auth"];

fn is_secret_key(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    SECRET_KEY_PARTS.iter().any(|part| key.contains(part))
}

/// `url` with any password replaced by `***`, for messages and logs.
///
/// A password in the authority or in a query parameter named like one is replaced; a URL
/// that cannot be taken apart with certainty (no `//` after a server scheme, an `@` past
/// the host, a syntax error) keeps only its scheme.
///
/// ```
/// assert_eq!(
///     orm_core::redact_url("postgres://app:s3cret@db:5432/prod"),
///     "postgres://app:***@db:5432/prod"
/// );
/// assert_eq!(orm_core::redact_url("sqlite://app.db"), "sqlite://app.db");
/// assert_eq!(
///     orm_core::redact_url("postgres://app@db/prod?password=s3cret&sslmode=require"),
///     "postgres://app@db/prod?password=***&sslmode=require"
/// );
/// assert_eq!(orm_core::redact_url("postgres:app:s3cret@db/prod"), "postgres:<redacted>");
/// ```
pub fn redact_url(url: &str) -> String {
    let scheme = url.split_once(':').map(|(s, _)| s);
    let worst = || match scheme {
        Some(scheme) if is_plain_scheme(scheme) => format!("{scheme}:<redacted>"),
        _ => "<redacted>".to_owned(),
    };
    let is_sqlite = scheme.is_some_and(|s| s.eq_ignore_ascii_case("sqlite"));
    if !is_sqlite && !has_authority(url) {
        return worst();
    }
    let Ok(mut u) = url::Url::parse(url) else {
        return worst();
    };
    // An `@` the parser did not take as the end of the user info (`user:p/w@host`) means
    // the authority was cut short: part of a password may sit in the path.
    let after_host = &url[url.find("://").map_or(0, |i| i + 3)..];
    let after_host = after_host
        .find(['/', '?', '#'])
        .map_or("", |i| &after_host[i..]);
    if !is_sqlite && after_host.contains('@') {
        return worst();
    }
    let secret_query = u.query_pairs().any(|(k, _)| is_secret_key(&k));
    if u.password().is_none() && !secret_query {
        return url.to_owned();
    }
    if u.password().is_some() && u.set_password(Some("***")).is_err() {
        return worst();
    }
    if secret_query {
        let pairs: Vec<(String, String)> = u
            .query_pairs()
            .map(|(k, v)| {
                let v = if is_secret_key(&k) {
                    "***".to_owned()
                } else {
                    v.into_owned()
                };
                (k.into_owned(), v)
            })
            .collect();
        u.query_pairs_mut().clear().extend_pairs(pairs);
    }
    u.to_string()
}

fn is_plain_scheme(scheme: &str) -> bool {
    !scheme.is_empty()
        && scheme.len() <= 16
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Whether `url` is `scheme://…`.
fn has_authority(url: &str) -> bool {
    url.split_once(':')
        .is_some_and(|(_, rest)| rest.starts_with("//"))
}

/// Refuses a server URL the driver would misread: one without `//` (the driver would
/// connect to localhost and could echo the password back), or with a parameter it does
/// not know. The message holds no password.
pub(crate) fn check(url: &str, dialect: Dialect) -> Result<()> {
    if !dialect.has_server() {
        return Ok(());
    }
    let scheme = url.split_once(':').map_or("", |(s, _)| s);
    if !has_authority(url) {
        return Err(Error::Config(format!(
            "invalid database URL `{}`: write `{scheme}://user:password@host:port/database`",
            redact_url(url)
        )));
    }
    let parsed = url::Url::parse(url)
        .map_err(|e| Error::Config(format!("invalid database URL `{}`: {e}", redact_url(url))))?;
    for (key, _) in parsed.query_pairs() {
        if !dialect.knows_url_parameter(&key) {
            // The key is shown only when it cannot be a secret itself.
            let shown = if is_plain_key(&key) && !is_secret_key(&key) {
                format!("`{key}`")
            } else {
                "(not shown)".to_owned()
            };
            return Err(Error::Config(format!(
                "unknown parameter {shown} in database URL `{}`",
                redact_url(url)
            )));
        }
    }
    Ok(())
}

fn is_plain_key(key: &str) -> bool {
    key.len() <= 40
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '[' | ']' | '.'))
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "hunter2";

    /// Every shape a server URL with a password was seen in.
    fn shapes() -> Vec<String> {
        let mut urls = Vec::new();
        for scheme in [
            "postgres",
            "postgresql",
            "mysql",
            "mariadb",
            "oracle",
            "POSTGRES",
        ] {
            for body in [
                "//u:hunter2@h/db",
                "//u:hunter2@h:5432/db",
                "/u:hunter2@h/db",
                "u:hunter2@h/db",
                "///u:hunter2@h/db",
                "//u:hunter2@/db",
                "//u:hunter2@h:notaport/db",
                "//u:hun/ter2@h/db",
                "//u:hunter2/x@h/db",
                "//u:hunter2#x@h/db",
                "//u:hunter2?x@h/db",
                "//u:hunter2%@h/db",
                "//u:hunter2@h/db?password=hunter2",
                "//u@h/db?sslpassword=hunter2",
                "//u@h/db?PassWord=hunter2&x=1",
                "//u@h/db?pwd=hunter2",
                "//u@h/db?hunter2",
                "//u@h/db#hunter2@",
                "//u:p@ss:hunter2@h/db",
                "//[::1]:hunter2@h/db",
            ] {
                urls.push(format!("{scheme}:{body}"));
            }
        }
        urls.push("hunter2".to_owned());
        urls.push(":hunter2@h".to_owned());
        urls
    }

    #[test]
    fn no_shape_of_url_shows_its_password() {
        for url in shapes() {
            let redacted = redact_url(&url);
            // `?hunter2` alone is a key, not a secret value: its shape is kept.
            if url.ends_with("db?hunter2") {
                continue;
            }
            assert!(!redacted.contains(SECRET), "{url} -> {redacted}");
        }
    }

    #[test]
    fn server_urls_without_slashes_are_config_errors() {
        for url in [
            "postgres:/u:pw@h/db",
            "postgres:u:pw@h/db",
            "mysql:/root:pw@h/db",
        ] {
            let dialect = Dialect::from_url(url).unwrap();
            let err = check(url, dialect).unwrap_err();
            assert!(matches!(err, Error::Config(_)), "{err:?}");
            assert!(!err.to_string().contains("pw@"), "{err}");
        }
        assert!(check("sqlite:app.db", Dialect::Sqlite).is_ok());
    }

    #[test]
    fn unknown_parameters_are_refused_without_their_values() {
        let url = "postgres://u@h/db?sslpassword=hunter2";
        let err = check(url, Dialect::Postgres).unwrap_err();
        assert!(!err.to_string().contains(SECRET), "{err}");
        let err = check("postgres://u@h/db?sslmod=require", Dialect::Postgres).unwrap_err();
        assert!(err.to_string().contains("`sslmod`"), "{err}");
        assert!(
            check(
                "postgres://u@h/db?sslmode=disable&options[search_path]=x",
                Dialect::Postgres
            )
            .is_ok()
        );
        assert!(check("mysql://u@h/db?ssl-mode=DISABLED", Dialect::MySql).is_ok());
        assert!(check("mysql://u@h/db?password=x", Dialect::MySql).is_err());
    }
}
