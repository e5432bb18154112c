//! Bearer tokens: minting, expiry on the sandbox clock, and who may touch what.

use std::collections::HashMap;

use axum::http::{header, HeaderMap};

use crate::clock::Millis;
use crate::errors::ApiError;
use crate::rng::Rng;

/// How long a token lives, in sandbox milliseconds (Basiq: 60 minutes).
pub const TOKEN_LIFETIME_MS: Millis = 3_600_000;

/// How long an expired token is still recognised (and answered 403 "Token has expired") before
/// it is forgotten and becomes unknown (401).
const REMEMBER_EXPIRED_MS: Millis = 7 * 24 * 3_600_000;

/// What a token may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// A browser token bound to one user.
    Client {
        /// The only user this token may touch.
        user_id: String,
    },
    /// A partner backend token: may touch everything.
    Server,
}

impl Scope {
    /// Ok when this token may act on `user_id`'s resources, else 403.
    pub fn allow_user(&self, user_id: &str) -> Result<(), ApiError> {
        match self {
            Scope::Server => Ok(()),
            Scope::Client { user_id: own } if own == user_id => Ok(()),
            Scope::Client { .. } => Err(ApiError::forbidden(
                "This token may only access resources of the user it was issued for.",
            )),
        }
    }

    /// Ok for SERVER_ACCESS tokens only, else 403.
    pub fn require_server(&self) -> Result<(), ApiError> {
        match self {
            Scope::Server => Ok(()),
            Scope::Client { .. } => Err(ApiError::forbidden(
                "This operation requires a SERVER_ACCESS token.",
            )),
        }
    }
}

#[derive(Debug, Clone)]
struct Grant {
    scope: Scope,
    expires_at: Millis,
}

/// All tokens issued so far.
#[derive(Debug, Default)]
pub struct Tokens {
    grants: HashMap<String, Grant>,
}

impl Tokens {
    /// Issues a new token for `scope`, valid for [`TOKEN_LIFETIME_MS`] from `now`.
    pub fn mint(&mut self, rng: &mut Rng, scope: Scope, now: Millis) -> String {
        self.grants
            .retain(|_, g| g.expires_at.saturating_add(REMEMBER_EXPIRED_MS) > now);
        let token = rng.token();
        self.grants.insert(
            token.clone(),
            Grant {
                scope,
                expires_at: now.saturating_add(TOKEN_LIFETIME_MS),
            },
        );
        token
    }

    /// The scope of a live token; 403 `access-denied` once it has expired, 401 when unknown.
    pub fn check(&self, token: &str, now: Millis) -> Result<Scope, ApiError> {
        match self.grants.get(token) {
            None => Err(ApiError::invalid_token()),
            Some(g) if g.expires_at <= now => Err(ApiError::token_expired()),
            Some(g) => Ok(g.scope.clone()),
        }
    }
}

/// The bearer token of a request: 401 `unauthorized-access` without an `Authorization` header,
/// 401 `invalid-authorization-token` when it is not `Bearer <token>`.
pub fn bearer(headers: &HeaderMap) -> Result<&str, ApiError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or_else(|| ApiError::unauthorized("Missing Authorization header."))?
        .to_str()
        .map_err(|_| ApiError::invalid_token())?;
    match value.split_once(' ') {
        Some((scheme, token))
            if scheme.eq_ignore_ascii_case("bearer") && !token.trim().is_empty() =>
        {
            Ok(token.trim())
        }
        _ => Err(ApiError::invalid_token()),
    }
}

/// Ok when the request carries `Authorization: Basic <something>` (any API key works here), else 401.
pub fn basic(headers: &HeaderMap) -> Result<(), ApiError> {
    let value = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    match value.split_once(' ') {
        Some((scheme, key)) if scheme.eq_ignore_ascii_case("basic") && !key.trim().is_empty() => {
            Ok(())
        }
        _ => Err(ApiError::unauthorized(
            "POST /token needs 'Authorization: Basic <API key>'.",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(auth: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::AUTHORIZATION, HeaderValue::from_str(auth).unwrap());
        h
    }

    #[test]
    fn tokens_expire_after_an_hour() {
        let mut tokens = Tokens::default();
        let mut rng = Rng::stream(1, 1);
        let t = tokens.mint(&mut rng, Scope::Server, 1000);
        assert_eq!(
            tokens.check(&t, 1000 + TOKEN_LIFETIME_MS - 1),
            Ok(Scope::Server)
        );
        let err = tokens.check(&t, 1000 + TOKEN_LIFETIME_MS).unwrap_err();
        assert_eq!(err.status.as_u16(), 403);
        assert_eq!(err.code, "access-denied");
        assert_eq!(err.detail, "Token has expired");
        let err = tokens.check("nope", 1000).unwrap_err();
        assert_eq!(
            (err.status.as_u16(), err.code),
            (401, "invalid-authorization-token")
        );
    }

    #[test]
    fn expired_tokens_stay_known_after_other_tokens_are_minted() {
        let mut tokens = Tokens::default();
        let mut rng = Rng::stream(1, 1);
        let old = tokens.mint(&mut rng, Scope::Server, 0);
        tokens.mint(&mut rng, Scope::Server, 2 * TOKEN_LIFETIME_MS);
        assert_eq!(
            tokens.check(&old, 2 * TOKEN_LIFETIME_MS).unwrap_err().code,
            "access-denied"
        );
    }

    #[test]
    fn client_scope_is_limited_to_its_user() {
        let s = Scope::Client {
            user_id: "u1".into(),
        };
        assert!(s.allow_user("u1").is_ok());
        assert_eq!(s.allow_user("u2").unwrap_err().code, "forbidden-access");
        assert!(s.require_server().is_err());
        assert!(Scope::Server.allow_user("u2").is_ok());
    }

    #[test]
    fn parses_authorization_headers() {
        assert_eq!(bearer(&headers("Bearer abc")).unwrap(), "abc");
        assert_eq!(bearer(&headers("bearer abc")).unwrap(), "abc");
        assert!(bearer(&headers("Bearer ")).is_err());
        assert_eq!(
            bearer(&headers("Basic abc")).unwrap_err().code,
            "invalid-authorization-token"
        );
        assert_eq!(
            bearer(&HeaderMap::new()).unwrap_err().code,
            "unauthorized-access"
        );
        assert!(basic(&headers("Basic a2V5")).is_ok());
        assert!(basic(&headers("Basic ")).is_err());
        assert!(basic(&HeaderMap::new()).is_err());
    }
}
