//! The sandbox's check of ConductorOne client assertions
//! (`connkit_sandbox::fuzzing::AssertionVerifier`, the code behind `POST /auth/v1/token`).
//!
//! The input draws a client id, a time, a JWS header and claims (free bytes, or JSON
//! built from drawn values so that every claim rule is reached), which the target signs
//! with the verifier's key; in one mode it also draws the whole JWS.
//!
//! Properties: never a panic; an accepted assertion satisfies every rule, checked here
//! independently (EdDSA, `iss` = `sub` = client id, `aud` names the client id's host,
//! `nbf` ≤ `exp`, lifetime ≤ 10 minutes, now within `nbf − 60 s .. exp + 60 s`); an
//! accepted assertion is refused the second time (no replay); and one with a flipped
//! signature bit is refused.
#![no_main]

use connkit_sandbox::fuzzing::AssertionVerifier;
use libfuzzer_sys::arbitrary::{self, Arbitrary};
use libfuzzer_sys::fuzz_target;
use serde_json::{json, Value};
use std::sync::LazyLock;

static VERIFIER: LazyLock<AssertionVerifier> = LazyLock::new(|| AssertionVerifier::new([7; 32]));

const LEEWAY: u64 = 60;

/// A JWS part: free bytes, or a JSON object of drawn members, laid over one that
/// passes (so that most inputs get past the signature and reach the claim rules).
#[derive(Debug, Arbitrary)]
enum Part {
    Raw(Vec<u8>),
    Built {
        over_valid: bool,
        members: Vec<(Key, Drawn)>,
    },
}

#[derive(Debug, Arbitrary)]
enum Key {
    Alg,
    Nonce,
    Iss,
    Sub,
    Aud,
    Nbf,
    Exp,
    Jti,
    Other(String),
}

impl Key {
    fn name(&self) -> &str {
        match self {
            Key::Alg => "alg",
            Key::Nonce => "nonce",
            Key::Iss => "iss",
            Key::Sub => "sub",
            Key::Aud => "aud",
            Key::Nbf => "nbf",
            Key::Exp => "exp",
            Key::Jti => "jti",
            Key::Other(name) => name,
        }
    }
}

#[derive(Debug, Arbitrary)]
enum Drawn {
    /// The client id (for `iss`, `sub`).
    ClientId,
    /// The client id's host (for `aud`), alone or in an array.
    Host {
        in_array: bool,
    },
    /// `now` plus a small offset (for `nbf`, `exp`).
    Now(i16),
    Number(u64),
    Text(String),
    Null,
}

#[derive(Debug, Arbitrary)]
struct Input {
    client_name: String,
    host: String,
    now: u32,
    header: Part,
    claims: Part,
    raw_jws: Option<String>,
}

fuzz_target!(|input: Input| {
    let client_id = format!("{}@{}/pcc", input.client_name, input.host);
    let now = 1_700_000_000 + u64::from(input.now);
    let host = AssertionVerifier::audience(&client_id)
        .unwrap_or_default()
        .to_owned();
    let valid_header = json!({"alg": "EdDSA"});
    let valid_claims = json!({
        "iss": client_id, "sub": client_id, "aud": host, "nbf": now, "exp": now + 300,
    });
    let header = render(&input.header, valid_header, &client_id, &host, now);
    let claims = render(&input.claims, valid_claims, &client_id, &host, now);
    let jws = match &input.raw_jws {
        Some(raw) => raw.clone(),
        None => VERIFIER.sign(&header, &claims),
    };
    if VERIFIER.exchange(&jws, &client_id, now).is_err() {
        return;
    }
    if input.raw_jws.is_none() {
        assert_rules_hold(&header, &claims, &client_id, &host, now);
    }
    assert!(
        VERIFIER.exchange(&jws, &client_id, now).is_err(),
        "a replayed assertion was accepted"
    );
    let mut flipped = jws.clone().into_bytes();
    let last = flipped.len() - 2;
    flipped[last] = if flipped[last] == b'A' { b'B' } else { b'A' };
    if let Ok(flipped) = String::from_utf8(flipped) {
        assert!(
            VERIFIER.exchange(&flipped, &client_id, now).is_err(),
            "a changed signature was accepted: {flipped}"
        );
    }
});

fn render(part: &Part, valid: Value, client_id: &str, host: &str, now: u64) -> Vec<u8> {
    let (over_valid, members) = match part {
        Part::Raw(bytes) => return bytes.clone(),
        Part::Built {
            over_valid,
            members,
        } => (over_valid, members),
    };
    let mut object = match valid {
        Value::Object(valid) if *over_valid => valid,
        _ => serde_json::Map::new(),
    };
    for (key, drawn) in members {
        let value = match drawn {
            Drawn::ClientId => json!(client_id),
            Drawn::Host { in_array: false } => json!(host),
            Drawn::Host { in_array: true } => json!([host]),
            Drawn::Now(offset) => json!(now.saturating_add_signed(i64::from(*offset))),
            Drawn::Number(n) => json!(n),
            Drawn::Text(t) => json!(t),
            Drawn::Null => Value::Null,
        };
        object.insert(key.name().to_owned(), value);
    }
    Value::Object(object).to_string().into_bytes()
}

/// The rules, read from the signed bytes without the verifier's code.
fn assert_rules_hold(header: &[u8], claims: &[u8], client_id: &str, host: &str, now: u64) {
    let header: Value = serde_json::from_slice(header).expect("an accepted header is JSON");
    assert_eq!(header["alg"], "EdDSA");
    let claims: Value = serde_json::from_slice(claims).expect("accepted claims are JSON");
    assert_eq!(claims["iss"], client_id);
    assert_eq!(claims["sub"], client_id);
    let aud = &claims["aud"];
    assert!(
        aud == host || aud.as_array().is_some_and(|a| a.iter().any(|v| v == host)),
        "aud {aud} accepted for {host}"
    );
    let nbf = claims["nbf"].as_u64().expect("nbf is a number");
    let exp = claims["exp"].as_u64().expect("exp is a number");
    assert!(nbf <= exp && exp - nbf <= 600, "nbf {nbf}, exp {exp}");
    assert!(
        now + LEEWAY >= nbf && now < exp + LEEWAY,
        "now {now}, nbf {nbf}, exp {exp}"
    );
}
