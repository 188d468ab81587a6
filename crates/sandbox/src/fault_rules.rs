//! Scripted faults: rules that answer chosen requests in a chosen way, so that a test
//! can say "the second PATCH to `x` gets a 503" and rely on it. Unlike the random
//! [`FaultConfig`](crate::FaultConfig) they are deterministic; they live in memory
//! only (the state export leaves them out).

use std::str::FromStr;
use std::sync::Mutex;

use connkit_transport::HumanDuration;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A rule: which requests it matches, which of them it hits, and what it does to them.
///
/// Every criterion that is set must match. Of the matching requests, the first `skip`
/// pass untouched, then the next `times` (all of them when `None`) get the action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct FaultRule {
    /// Given by the sandbox when the rule is added (ignored on input).
    #[serde(default)]
    pub id: u64,
    /// The `operationId` (`updateConnector`, `c1.Get`, …).
    #[serde(default)]
    pub operation: Option<String>,
    /// The HTTP method, e.g. `PATCH`.
    #[serde(default)]
    pub method: Option<String>,
    /// The path, exactly; a trailing `*` matches any path that starts with the rest.
    #[serde(default)]
    pub path: Option<String>,
    /// The client the request's token was issued to.
    #[serde(default)]
    pub client_id: Option<String>,
    /// Matching requests let through before the rule hits.
    #[serde(default)]
    pub skip: u64,
    /// Matching requests hit after the skipped ones; `None`: all from then on.
    #[serde(default)]
    pub times: Option<u64>,
    /// What a hit request gets.
    pub action: FaultAction,
    /// Requests matched so far (ignored on input).
    #[serde(default)]
    pub matched: u64,
}

/// What a scripted fault does to a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
#[non_exhaustive]
pub enum FaultAction {
    /// Answers this status with this JSON body (default: a message naming the rule);
    /// the request is not handled.
    Status {
        /// The status, 200..=599.
        status: u16,
        /// The JSON body.
        #[serde(default)]
        body: Option<Value>,
    },
    /// Waits this long, then handles the request normally.
    Delay {
        /// Milliseconds.
        ms: u64,
    },
    /// Drops the connection without an answer; the request is not handled.
    Reset,
    /// Handles the request, then cuts the answer's body short.
    Truncate,
    /// Answers the API's 429 with this `Retry-After`; the request is not handled.
    RateLimit {
        /// Whole seconds.
        retry_after_secs: u64,
    },
}

impl FaultAction {
    /// A short description for the journal, e.g. `status 503`.
    pub fn describe(&self) -> String {
        match self {
            FaultAction::Status { status, .. } => format!("status {status}"),
            FaultAction::Delay { ms } => format!("delay {ms}ms"),
            FaultAction::Reset => "reset".to_owned(),
            FaultAction::Truncate => "truncate".to_owned(),
            FaultAction::RateLimit { retry_after_secs } => {
                format!("429 retry-after {retry_after_secs}s")
            }
        }
    }
}

impl FaultRule {
    /// A rule with no criterion (it matches every API request) hitting every request.
    pub fn new(action: FaultAction) -> Self {
        FaultRule {
            id: 0,
            operation: None,
            method: None,
            path: None,
            client_id: None,
            skip: 0,
            times: None,
            action,
            matched: 0,
        }
    }

    /// Only requests of this operation.
    pub fn operation(mut self, operation: impl Into<String>) -> Self {
        self.operation = Some(operation.into());
        self
    }

    /// Only requests with this method.
    pub fn method(mut self, method: impl Into<String>) -> Self {
        self.method = Some(method.into());
        self
    }

    /// Only requests to this path (a trailing `*`: starting with it).
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Only requests of this client.
    pub fn client_id(mut self, client_id: impl Into<String>) -> Self {
        self.client_id = Some(client_id.into());
        self
    }

    /// Lets the first `n` matching requests through.
    pub fn skip(mut self, n: u64) -> Self {
        self.skip = n;
        self
    }

    /// Hits `n` requests (after the skipped ones), then no more.
    pub fn times(mut self, n: u64) -> Self {
        self.times = Some(n);
        self
    }

    /// Checks the rule: a status in 200..=599, a known method, a non-empty criterion
    /// where one is given.
    pub fn validate(&self) -> Result<(), String> {
        if let FaultAction::Status { status, .. } = self.action {
            if !(200..=599).contains(&status) {
                return Err(format!("fault rule status {status} is not in 200..=599"));
            }
        }
        if let Some(method) = &self.method {
            if method.is_empty() || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
                return Err(format!(
                    "fault rule method '{method}' is not an HTTP method"
                ));
            }
        }
        for (name, value) in [
            ("operation", &self.operation),
            ("path", &self.path),
            ("client_id", &self.client_id),
        ] {
            if value.as_deref() == Some("") {
                return Err(format!("fault rule {name} is empty"));
            }
        }
        if self.times == Some(0) {
            return Err("fault rule times=0 would never hit; leave it out for all".to_owned());
        }
        Ok(())
    }

    fn matches(&self, request: &RuleInput<'_>) -> bool {
        self.operation
            .as_deref()
            .is_none_or(|o| o == request.operation)
            && self
                .method
                .as_deref()
                .is_none_or(|m| m.eq_ignore_ascii_case(request.method))
            && self
                .path
                .as_deref()
                .is_none_or(|p| match p.strip_suffix('*') {
                    Some(prefix) => request.path.starts_with(prefix),
                    None => p == request.path,
                })
            && (self.client_id.is_none() || self.client_id.as_deref() == request.client_id)
    }
}

impl FromStr for FaultRule {
    type Err = String;

    /// Parses a rule as JSON (`{"operation": …, "action": {"kind": "status", …}}`) or
    /// in the flag syntax: criteria `operation=`, `method=`, `path=`, `client=`,
    /// `skip=`, `times=`, and one action: `status=503`, `delay=2s`, `reset`,
    /// `truncate` or `retry-after=5` (a 429), e.g.
    /// `operation=updateConnector,skip=1,times=1,status=503`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let rule: FaultRule = if s.trim_start().starts_with('{') {
            serde_json::from_str(s).map_err(|e| format!("fault rule JSON: {e}"))?
        } else {
            parse_flag_syntax(s)?
        };
        rule.validate()?;
        Ok(rule)
    }
}

fn parse_flag_syntax(s: &str) -> Result<FaultRule, String> {
    let mut rule = FaultRule::new(FaultAction::Reset);
    let mut action = None;
    let mut set_action = |new: FaultAction| match action.replace(new) {
        Some(_) => Err(format!("fault rule '{s}' has more than one action")),
        None => Ok(()),
    };
    for item in s.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        let (key, value) = item.split_once('=').unwrap_or((item, ""));
        let number = || {
            value
                .parse::<u64>()
                .map_err(|_| format!("fault rule {key}: '{value}' is not a whole number"))
        };
        match key {
            "operation" => rule.operation = Some(value.to_owned()),
            "method" => rule.method = Some(value.to_ascii_uppercase()),
            "path" => rule.path = Some(value.to_owned()),
            "client" | "client_id" => rule.client_id = Some(value.to_owned()),
            "skip" => rule.skip = number()?,
            "times" => rule.times = Some(number()?),
            "status" => set_action(FaultAction::Status {
                status: value
                    .parse()
                    .map_err(|_| format!("fault rule status: '{value}' is not an HTTP status"))?,
                body: None,
            })?,
            "delay" => {
                let delay = value
                    .parse::<HumanDuration>()
                    .map_err(|e| format!("fault rule delay: {e}"))?
                    .get();
                let ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
                set_action(FaultAction::Delay { ms })?
            }
            "reset" if value.is_empty() => set_action(FaultAction::Reset)?,
            "truncate" if value.is_empty() => set_action(FaultAction::Truncate)?,
            "retry-after" | "retry_after" => set_action(FaultAction::RateLimit {
                retry_after_secs: number()?,
            })?,
            other => {
                return Err(format!(
                    "unknown fault rule setting '{other}' (known: operation, method, path, \
                     client, skip, times; actions: status=N, delay=D, reset, truncate, \
                     retry-after=S)"
                ))
            }
        }
    }
    rule.action = action.ok_or_else(|| {
        format!(
            "fault rule '{s}' has no action (status=N, delay=D, reset, truncate or retry-after=S)"
        )
    })?;
    Ok(rule)
}

/// What a rule is matched against.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RuleInput<'a> {
    pub(crate) operation: &'a str,
    pub(crate) method: &'a str,
    pub(crate) path: &'a str,
    pub(crate) client_id: Option<&'a str>,
}

/// A rule that hit a request.
#[derive(Debug, Clone)]
pub(crate) struct Hit {
    pub(crate) rule_id: u64,
    pub(crate) action: FaultAction,
}

impl Hit {
    /// The journal's description, e.g. `rule 2: status 503`.
    pub(crate) fn label(&self) -> String {
        format!("rule {}: {}", self.rule_id, self.action.describe())
    }
}

/// The rules in force, in the order they were added.
#[derive(Debug, Default)]
pub(crate) struct FaultRules {
    state: Mutex<(Vec<FaultRule>, u64)>,
}

impl FaultRules {
    fn locked(&self) -> std::sync::MutexGuard<'_, (Vec<FaultRule>, u64)> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Adds a (validated) rule; answers it with its id.
    pub(crate) fn add(&self, mut rule: FaultRule) -> Result<FaultRule, String> {
        rule.validate()?;
        let mut state = self.locked();
        state.1 += 1;
        rule.id = state.1;
        rule.matched = 0;
        state.0.push(rule.clone());
        Ok(rule)
    }

    /// Every rule, with its match count.
    pub(crate) fn list(&self) -> Vec<FaultRule> {
        self.locked().0.clone()
    }

    /// Removes one rule; `false` when there is none with that id.
    pub(crate) fn remove(&self, id: u64) -> bool {
        let mut state = self.locked();
        let before = state.0.len();
        state.0.retain(|r| r.id != id);
        state.0.len() != before
    }

    /// Removes every rule.
    pub(crate) fn clear(&self) {
        self.locked().0.clear();
    }

    /// Counts `request` against every rule it matches; the first rule that hits it
    /// decides.
    pub(crate) fn decide(&self, request: &RuleInput<'_>) -> Option<Hit> {
        let mut state = self.locked();
        let mut hit = None;
        for rule in state.0.iter_mut().filter(|r| r.matches(request)) {
            rule.matched += 1;
            let hits = rule.matched > rule.skip
                && rule.times.is_none_or(|t| rule.matched <= rule.skip + t);
            if hits && hit.is_none() {
                hit = Some(Hit {
                    rule_id: rule.id,
                    action: rule.action.clone(),
                });
            }
        }
        hit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input<'a>(operation: &'a str, method: &'a str, path: &'a str) -> RuleInput<'a> {
        RuleInput {
            operation,
            method,
            path,
            client_id: None,
        }
    }

    #[test]
    fn the_second_patch_to_x_and_only_it_gets_the_fault() {
        let rules = FaultRules::default();
        let rule: FaultRule = "method=patch,path=/v2024/connectors/x,skip=1,times=1,status=503"
            .parse()
            .unwrap();
        rules.add(rule).unwrap();
        let patch = input("updateConnector", "PATCH", "/v2024/connectors/x");
        let other = input("updateConnector", "PATCH", "/v2024/connectors/y");
        let hits: Vec<bool> = [patch, other, patch, patch]
            .iter()
            .map(|r| rules.decide(r).is_some())
            .collect();
        assert_eq!(hits, [false, false, true, false]);
        assert_eq!(rules.list()[0].matched, 3);
    }

    #[test]
    fn flag_syntax_and_json_and_their_errors() {
        let rule: FaultRule = "operation=getConnector,retry-after=7".parse().unwrap();
        assert_eq!(
            rule.action,
            FaultAction::RateLimit {
                retry_after_secs: 7
            }
        );
        let rule: FaultRule = "path=/v2024/*,delay=250ms".parse().unwrap();
        assert!(rule.matches(&input("getConnector", "GET", "/v2024/connectors/a")));
        assert_eq!(rule.action, FaultAction::Delay { ms: 250 });
        let rule: FaultRule =
            r#"{"operation":"c1.Get","action":{"kind":"status","status":500,"body":{"m":1}}}"#
                .parse()
                .unwrap();
        assert_eq!(rule.operation.as_deref(), Some("c1.Get"));
        let err = |s: &str| s.parse::<FaultRule>().unwrap_err();
        assert!(err("operation=x").contains("has no action"));
        assert!(err("status=503,reset").contains("more than one action"));
        assert!(err("status=99").contains("not in 200..=599"));
        assert!(err("boom=1").contains("unknown fault rule setting 'boom'"));
        assert!(err("times=0,reset").contains("never hit"));
        assert!(err(r#"{"action":{"kind":"explode"}}"#).starts_with("fault rule JSON"));
    }
}
